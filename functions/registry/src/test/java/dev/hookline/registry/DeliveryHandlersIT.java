package dev.hookline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.testing.DeliveryQueuePump;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.delivery.DeliveryService;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.fanout.DeliveryMessage;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import dev.hookline.testing.LambdaEvents;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import dev.hookline.testing.TestStack;
import dev.hookline.webhooks.WebhookService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery routes of the registry API, from API Gateway events, with the delivery function pumped in between. */
class DeliveryHandlersIT {

    private static final TestStack STACK = TestStack.createLocal();

    private TestStack.DeliveryResources resources;
    private DeliveryService delivery;
    private TestReceiver receiver;
    private String company;
    private ListDeliveriesHandler list;
    private GetDeliveryHandler get;
    private RetryDeliveryHandler retry;
    private RecoverDeliveriesHandler recover;
    private TestWebhookHandler test;
    private GetWebhookHandler getWebhook;
    private UpdateWebhookHandler updateWebhook;
    private ListWebhooksHandler listWebhooks;

    @BeforeEach
    void setUp() {
        resources = STACK.createDeliveryResources();
        DeliveryConfig config = resources.config().withCircuitThreshold(2).withCacheTtl(Duration.ZERO)
                .withCircuitTiming(Duration.ZERO, DeliveryConfig.DEFAULT_PROBE_SCHEDULE);
        delivery = STACK.services().delivery(config, STACK.services().urlGuard());
        DeliveryAdmin admin = STACK.services().deliveryAdmin(config);
        WebhookService webhooks = STACK.services().webhooks();
        list = new ListDeliveriesHandler(admin);
        get = new GetDeliveryHandler(admin);
        retry = new RetryDeliveryHandler(admin);
        recover = new RecoverDeliveriesHandler(admin);
        test = new TestWebhookHandler(admin);
        getWebhook = new GetWebhookHandler(webhooks, admin);
        updateWebhook = new UpdateWebhookHandler(webhooks, admin);
        listWebhooks = new ListWebhooksHandler(webhooks, admin);
        receiver = new TestReceiver();
        company = "company-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @Test
    void aTestPingIsQueuedDeliveredAndReadableWithItsAttempts() {
        Webhook webhook = webhook(3);
        APIGatewayV2HTTPResponse queued = invoke(test, event("POST", "/v1/webhooks/{id}/test", webhook.id(), null, "admin", null));
        assertEquals(202, queued.getStatusCode(), queued.getBody());
        String deliveryId = body(queued).path("delivery_id").asText();
        assertTrue(deliveryId.startsWith("msg_"));

        assertEquals(List.of(Outcome.DELIVERED), pump());
        assertEquals(deliveryId, receiver.requests().get(0).header("webhook-id"));

        APIGatewayV2HTTPResponse one = invoke(get, event("GET", "/v1/webhooks/{id}/deliveries/{delivery_id}", webhook.id(),
                deliveryId, "read", null));
        assertEquals(200, one.getStatusCode(), one.getBody());
        JsonNode detail = body(one);
        assertEquals("succeeded", detail.path("status").asText());
        assertEquals("ping", detail.path("event_type").asText());
        assertEquals(200, detail.path("attempt_log").get(0).path("status_code").asInt());

        APIGatewayV2HTTPResponse page = invoke(list, event("GET", "/v1/webhooks/{id}/deliveries", webhook.id(), null, "read",
                Map.of("status", "succeeded")));
        assertEquals(200, page.getStatusCode(), page.getBody());
        assertEquals(deliveryId, body(page).path("data").get(0).path("id").asText());
        assertFalse(body(page).path("data").get(0).has("attempt_log"), "the listing has no attempt detail");
        assertEquals(detail.path("attempt_log").get(0).path("latency_ms"), body(page).path("data").get(0).path("last_latency_ms"),
                "the listing carries the last attempt's latency, for the dashboard's chart");
    }

    @Test
    void anOpenCircuitShowsOnTheWebhookAndPatchActiveTrueClosesItAndReplays() {
        receiver.always(Response.of(500));
        Webhook webhook = webhook(0);
        enqueue(webhook, "evt-1");
        enqueue(webhook, "evt-2");
        assertEquals(List.of(Outcome.FAILED, Outcome.FAILED), pump());
        enqueue(webhook, "evt-3");
        assertEquals(List.of(Outcome.PARKED), pump());

        JsonNode disabled = body(invoke(getWebhook, event("GET", "/v1/webhooks/{id}", webhook.id(), null, "read", null)));
        assertEquals("open", disabled.path("circuit_state").asText());
        assertEquals(2, disabled.path("circuit_failure_count").asInt());
        assertFalse(disabled.path("active").asBoolean());
        assertFalse(disabled.path("disabled_at").isNull());
        assertEquals("parked", disabled.path("last_delivery").path("status").asText(), "the newest delivery, evt-3");
        JsonNode listed = body(invoke(listWebhooks, event("GET", "/v1/webhooks", webhook.id(), null, "read", null)))
                .path("data").get(0);
        assertEquals("open", listed.path("circuit_state").asText(), "the listing shows the circuit too");

        receiver.always(Response.of(200));
        APIGatewayV2HTTPEvent patch = event("PATCH", "/v1/webhooks/{id}", webhook.id(), null, "admin", null);
        patch.setBody("{\"active\": true}");
        APIGatewayV2HTTPResponse enabled = invoke(updateWebhook, patch);
        assertEquals(200, enabled.getStatusCode(), enabled.getBody());
        assertEquals("closed", body(enabled).path("circuit_state").asText());
        assertTrue(body(enabled).path("active").asBoolean());

        assertEquals(List.of(Outcome.COMMAND), pump());
        assertEquals(List.of(Outcome.DELIVERED), pump());

        APIGatewayV2HTTPResponse failed = invoke(list, event("GET", "/v1/webhooks/{id}/deliveries", webhook.id(), null, "read",
                Map.of("status", "failed")));
        JsonNode failures = body(failed).path("data");
        assertEquals(2, failures.size());
        String failedId = failures.get(0).path("id").asText();
        APIGatewayV2HTTPResponse retried = invoke(retry, event("POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
                webhook.id(), failedId, "admin", null));
        assertEquals(202, retried.getStatusCode(), retried.getBody());
        assertEquals(List.of(Outcome.DELIVERED), pump());

        APIGatewayV2HTTPEvent recoverEvent = event("POST", "/v1/webhooks/{id}/recover", webhook.id(), null, "admin", null);
        recoverEvent.setBody("{\"since\": \"" + Instant.now().minusSeconds(3600) + "\"}");
        assertEquals(202, invoke(recover, recoverEvent).getStatusCode());
        assertEquals(List.of(Outcome.COMMAND), pump());
        assertEquals(List.of(Outcome.DELIVERED), pump(), "the one failed delivery left");
    }

    @Test
    void clientMistakesGetTheirStatus() {
        Webhook webhook = webhook(3);
        assertEquals(404, invoke(get, event("GET", "/v1/webhooks/{id}/deliveries/{delivery_id}", webhook.id(),
                "msg_nope", "read", null)).getStatusCode());
        assertEquals(404, invoke(list, event("GET", "/v1/webhooks/{id}/deliveries", UUID.randomUUID().toString(), null,
                "read", null)).getStatusCode());
        assertEquals(422, invoke(list, event("GET", "/v1/webhooks/{id}/deliveries", webhook.id(), null, "read",
                Map.of("status", "lost"))).getStatusCode());
        assertEquals(403, invoke(test, event("POST", "/v1/webhooks/{id}/test", webhook.id(), null, "read", null)).getStatusCode());
        APIGatewayV2HTTPEvent badSince = event("POST", "/v1/webhooks/{id}/recover", webhook.id(), null, "admin", null);
        badSince.setBody("{\"since\": \"yesterday\"}");
        assertEquals(422, invoke(recover, badSince).getStatusCode());
    }

    // ------------------------------------------------------------------ helpers

    private Webhook webhook(int retries) {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "receiver", "url": "%s", "resource": "ticket", "trigger": "create", "retries": %d}
                """.formatted(receiver.url(), retries));
        return STACK.services().webhooks().create(TestStack.admin(company), body, Optional.empty()).webhook();
    }

    private void enqueue(Webhook webhook, String eventId) {
        ObjectNode payload = Json.object().put("type", "ticket.create").put("event_id", eventId);
        String body = Json.write(new DeliveryMessage(DeliveryIds.forEvent(eventId, webhook.id(), Instant.now()), webhook.id(),
                webhook.companyId(), eventId, 0, payload, 0).toJson());
        STACK.sqsClient().sendMessage(r -> r.queueUrl(resources.queue()).messageBody(body));
    }

    private List<Outcome> pump() {
        return DeliveryQueuePump.pumpOnce(STACK.sqsClient(), resources.queue(), delivery);
    }

    /** An HTTP API event like events/get-webhook.json, for another route, tenant and scope. */
    private APIGatewayV2HTTPEvent event(String method, String route, String webhookId, String deliveryId, String scopes,
            Map<String, String> query) {
        APIGatewayV2HTTPEvent event = LambdaEvents.load("get-webhook.json", APIGatewayV2HTTPEvent.class);
        String path = route.replace("{id}", webhookId).replace("{delivery_id}", deliveryId == null ? "" : deliveryId);
        event.setRouteKey(method + " " + route);
        event.setRawPath(path);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        Map<String, String> parameters = new HashMap<>();
        parameters.put("id", webhookId);
        if (deliveryId != null) {
            parameters.put("delivery_id", deliveryId);
        }
        event.setPathParameters(parameters);
        event.setQueryStringParameters(query);
        Map<String, Object> authorizer = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        authorizer.put("company_id", company);
        authorizer.put("scopes", scopes);
        event.getRequestContext().getAuthorizer().setLambda(authorizer);
        return event;
    }

    private static APIGatewayV2HTTPResponse invoke(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            APIGatewayV2HTTPEvent event) {
        return LambdaEvents.invoke(handler, event, APIGatewayV2HTTPResponse.class);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

}
