package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.local.monitoring.Telemetry;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class EmbeddedDynamoDbTest {

    private final EmbeddedDynamoDb dynamoDb = Engines.shared().dynamoDb();

    @Test
    void createsATableAndReadsBackAnItem() {
        String table = "endpoints-" + UUID.randomUUID();
        try (DynamoDbClient client = AwsClients.dynamoDb(dynamoDb.endpoint())) {
            createTable(client, table);
            Map<String, AttributeValue> item = Map.of(
                    "id", AttributeValue.fromS("ep-1"),
                    "url", AttributeValue.fromS("https://example.test/hook"));
            client.putItem(b -> b.tableName(table).item(item));

            Map<String, AttributeValue> read = client.getItem(b -> b.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS("ep-1")))
                    .consistentRead(true)).item();

            assertEquals(item, read);
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        LoopbackAssertions.assertLoopbackOnly(dynamoDb.endpoint());
    }

    @Test
    void neverConfiguresTelemetry() {
        assertTrue(Telemetry.getTelemetry().isEmpty(), "DynamoDB Local telemetry was set up");
    }

    @Test
    void instancesAreIsolatedAndClosingOneFreesItsPort() {
        String table = "isolation-" + UUID.randomUUID();
        try (DynamoDbClient shared = AwsClients.dynamoDb(dynamoDb.endpoint())) {
            createTable(shared, table);
        }
        EmbeddedDynamoDb other = EmbeddedDynamoDb.start();
        try (DynamoDbClient client = AwsClients.dynamoDb(other.endpoint())) {
            assertNotEquals(dynamoDb.endpoint(), other.endpoint());
            assertTrue(client.listTables().tableNames().isEmpty(), "a new instance starts empty");
        } finally {
            other.close();
        }
        LoopbackAssertions.assertRefusesConnections(other.endpoint());
    }

    @Test
    void closeEndsDynamoDbLocalsBackgroundThreads() throws InterruptedException {
        long before = awaitShardSchedulers(count -> true);
        EmbeddedDynamoDb other = EmbeddedDynamoDb.start();
        assertEquals(before + 1, awaitShardSchedulers(count -> count == before + 1));

        other.close();

        assertEquals(before, awaitShardSchedulers(count -> count == before),
                "DynamoDB Local's shard scheduler outlived close() and would hold the JVM for minutes");
    }

    /** Live threads running DynamoDB Local's stream-shard scheduler, once the count satisfies done or after 5 s. */
    private static long awaitShardSchedulers(LongPredicate done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            long count = Thread.getAllStackTraces().values().stream()
                    .filter(stack -> Arrays.stream(stack)
                            .anyMatch(frame -> frame.getClassName().endsWith(".ShardRolloverJobScheduler")))
                    .count();
            if (done.test(count) || System.nanoTime() > deadline) {
                return count;
            }
            Thread.sleep(20);
        }
    }

    private static void createTable(DynamoDbClient client, String table) {
        client.createTable(b -> b.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }
}
