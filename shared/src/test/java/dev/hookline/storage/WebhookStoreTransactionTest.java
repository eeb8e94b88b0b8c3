package dev.hookline.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.webhooks.WebhookVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Every registry change increments the tenant epoch in the same transaction, so two writes of one tenant can
 * collide on it (DynamoDB cancels one with TransactionConflict). DynamoDB Local serialises transactions and never
 * answers that, hence a client that does.
 */
class WebhookStoreTransactionTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    /** Answers each TransactWriteItems with the next scripted cancellation, then succeeds; records the requests. */
    private static final class ScriptedDynamoDb implements DynamoDbClient {
        final Deque<String> cancellations;
        final List<TransactWriteItemsRequest> requests = new ArrayList<>();

        ScriptedDynamoDb(String... cancellations) {
            this.cancellations = new LinkedList<>(List.of(cancellations));
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
            requests.add(request);
            String code = cancellations.poll();
            if (code == null) {
                return TransactWriteItemsResponse.builder().build();
            }
            throw TransactionCanceledException.builder().message("cancelled")
                    .cancellationReasons(CancellationReason.builder().code("None").build(),
                            CancellationReason.builder().code(code).build())
                    .build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static Webhook webhook() {
        return new Webhook("wh_1", "company-1", "hook", null, "https://hooks.example.com/in", Webhook.POST,
                List.of(new EventType("ticket", "create")), ChangeFilter.NONE, null, false, 3, 0, true, Map.of(), null, null, List.of(),
                new SecretRing(new EncryptedSecret("v1", "sealed"), List.of()), 1, NOW, NOW, null);
    }

    private static WebhookStore store(ScriptedDynamoDb dynamoDb) {
        return new WebhookStore(dynamoDb, "webhooks", WebhookStore.DEFAULT_VERSION_RETENTION);
    }

    private static void update(ScriptedDynamoDb dynamoDb, Webhook current, Webhook next) {
        store(dynamoDb).update(current, next, WebhookVersion.of(WebhookVersion.Action.UPDATE, "key-1", current, next));
    }

    @Test
    void aCreateThatLostARaceForTheTenantEpochIsRetriedAndIncrementsIt() {
        ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb("TransactionConflict", "TransactionConflict");

        store(dynamoDb).create(webhook(), WebhookVersion.of(WebhookVersion.Action.CREATE, "key-1", null, webhook()),
                Optional.empty());

        assertEquals(3, dynamoDb.requests.size());
        assertEquals("ADD epoch :one", dynamoDb.requests.get(2).transactItems().getLast().update().updateExpression());
    }

    @Test
    void aFailedConditionIsNotRetried() {
        ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb("ConditionalCheckFailed");

        assertThrows(ConcurrentModificationException.class,
                () -> update(dynamoDb, webhook(), webhook()));
        assertEquals(1, dynamoDb.requests.size());
    }

    @Test
    void aChangeThatLeavesTheIndexAloneStillIncrementsTheEpochSoCachedCopiesOfTheWebhookAreReadAgain() {
        ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb();
        Webhook renamed = new Webhook("wh_1", "company-1", "renamed", null, "https://hooks.example.com/in", Webhook.POST,
                List.of(new EventType("ticket", "create")), ChangeFilter.NONE, null, false, 3, 0, true, Map.of(), null, null, List.of(),
                new SecretRing(new EncryptedSecret("v1", "sealed"), List.of()), 2, NOW, NOW, null);

        update(dynamoDb, webhook(), renamed);

        List<TransactWriteItem> items = dynamoDb.requests.get(0).transactItems();
        assertEquals(3, items.size(), "the webhook, its version and the epoch, no index entry");
        assertEquals("ADD epoch :one", items.getLast().update().updateExpression());
    }

    @Test
    void theVersionIsWrittenWithTheChangeAndExpiresAfterTheRetention() {
        ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb();
        Webhook renamed = webhook().toBuilder().name("renamed").revise(NOW);

        update(dynamoDb, webhook(), renamed);

        Map<String, AttributeValue> version = dynamoDb.requests.get(0).transactItems().get(1).put().item();
        assertEquals("T#company-1", version.get("pk").s());
        assertEquals("V#wh_1#0000000000000000002", version.get("sk").s());
        assertEquals("update", version.get("action").s());
        assertEquals("key-1", version.get("api_key_id").s());
        assertEquals(NOW.plus(Duration.ofDays(90)).getEpochSecond(), Long.parseLong(version.get("expires_at").n()));
    }

    @Test
    void anUpdateThatMovesEveryIndexEntryOfAWebhookAtTheEventLimitFitsOneTransaction() {
        ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb();
        int max = WebhookStore.maxEventsPerWebhook();
        Webhook before = webhook().toBuilder().triggeredByChildResources(true).events(IntStream.range(0, max)
                .mapToObj(i -> new EventType("before" + i, "create")).toList()).revise(NOW);
        Webhook after = before.toBuilder().events(IntStream.range(0, max)
                .mapToObj(i -> new EventType("after" + i, "create")).toList()).revise(NOW);

        update(dynamoDb, before, after);

        int items = dynamoDb.requests.get(0).transactItems().size();
        assertEquals(3 + 4 * max, items, "the webhook, its version, the epoch, and both kinds of index entry out and in");
        assertTrue(items <= 100, "DynamoDB's limit on items in one transaction");
    }
}
