package dev.hookline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.hookline.testing.LambdaEvents;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.Scope;
import dev.hookline.json.Json;
import dev.hookline.rules.EventCatalog;
import dev.hookline.testing.TestStack;
import dev.hookline.webhooks.WebhookService;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every registry handler driven by the events/*.json files {@code sam local invoke -e} uses, deserialized as
 * the Lambda runtime does, against DynamoDB Local and moto's Secrets Manager.
 */
class RegistryHandlersIT {

    private static final String COMPANY = "d0a3f370-cd43-11ed-9c9c-bbcffde24a48";

    private static TestStack stack;
    private static CreateWebhookHandler create;
    private static ListWebhooksHandler list;
    private static GetWebhookHandler get;
    private static UpdateWebhookHandler update;
    private static DeleteWebhookHandler delete;
    private static RotateSecretHandler rotate;
    private static VerifySignatureHandler verify;
    private static ListWebhookVersionsHandler versions;
    private static ListEventTypesHandler eventTypes;
    private static RouteNotFoundHandler notFound;
    private static GetApiKeyHandler apiKey;

    @BeforeAll
    static void wireHandlers() {
        stack = TestStack.create();
        WebhookService webhooks = stack.services().webhooks();
        create = new CreateWebhookHandler(webhooks);
        list = new ListWebhooksHandler(webhooks);
        get = new GetWebhookHandler(webhooks);
        update = new UpdateWebhookHandler(webhooks);
        delete = new DeleteWebhookHandler(webhooks);
        rotate = new RotateSecretHandler(webhooks);
        verify = new VerifySignatureHandler(webhooks);
        versions = new ListWebhookVersionsHandler(webhooks);
        eventTypes = new ListEventTypesHandler(EventCatalog.standard());
        notFound = new RouteNotFoundHandler();
        apiKey = new GetApiKeyHandler();
    }

    private static APIGatewayV2HTTPEvent event(String file) {
        return LambdaEvents.load(file, APIGatewayV2HTTPEvent.class);
    }

    private static APIGatewayV2HTTPEvent forWebhook(String file, String id) {
        APIGatewayV2HTTPEvent event = event(file);
        event.setPathParameters(Map.of("id", id));
        event.setRawPath(event.getRawPath().replace("96007e9b-b570-454c-aa3b-66a33a88280a", id));
        return event;
    }

    private static APIGatewayV2HTTPResponse invoke(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            APIGatewayV2HTTPEvent event) {
        return LambdaEvents.invoke(handler, event, APIGatewayV2HTTPResponse.class);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        return Json.parse(response.getBody());
    }

