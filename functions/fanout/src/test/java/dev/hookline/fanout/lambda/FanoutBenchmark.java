package dev.hookline.fanout.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.AwsClients;
import dev.hookline.config.HooklineConfig;
import dev.hookline.config.Services;
import dev.hookline.delivery.DeliveryMessages;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.security.UrlGuard;
import dev.hookline.storage.WebhookStore;
import dev.hookline.testing.DeliveryQueueMessages;
import dev.hookline.testing.LambdaEvents;
import dev.hookline.testing.TestContext;
import dev.hookline.testing.TestStack.FanoutQueues;
import dev.hookline.testing.TestStack;
import dev.hookline.webhooks.WebhookVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One ticket.create event that matches 10,000 webhooks (5,000 directly, 5,000 through propagation to its event),
 * with 1,000 webhooks of the tenant that do not match, through the handler on DynamoDB Local and ElasticMQ.
 * Prints wall time and the SDK calls made; asserts only the delivery count. Not part of the normal build:
 * run it with the bench profile (docs/fanout.md).
 */
class FanoutBenchmark {

    private static final String COMPANY = "d0a3f370-cd43-11ed-9c9c-bbcffde24a48";
    private static final String EVENT_GUID = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    private static final int DIRECT = 5_000;
    private static final int PROPAGATED = 5_000;
    private static final int NOT_MATCHING = 1_000;

    private final TestStack stack = TestStack.create();
    private final FanoutQueues queues = stack.createFanoutQueues();
    private final CallCounter counter = new CallCounter();
    private final Services counted = new Services(
            new HooklineConfig(stack.webhooksTable(), stack.apiKeysTable(), Optional.of(stack.secretId()), Optional.empty(),
                    UrlGuard.Policy.deployed(), WebhookStore.DEFAULT_VERSION_RETENTION),
            AwsClients.of(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                    stack.endpoints(), counter),
            Clock.systemUTC(), TestStack.RESOLVER);

    @Test
    void fansOneEventOutToTenThousandWebhooks() throws InterruptedException {
        long seedStart = System.nanoTime();
        seedWebhooks();
        System.out.printf("%nfan-out benchmark: %,d matching webhooks (%,d direct, %,d propagated), %,d not matching;"
                        + " seeded in %,d ms%n", DIRECT + PROPAGATED, DIRECT, PROPAGATED, NOT_MATCHING,
                (System.nanoTime() - seedStart) / 1_000_000);
        System.out.printf("%-26s %8s %10s %6s %17s %12s %15s %14s %10s %14s%n", "run", "wall ms", "deliveries", "parts",
                "SendMessageBatch", "SendMessage", "DynamoDB Query", "items queried", "DDB writes", "HTTP attempts");

        FanoutHandler handler = new FanoutHandler(counted.fanout(queues.config()));
        run("first event (cold JVM)", handler, true);
        run("second event (warm)", handler, false);
        run("third event (warm)", handler, false);
        run("warm, parts of 4,000", new FanoutHandler(counted.fanout(queues.config().withMaxDeliveriesPerPart(4_000))), false);
        System.out.printf("(SDK calls counted by an ExecutionInterceptor; SendMessage = continuations; HTTP attempts include retries)%n%n");
    }

    private void seedWebhooks() throws InterruptedException {
        WebhookStore store = stack.services().webhookStore();
        Instant now = Instant.now();
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            IntStream.range(0, DIRECT + PROPAGATED + NOT_MATCHING).forEach(i -> writers.execute(() -> {
                boolean direct = i < DIRECT;
                boolean matching = i < DIRECT + PROPAGATED;
                String type = direct ? "ticket.create" : matching ? "event.create" : "ticket.update";
                Webhook webhook = new Webhook(UUID.randomUUID().toString(), COMPANY, "hook " + i, null,
                        "https://hooks.example.com/" + i, Webhook.POST, List.of(EventType.parse(type)),
                        ChangeFilter.NONE, direct ? null : EVENT_GUID, !direct, 3, 0, true, Map.of(), null, null, List.of(), SecretRing.of(new EncryptedSecret("v1", "not-used-here")), 1, now, now, null);
                store.create(webhook, WebhookVersion.of(WebhookVersion.Action.CREATE, "bench", null, webhook),
                        Optional.empty());
            }));
        }
    }

    private void run(String name, FanoutHandler handler, boolean checkDeliveries) {
        SQSEvent event = LambdaEvents.load("sqs-ingest-batch.json", SQSEvent.class);
        SQSEvent.SQSMessage message = event.getRecords().get(0);
        ObjectNode body = (ObjectNode) Json.parse(message.getBody());
        body.put("event_id", "evt-" + UUID.randomUUID());
        message.setBody(Json.write(body));
        event.setRecords(List.of(message));
        counter.reset();

        long start = System.nanoTime();
        int parts = 0;
        SQSEvent next = event;
        while (next != null) {
            SQSBatchResponse response = handler.handleRequest(next, new TestContext(Duration.ofSeconds(60)));
            assertEquals(List.of(), response.getBatchItemFailures());
            parts++;
            next = continuation(event);
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;

        long writes = counter.calls("DynamoDb.PutItem") + counter.calls("DynamoDb.UpdateItem");
        System.out.printf("%-26s %,8d %,10d %6d %,17d %,12d %,15d %,14d %,10d %,14d%n", name, wallMs,
                deliveries(checkDeliveries), parts, counter.calls("Sqs.SendMessageBatch"), counter.calls("Sqs.SendMessage"),
                counter.calls("DynamoDb.Query"), counter.itemsQueried(), writes, counter.attempts());
        System.out.println("  all calls: " + counter.calls());
    }

    /** The continuation the last part left on the ingest queue, as the next Lambda batch; null when done. */
    private SQSEvent continuation(SQSEvent template) {
        List<Message> waiting = stack.drain(queues.ingest());
        if (waiting.isEmpty()) {
            return null;
        }
        SQSEvent.SQSMessage message = template.getRecords().get(0);
        message.setMessageId(waiting.get(0).messageId());
        message.setBody(waiting.get(0).body());
        template.setRecords(List.of(message));
        return template;
    }

    /** Counts (and, for the first run, de-duplicates) what landed on the delivery queue, then empties it. */
    private int deliveries(boolean check) {
        if (check) {
            Set<String> ids = new HashSet<>();
            List<JsonNode> deliveries = DeliveryQueueMessages.deliveries(stack.drain(queues.delivery()));
            deliveries.forEach(delivery -> ids.add(delivery.get("delivery_id").asText()));
            assertEquals(DIRECT + PROPAGATED, deliveries.size());
            assertEquals(DIRECT + PROPAGATED, ids.size(), "delivery ids are unique");
            return deliveries.size();
        }
        int count = Integer.parseInt(stack.clients().sqs().getQueueAttributes(request -> request.queueUrl(queues.delivery())
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings().get("ApproximateNumberOfMessages"));
        stack.clients().sqs().purgeQueue(request -> request.queueUrl(queues.delivery()));
        // Deliveries travel in groups of up to DeliveryMessages.MAX_GROUP per message.
        assertTrue(count >= (DIRECT + PROPAGATED) / DeliveryMessages.MAX_GROUP && count <= DIRECT + PROPAGATED,
                count + " messages");
        return DIRECT + PROPAGATED;
    }
}
