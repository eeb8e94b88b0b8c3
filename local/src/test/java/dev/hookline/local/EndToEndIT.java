package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.AwsClients;
import dev.hookline.config.Env;
import dev.hookline.json.Json;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TestReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The whole path of an event, on whatever hosts the runner's tables and queues: the embedded engines in every build,
 * and the services at {@code AWS_ENDPOINT_URL} when it is set, which {@code ./hookline e2e --endpoint URL} does for
 * LocalStack in CI (docs/localstack.md). Two webhooks are created through the API; a producer's event on the ingest
 * queue is fanned out to both; the delivery to the receiver that answers 200 arrives signed with its webhook's secret,
 * and the one to the receiver that answers 500 is retried once (a 1 s schedule) and then dead-lettered on the delivery
 * DLQ. The tenant is new on each run, so a LocalStack that kept an earlier run's tables and queues changes nothing.
 */
class EndToEndIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anEventReachesTheHealthyReceiverSignedAndTheFailingWebhooksDeliveryEndsOnTheDeadLetterQueue(@TempDir Path dataDir)
            throws Exception {
        String company = "e2e-" + UUID.randomUUID();
        LocalCommand.Settings settings = new LocalCommand.Settings(RepoFiles.resolve("template.yaml"), dataDir,
                dataDir.resolve("state.json"), 0, company, false, Map.of("DeliveryRetrySchedule", "1s"), false, false);
        try (LocalCommand.Running running = LocalCommand.start(settings);
                TestReceiver healthy = new TestReceiver();
                TestReceiver failing = new TestReceiver().always(TestReceiver.Response.of(500));
                SqsClient sqs = sqsClient(running.state())) {
            JsonNode state = running.state();
            System.out.println("end-to-end on " + Env.optional("AWS_ENDPOINT_URL").map(endpoint -> "the services at " + endpoint).orElse("the embedded engines"));

            JsonNode delivered = createWebhook(state, """
                    {"name": "healthy", "url": "%s", "resource": "ticket", "trigger": "create"}""".formatted(healthy.url()));
            JsonNode exhausted = createWebhook(state, """
                    {"name": "failing", "url": "%s", "resource": "ticket", "trigger": "create", "retries": 1}"""
                    .formatted(failing.url()));

            ObjectNode event = (ObjectNode) Json.parse(Files.readString(RepoFiles.resolve("events/resource-event-ticket-create.json")));
            String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
            event.put("event_id", eventId).put("company_id", company);
            sqs.sendMessage(request -> request.queueUrl(state.get("queues").get("IngestQueue").asText())
                    .messageBody(Json.write(event)));

            Await.until("the delivery at the healthy receiver", TIMEOUT, () -> !healthy.requests().isEmpty());
            TestReceiver.Request request = healthy.requests().get(0);
            JsonNode body = Json.parse(request.bodyText());
            assertEquals(eventId, body.get("event_id").asText());
            assertEquals("ticket.create", body.get("type").asText());
            assertEquals(delivered.get("id").asText(), body.get("webhook").get("id").asText());
            assertEquals(StandardWebhooks.Verification.VALID, StandardWebhooks.verify(
                    List.of(delivered.get("secret").asText()), request.header("webhook-id"),
                    request.header("webhook-timestamp"), request.header("webhook-signature"), request.body(),
                    Instant.now()));

            Message deadLettered = awaitDeadLetter(sqs, state, exhausted.get("id").asText());
            assertEquals(eventId, Json.parse(deadLettered.body()).get("event_id").asText());
            assertEquals("2", deadLettered.messageAttributes().get("hookline-attempts").stringValue());
            assertEquals(2, failing.requests().size(), "the first attempt and its one retry");

            assertEquals(List.of("succeeded"), deliveryStatuses(state, delivered));
            assertEquals(List.of("failed"), deliveryStatuses(state, exhausted));
            assertEquals(1, healthy.requests().size());
        }
    }

    private static SqsClient sqsClient(JsonNode state) {
        JsonNode aws = state.get("aws");
        return AwsClients.of(Region.of(aws.get("region").asText()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                Map.of("SQS", URI.create(aws.get("sqs_endpoint").asText())), null).sqs();
    }

    /** The webhook's message on the delivery DLQ, deleted; other messages (an earlier run's) are left alone. */
    private static Message awaitDeadLetter(SqsClient sqs, JsonNode state, String webhookId) throws InterruptedException {
        String queueUrl = state.get("queues").get("DeliveryDeadLetterQueue").asText();
        AtomicReference<Message> found = new AtomicReference<>();
        Await.until("the failing webhook's delivery on the delivery DLQ", TIMEOUT, () -> {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(0).messageAttributeNames("All").waitTimeSeconds(1)).messages()) {
                if (webhookId.equals(Json.parse(message.body()).get("webhook_id").asText())) {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    found.set(message);
                }
            }
            return found.get() != null;
        });
        return found.get();
    }

    private static JsonNode createWebhook(JsonNode state, String json) throws Exception {
        HttpResponse<String> created = send(state, HttpRequest.newBuilder(URI.create(state.get("api_url").asText() + "/v1/webhooks"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        assertEquals(201, created.statusCode(), created.body());
        return Json.parse(created.body());
    }

    private static List<String> deliveryStatuses(JsonNode state, JsonNode webhook) throws Exception {
        HttpResponse<String> log = send(state, HttpRequest.newBuilder(URI.create(state.get("api_url").asText()
                + "/v1/webhooks/" + webhook.get("id").asText() + "/deliveries")));
        assertEquals(200, log.statusCode(), log.body());
        return Json.parse(log.body()).get("data").valueStream().map(delivery -> delivery.get("status").asText()).toList();
    }

    private static HttpResponse<String> send(JsonNode state, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + state.get("api_key").asText()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
