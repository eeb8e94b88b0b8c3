package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

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
}
