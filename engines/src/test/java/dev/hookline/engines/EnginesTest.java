package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class EnginesTest {

    @Test
    void sharedEnginesStartOnceAndOutliveClose() {
        Engines engines = Engines.shared();
        engines.close();

        assertSame(engines, Engines.shared());
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(engines.dynamoDb().endpoint());
                SqsClient sqs = AwsClients.sqs(engines.sqs().endpoint())) {
            dynamoDb.listTables();
            sqs.listQueues();
        }
        assertTrue(engines.moto().isPresent(), "the shared engines include moto");
    }

    @Test
    void startAllWithoutMotoStartsAndStopsTheJavaEngines() {
        Engines engines = Engines.startAll(false);
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(engines.dynamoDb().endpoint());
                SqsClient sqs = AwsClients.sqs(engines.sqs().endpoint())) {
            assertTrue(engines.moto().isEmpty());
            dynamoDb.listTables();
            sqs.listQueues();
        } finally {
            engines.close();
        }
        LoopbackAssertions.assertRefusesConnections(engines.dynamoDb().endpoint());
        LoopbackAssertions.assertRefusesConnections(engines.sqs().endpoint());
    }

    @Test
    void persistentEnginesRestartedOnTheirDirectoryHoldTheirTablesQueuesAndInFlightMessages(@TempDir Path directory) {
        String queueUrl;
        Engines first = Engines.startPersistent(directory);
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(first.dynamoDb().endpoint());
                SqsClient sqs = AwsClients.sqs(first.sqs().endpoint())) {
            dynamoDb.createTable(b -> b.tableName("kept").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));
            dynamoDb.putItem(b -> b.tableName("kept").item(Map.of("id", AttributeValue.fromS("item-1"))));
            queueUrl = sqs.createQueue(b -> b.queueName("kept")
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("waiting"));
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("in flight"));
            assertEquals(1, sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(1)).messages().size());
        } finally {
            first.close();
        }

        Engines second = Engines.startPersistent(directory);
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(second.dynamoDb().endpoint());
                SqsClient sqs = AwsClients.sqs(second.sqs().endpoint())) {
            assertEquals("item-1", dynamoDb.getItem(b -> b.tableName("kept").consistentRead(true)
                    .key(Map.of("id", AttributeValue.fromS("item-1")))).item().get("id").s());
            String url = sqs.getQueueUrl(b -> b.queueName("kept")).queueUrl();
            assertEquals(second.sqs().endpoint() + "/000000000000/kept", url, "the URL follows the new port");
            Set<String> bodies = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bodies.size() < 2 && System.nanoTime() < deadline) {
                sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages().forEach(m -> bodies.add(m.body()));
            }
            assertEquals(Set.of("waiting", "in flight"), bodies);
        } finally {
            second.close();
        }
    }
}