    private static String createdId() {
        APIGatewayV2HTTPEvent event = event("create-webhook.json");
        event.getHeaders().remove("idempotency-key");
        return body(invoke(create, event)).get("id").asText();
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, body(response).get("error").get("code").asText());
        assertEquals("application/json", response.getHeaders().get("content-type"));
        assertFalse(response.getBody().contains("Exception"), "no exception text in responses");
    }

    @Test
    void createWebhookEventCreatesAndReplaysByIdempotencyKey() {
        APIGatewayV2HTTPResponse first = invoke(create, event("create-webhook.json"));
        assertEquals(201, first.getStatusCode(), first.getBody());
        JsonNode webhook = body(first);
        assertEquals("My Example Webhook", webhook.get("name").asText());
        assertEquals(COMPANY, webhook.get("company_id").asText());
        assertTrue(webhook.get("secret").asText().startsWith("whsec_"));
        assertEquals("/v1/webhooks/" + webhook.get("id").asText(), first.getHeaders().get("location"));
        APIGatewayV2HTTPResponse replay = invoke(create, event("create-webhook.json"));
        assertEquals(201, replay.getStatusCode());
        assertEquals(webhook.get("id"), body(replay).get("id"));
        assertEquals("true", replay.getHeaders().get("idempotent-replayed"));
    }

    @Test
    void readEventsAnswerWithTheWebhookAndNeverItsSecret() {
        String id = createdId();
        APIGatewayV2HTTPResponse got = invoke(get, forWebhook("get-webhook.json", id));
        assertEquals(200, got.getStatusCode());
        assertEquals("\"1\"", got.getHeaders().get("etag"));
        assertNull(body(got).get("secret"));
        APIGatewayV2HTTPResponse listed = invoke(list, event("list-webhooks.json"));
        assertEquals(200, listed.getStatusCode());
        assertTrue(body(listed).get("data").size() >= 1);
        assertFalse(listed.getBody().contains("whsec_"));
    }

    @Test
    void updateEventHonoursIfMatchAndAnswers412WhenStale() {
        String id = createdId();
        APIGatewayV2HTTPResponse updated = invoke(update, forWebhook("update-webhook.json", id));
        assertEquals(200, updated.getStatusCode(), updated.getBody());
        assertEquals("Renamed webhook", body(updated).get("name").asText());
        assertFalse(body(updated).get("active").asBoolean());
        assertError(invoke(update, forWebhook("update-webhook.json", id)), 412, "precondition_failed");
    }

    @Test
    void putIsAcceptedWithThePartialMeaningOfPatch() {
        String id = createdId();
        APIGatewayV2HTTPEvent put = forWebhook("update-webhook.json", id);
        put.getRequestContext().getHttp().setMethod("PUT");
        put.setRouteKey("PUT /v1/webhooks/{id}");
        put.getHeaders().remove("if-match");
        put.setBody("{\"retries\": 5}");
        JsonNode updated = body(invoke(update, put));
        assertEquals(5, updated.get("retries").asInt());
        assertEquals("My Example Webhook", updated.get("name").asText());
    }

    @Test
    void aRateLimitIsCreatedReadListedAndRemovedWithPatchNull() {
        APIGatewayV2HTTPEvent limited = createWith("""
                {"name": "limited", "url": "https://example.com/webhook/receive", "resource": "ticket", "trigger": "create",
                 "rate_limit": 25}""", false);
        JsonNode created = body(invoke(create, limited));
        assertEquals(25, created.get("rate_limit").asInt(), created.toString());
        String id = created.get("id").asText();
        assertEquals(25, body(invoke(get, forWebhook("get-webhook.json", id))).get("rate_limit").asInt());
        APIGatewayV2HTTPEvent listing = event("list-webhooks.json");
        listing.setQueryStringParameters(Map.of("limit", "100"));
        JsonNode listed = StreamSupport.stream(body(invoke(list, listing)).get("data").spliterator(), false)
                .filter(webhook -> webhook.get("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals(25, listed.get("rate_limit").asInt());

        APIGatewayV2HTTPEvent removal = forWebhook("update-webhook.json", id);
        removal.getHeaders().remove("if-match");
        removal.setBody("{\"rate_limit\": null}");
        APIGatewayV2HTTPResponse removed = invoke(update, removal);
        assertEquals(200, removed.getStatusCode(), removed.getBody());
        assertTrue(body(removed).get("rate_limit").isNull());
        assertTrue(body(invoke(get, forWebhook("get-webhook.json", id))).get("rate_limit").isNull());

        APIGatewayV2HTTPEvent tooFast = forWebhook("update-webhook.json", id);
        tooFast.getHeaders().remove("if-match");
        tooFast.setBody("{\"rate_limit\": 301}");
        APIGatewayV2HTTPResponse refused = invoke(update, tooFast);
        assertError(refused, 422, "validation_failed");
        JsonNode field = body(refused).get("error").get("fields").get(0);
        assertEquals("rate_limit", field.get("field").asText());
        assertEquals("out_of_range", field.get("code").asText());
    }

    @Test
    void aReferenceAndMethodTypeAreCreatedReadFilteredOnAndRefusedWhenInvalid() {
        String reference = "ORDER-" + java.util.UUID.randomUUID();
        JsonNode created = body(invoke(create, createWith("""
                {"name": "referenced", "url": "https://example.com/webhook/receive", "resource": "ticket", "trigger": "create",
                 "method_type": "PUT", "reference": "%s", "reference_origin": "erp"}""".formatted(reference), false)));
        assertEquals("PUT", created.get("method_type").asText(), created.toString());
        assertEquals(reference, created.get("reference").asText());
        assertEquals("erp", created.get("reference_origin").asText());
        String id = created.get("id").asText();
        JsonNode read = body(invoke(get, forWebhook("get-webhook.json", id)));
        assertEquals("PUT", read.get("method_type").asText());
        assertEquals(reference, read.get("reference").asText());

        APIGatewayV2HTTPEvent listing = event("list-webhooks.json");
        listing.setQueryStringParameters(Map.of("reference", reference, "active", "true"));
        JsonNode listed = body(invoke(list, listing)).get("data");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals(id, listed.get(0).get("id").asText());
        assertEquals("erp", listed.get(0).get("reference_origin").asText());
        listing.setQueryStringParameters(Map.of("reference", reference, "active", "false"));
        assertEquals(0, body(invoke(list, listing)).get("data").size());

        APIGatewayV2HTTPEvent clearing = forWebhook("update-webhook.json", id);
        clearing.getHeaders().remove("if-match");
        clearing.setBody("{\"reference\": null, \"method_type\": \"POST\"}");
        JsonNode cleared = body(invoke(update, clearing));
        assertTrue(cleared.get("reference").isNull(), cleared.toString());
        assertEquals("erp", cleared.get("reference_origin").asText());
        assertEquals("POST", cleared.get("method_type").asText());

        APIGatewayV2HTTPEvent invalid = forWebhook("update-webhook.json", id);
        invalid.getHeaders().remove("if-match");
        invalid.setBody("{\"method_type\": \"put\", \"reference_origin\": \"%s\"}".formatted("o".repeat(256)));
        APIGatewayV2HTTPResponse refused = invoke(update, invalid);
        assertError(refused, 422, "validation_failed");
        Map<String, String> codes = new java.util.TreeMap<>();
        body(refused).get("error").get("fields").forEach(f -> codes.put(f.get("field").asText(), f.get("code").asText()));
        assertEquals(Map.of("method_type", "invalid_value", "reference_origin", "too_long"), codes);
    }

    @Test
    void deleteEventAnswers204AndTheWebhookDisappearsFromTheApi() {
        String id = createdId();
        APIGatewayV2HTTPResponse deleted = invoke(delete, forWebhook("delete-webhook.json", id));
        assertEquals(204, deleted.getStatusCode());
        assertError(invoke(get, forWebhook("get-webhook.json", id)), 404, "not_found");
    }

    @Test
    void rotateEventReturnsANewSecretOnce() {
        String id = createdId();
        APIGatewayV2HTTPResponse rotated = invoke(rotate, forWebhook("rotate-secret.json", id));
        assertEquals(200, rotated.getStatusCode());
        assertTrue(body(rotated).get("secret").asText().startsWith("whsec_"));
        assertEquals(2, body(rotated).get("version").asInt());
    }

    @Test
    void versionsEventListsEveryChangeNewestFirstByKeyIdAndNeverASecret() {
        String id = createdId();
        invoke(update, forWebhook("update-webhook.json", id));
        invoke(rotate, forWebhook("rotate-secret.json", id));
        invoke(delete, forWebhook("delete-webhook.json", id));

        APIGatewayV2HTTPResponse listed = invoke(versions, forWebhook("list-webhook-versions.json", id));

        assertEquals(200, listed.getStatusCode(), listed.getBody());
        JsonNode data = body(listed).get("data");
        assertEquals(List.of("delete", "rotate_secret", "update", "create"),
                StreamSupport.stream(data.spliterator(), false).map(v -> v.get("action").asText()).toList());
        assertEquals(Json.parse("""
                {"name": {"from": "My Example Webhook", "to": "Renamed webhook"}, "active": {"from": true, "to": false}}"""),
                data.get(2).get("changes"));
        assertEquals("rotated", data.get(1).get("changes").get("secret").asText());
        assertEquals("examplekey01", data.get(0).get("api_key_id").asText());
        assertEquals(id, data.get(0).get("webhook_id").asText());
        assertTrue(body(listed).get("next_cursor").isNull());
        assertFalse(listed.getBody().contains("whsec_") || listed.getBody().contains("hk_"), listed.getBody());
    }

    @Test
    void versionsArePagedAndABadLimitOrCursorIs422() {
        String id = createdId();
        invoke(rotate, forWebhook("rotate-secret.json", id));
        APIGatewayV2HTTPEvent firstPage = forWebhook("list-webhook-versions.json", id);
        firstPage.setQueryStringParameters(Map.of("limit", "1"));
        JsonNode first = body(invoke(versions, firstPage));
        APIGatewayV2HTTPEvent secondPage = forWebhook("list-webhook-versions.json", id);
        secondPage.setQueryStringParameters(Map.of("limit", "1", "cursor", first.get("next_cursor").asText()));
        JsonNode second = body(invoke(versions, secondPage));

        assertEquals(2, first.get("data").get(0).get("version").asInt());
        assertEquals(1, second.get("data").get(0).get("version").asInt());
        assertTrue(second.get("next_cursor").isNull());
        for (Map<String, String> query : List.of(Map.of("limit", "0"), Map.of("limit", "101"), Map.of("cursor", "!!!"))) {
            APIGatewayV2HTTPEvent bad = forWebhook("list-webhook-versions.json", id);
            bad.setQueryStringParameters(query);
            assertError(invoke(versions, bad), 422, "validation_failed");
        }
        APIGatewayV2HTTPEvent otherTenant = forWebhook("list-webhook-versions.json", id);
        otherTenant.getRequestContext().getAuthorizer().getLambda().put("company_id", "another-company");
        assertError(invoke(versions, otherTenant), 404, "not_found");
    }

    @Test
    void verifyEventSaysWhetherTheSignatureHoldsForThisWebhook() {
        String id = createdId();
        APIGatewayV2HTTPResponse verified = invoke(verify, forWebhook("verify-signature.json", id));
        assertEquals(200, verified.getStatusCode(), verified.getBody());
        // The sample carries the published test vector, signed with another secret and long expired.
        assertFalse(body(verified).get("valid").asBoolean());
        assertEquals("timestamp_too_old", body(verified).get("result").asText());
    }

    @Test
    void apiKeyEventTellsTheKeysIdTenantAndEffectiveScopes() {
        APIGatewayV2HTTPResponse reader = invoke(apiKey, event("get-api-key.json"));
        assertEquals(200, reader.getStatusCode(), reader.getBody());
        assertEquals(Json.parse("""
                {"id": "examplekey01", "company_id": "d0a3f370-cd43-11ed-9c9c-bbcffde24a48", "scopes": ["read"]}"""),
                body(reader));

        APIGatewayV2HTTPEvent admin = event("get-api-key.json");
        admin.getRequestContext().getAuthorizer().getLambda().put("scopes", "admin");
        assertEquals(Json.parse("[\"read\", \"admin\"]"), body(invoke(apiKey, admin)).get("scopes"));

        APIGatewayV2HTTPEvent anonymous = event("get-api-key.json");
        anonymous.getRequestContext().getAuthorizer().setLambda(new HashMap<>());
        assertError(invoke(apiKey, anonymous), 401, "unauthorized");
    }

    @Test
    void eventTypesEventServesTheCatalogue() {
        APIGatewayV2HTTPResponse response = invoke(eventTypes, event("list-event-types.json"));
        assertEquals(200, response.getStatusCode());
        assertEquals(8, body(response).get("propagation").size());
        assertEquals("ticket.sold_out", body(response).get("derived").get(0).get("type").asText());
        for (JsonNode resource : body(response).get("resources")) {
            if (resource.get("resource").asText().equals("order")) {
                assertEquals(Json.parse("[\"event\", \"shop\", \"ticket\", \"product\"]"), resource.get("related"));
            }
        }
    }

    @Test
    void includeResourcesAreCreatedReadUpdatedAndRefusedWhenUnrelated() {
        JsonNode created = body(invoke(create, createWith("""
                {"name": "orders", "url": "https://example.com/webhook/receive", "events": ["order.create"],
                 "include_resources": ["shop", "event"]}""", false)));
        assertEquals(Json.parse("[\"shop\", \"event\"]"), created.get("include_resources"), created.toString());
        String id = created.get("id").asText();
        assertEquals(Json.parse("[\"shop\", \"event\"]"), body(invoke(get, forWebhook("get-webhook.json", id))).get("include_resources"));

        APIGatewayV2HTTPEvent narrowing = forWebhook("update-webhook.json", id);
        narrowing.getHeaders().remove("if-match");
        narrowing.setBody("{\"include_resources\": [\"shop\"]}");
        assertEquals(Json.parse("[\"shop\"]"), body(invoke(update, narrowing)).get("include_resources"));

        APIGatewayV2HTTPEvent unrelated = forWebhook("update-webhook.json", id);
        unrelated.getHeaders().remove("if-match");
        unrelated.setBody("{\"events\": [\"ticket.create\"], \"include_resources\": [\"event\", \"shop\", \"venue\"]}");
        APIGatewayV2HTTPResponse refused = invoke(update, unrelated);
        assertError(refused, 422, "validation_failed");
        Map<String, String> codes = new java.util.TreeMap<>();
        body(refused).get("error").get("fields").forEach(f -> codes.put(f.get("field").asText(), f.get("code").asText()));
        assertEquals(Map.of("include_resources[2]", "unknown_resource"), codes, "known resources are checked once all are");
        unrelated.setBody("{\"events\": [\"ticket.create\"], \"include_resources\": [\"event\", \"shop\"]}");
        refused = invoke(update, unrelated);
        assertError(refused, 422, "validation_failed");
        assertEquals("include_resources[1]", body(refused).get("error").get("fields").get(0).get("field").asText());
        assertEquals("unrelated_resource", body(refused).get("error").get("fields").get(0).get("code").asText());
    }

    @Test
    void unknownRoutesAre404AndKnownPathsWithTheWrongMethod405() {
        APIGatewayV2HTTPResponse wrongMethod = invoke(notFound, event("route-not-found.json"));
        assertError(wrongMethod, 405, "method_not_allowed");
        assertEquals("GET, POST", wrongMethod.getHeaders().get("allow"));
        APIGatewayV2HTTPEvent unknown = event("route-not-found.json");
        unknown.setRawPath("/v1/nothing-here");
        assertError(invoke(notFound, unknown), 404, "route_not_found");
    }

    @Test
    void clientMistakesGetTheirStatusAndCode() {
        APIGatewayV2HTTPEvent malformed = event("create-webhook.json");
        malformed.getHeaders().remove("idempotency-key");
        malformed.setBody("{\"name\": ");
        assertError(invoke(create, malformed), 400, "malformed_json");

        APIGatewayV2HTTPEvent invalid = event("create-webhook.json");
        invalid.getHeaders().remove("idempotency-key");
        invalid.setBody("{\"name\": \"x\"}");
        APIGatewayV2HTTPResponse unprocessable = invoke(create, invalid);
        assertError(unprocessable, 422, "validation_failed");
        assertEquals("url", body(unprocessable).get("error").get("fields").get(0).get("field").asText());

        APIGatewayV2HTTPEvent tooLarge = event("create-webhook.json");
        tooLarge.setBody("{\"name\": \"" + "x".repeat(HttpApi.MAX_BODY_BYTES) + "\"}");
        assertError(invoke(create, tooLarge), 413, "payload_too_large");

        APIGatewayV2HTTPEvent base64 = event("create-webhook.json");
        base64.setIsBase64Encoded(true);
        base64.setBody(Base64.getEncoder().encodeToString("not json".getBytes()));
        assertError(invoke(create, base64), 400, "malformed_json");

        APIGatewayV2HTTPEvent form = event("create-webhook.json");
        form.getHeaders().put("content-type", "application/x-www-form-urlencoded");
        assertError(invoke(create, form), 415, "unsupported_media_type");

        APIGatewayV2HTTPEvent reader = event("create-webhook.json");
        reader.getRequestContext().getAuthorizer().getLambda().put("scopes", "read");
        assertError(invoke(create, reader), 403, "insufficient_scope");

        APIGatewayV2HTTPEvent anonymous = event("list-webhooks.json");
        anonymous.getRequestContext().getAuthorizer().setLambda(new HashMap<>());
        APIGatewayV2HTTPResponse unauthorized = invoke(list, anonymous);
        assertError(unauthorized, 401, "unauthorized");
        assertEquals("Bearer", unauthorized.getHeaders().get("www-authenticate"));

        assertError(invoke(get, forWebhook("get-webhook.json", "not-a-uuid")), 404, "not_found");
        APIGatewayV2HTTPEvent badLimit = event("list-webhooks.json");
        badLimit.setQueryStringParameters(Map.of("limit", "1000"));
        assertError(invoke(list, badLimit), 422, "validation_failed");
        APIGatewayV2HTTPEvent badCursor = event("list-webhooks.json");
        badCursor.setQueryStringParameters(Map.of("cursor", "!!!"));
        assertError(invoke(list, badCursor), 422, "validation_failed");
    }

    /** 2 KB of nested arrays, one level deeper than JSON is read: the audit's 500 on every body-taking route. */
    private static final String TOO_DEEP = "[".repeat(1001) + "]".repeat(1001);

    @Test
    void jsonNestedTooDeepIsA400OnCreatePatchAndVerifyEvenForAReadKey() {
        String id = createdId();
        APIGatewayV2HTTPEvent created = event("create-webhook.json");
        created.getHeaders().remove("idempotency-key");
        created.setBody(TOO_DEEP);
        APIGatewayV2HTTPEvent patched = forWebhook("update-webhook.json", id);
        patched.setBody("{\"metadata\": " + TOO_DEEP + "}");
        APIGatewayV2HTTPEvent verified = forWebhook("verify-signature.json", id);
        verified.setBody(TOO_DEEP);

        assertError(invoke(create, created), 400, "json_limit_exceeded");
        assertError(invoke(update, patched), 400, "json_limit_exceeded");
        assertError(invoke(verify, verified), 400, "json_limit_exceeded");
    }

    @Test
    void lenientJsonIsRefusedWithACodePerProblem() {
        String duplicateUrl = "{\"name\": \"n\", \"events\": [\"ticket.create\"], \"url\": \"https://hooks.example.com/a\","
                + " \"url\": \"https://hooks.example.com/b\"}";
        assertError(invoke(create, createWith(duplicateUrl, false)), 400, "duplicate_key");
        assertError(invoke(create, createWith("{\"name\": \"n\"} {\"name\": \"m\"}", false)), 400, "trailing_content");
        assertError(invoke(create, createWith("{\"name\": \"\\ud800\"}", false)), 400, "unpaired_surrogate");
        // Overlong "/" (C0 AF) and a lone continuation byte: strict decoding, never U+FFFD.
        assertError(invoke(create, createWith(base64("7b226e616d65223a2261c0af62227d"), true)), 400, "invalid_utf8");
        assertError(invoke(create, createWith(base64("7b226e616d65223a22ff227d"), true)), 400, "invalid_utf8");
    }

    private static APIGatewayV2HTTPEvent createWith(String body, boolean base64) {
        APIGatewayV2HTTPEvent event = event("create-webhook.json");
        event.getHeaders().remove("idempotency-key");
        event.setBody(body);
        event.setIsBase64Encoded(base64);
        return event;
    }

    private static String base64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    @Test
    void theAuthorizerResolvesMintedKeysAndPassesUnknownOnesWithoutATenant() {
        ApiKeyService.MintedKey key = stack.mintKey("company-auth", Scope.ADMIN);
        ApiKeyAuthorizer authorizer = new ApiKeyAuthorizer(stack.services().apiKeys());
        APIGatewayV2CustomAuthorizerEvent request = LambdaEvents.load("authorize-request.json", APIGatewayV2CustomAuthorizerEvent.class);
        assertEquals(Map.of(), authorizer.handleRequest(request, null).getContext());
        request.getHeaders().put("authorization", "Bearer " + key.plaintext());
        SimpleIAMPolicyResponse allowed = authorizer.handleRequest(request, null);
        assertTrue(allowed.getIsAuthorized());
        assertEquals("company-auth", allowed.getContext().get("company_id"));
        assertEquals("admin", allowed.getContext().get("scopes"));
        assertNotNull(allowed.getContext().get("key_id"));
        assertFalse(allowed.getContext().toString().contains(key.plaintext()));
    }
}
