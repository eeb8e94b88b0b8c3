package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** templates/platform.yaml end to end: HTTP → ingest function → queue → store function → table. */
class LocalPlatformTest {

    private static dev.hookline.engines.EmbeddedSqs elasticMq;
    private static dev.hookline.engines.EmbeddedDynamoDb dynamoDbLocal;
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static Endpoints endpoints;

    @BeforeAll
    static void startEngines() throws Exception {
        elasticMq = TestEngines.startElasticMq();
        dynamoDbLocal = TestEngines.startDynamoDbLocal();
        dynamoDb = TestEngines.dynamoDbClient(dynamoDbLocal.endpoint());
        sqs = TestEngines.sqsClient(elasticMq.endpoint());
        endpoints = new Endpoints(dynamoDbLocal.endpoint(), elasticMq.endpoint());
    }

    @AfterAll
    static void stopEngines() throws Exception {
        dynamoDb.close();
        sqs.close();
        dynamoDbLocal.close();
        elasticMq.close();
    }

    @Test
    void runsTheTemplateEndToEnd() throws Exception {
        Duration startup;
        try (LocalPlatform platform = LocalPlatform.start(SamTemplateTest.template("platform.yaml"), endpoints,
                Map.of(), 0)) {
            startup = platform.startupTime();
            System.out.println("LocalPlatform startup with both engines: " + startup.toMillis() + " ms");

            assertEquals("hookline-local-events", platform.tableName("EventsTable"));
            assertEquals("hookline-local-events", System.getProperty("EVENTS_TABLE"));
            assertEquals(platform.queueUrl("IngestQueue"), System.getProperty("INGEST_QUEUE_URL"));
            assertEquals("us-east-1", System.getProperty("AWS_REGION"));
            assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hookline-local-StoreFunction",
                    platform.resources().get("StoreFunction").attribute("Arn"));
            assertEquals("hookline-local-api", platform.resources().get("ServerlessHttpApi").ref());

            TableDescription table = dynamoDb.describeTable(r -> r.tableName("hookline-local-events")).table();
            assertEquals(BillingMode.PAY_PER_REQUEST, table.billingModeSummary().billingMode());
            assertEquals("byStatus", table.globalSecondaryIndexes().get(0).indexName());
            TimeToLiveDescription ttl = dynamoDb.describeTimeToLive(r -> r.tableName("hookline-local-events"))
                    .timeToLiveDescription();
            assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
            assertEquals("expiresAt", ttl.attributeName());
            String redrive = sqs.getQueueAttributes(r -> r.queueUrl(platform.queueUrl("IngestQueue"))
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY);
            assertTrue(redrive.contains(platform.resources().get("IngestDeadLetterQueue").attribute("Arn")), redrive);

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/hooks/github"))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("event-1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), response.body());

            Map<String, AttributeValue> item = awaitItem("event-1", Duration.ofSeconds(15));
            assertEquals("received", item.get("status").s());
            assertEquals("/hooks/github", item.get("path").s());
            assertEquals(1, dynamoDb.query(r -> r.tableName("hookline-local-events").indexName("byStatus")
                    .keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("received")))).count());
            SqsEventSource store = platform.eventSources().get(0);
            Await.until("the processed message to be deleted", Duration.ofSeconds(5),
                    () -> store.stats().deletedMessages() == 1);
        }
        assertNull(System.getProperty("EVENTS_TABLE"), "closing restores the system properties");
        assertNull(System.getProperty("aws.endpointUrlSqs"));
        assertTrue(startup.toMillis() < 30_000, "startup took " + startup);
    }

    private static Map<String, AttributeValue> awaitItem(String pk, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, AttributeValue>> items = dynamoDb.query(r -> r.tableName("hookline-local-events")
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))).items();
            if (!items.isEmpty()) {
                return items.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no item " + pk + " within " + timeout);
    }

    @Test
    void visibilityTimeoutShorterThanTheFunctionTimeoutIsRefusedLikeLambda(@TempDir Path dir) throws Exception {
        String shortVisibility = Files.readString(SamTemplateTest.template("platform.yaml"))
                .replace("VisibilityTimeout: 30", "VisibilityTimeout: 2");
        Path template = Files.writeString(dir.resolve("template.yaml"), shortVisibility);
        TemplateException error = assertThrows(TemplateException.class, () -> LocalPlatform.start(template,
                endpoints, Map.of("AWS::StackName", "short-vis"), 0));
        assertTrue(error.getMessage().contains("Queue visibility timeout: 2 seconds is less than Function timeout: 5"),
                error.getMessage());
        assertNull(System.getProperty("EVENTS_TABLE"), "a failed start leaves no system properties behind");
    }

    @Test
    void restartedOnEnginesThatKeptItsQueuesAndTablesItReusesThemWithTheTemplatesNewSettings(@TempDir Path dir)
            throws Exception {
        Map<String, String> stack = Map.of("AWS::StackName", "restarted");
        String queueUrl;
        try (LocalPlatform first = LocalPlatform.start(SamTemplateTest.template("platform.yaml"), endpoints, stack, 0)) {
            queueUrl = first.queueUrl("IngestQueue");
            sqs.sendMessage(r -> r.queueUrl(first.queueUrl("IngestDeadLetterQueue")).messageBody("kept"));
        }
        Path longerVisibility = Files.writeString(dir.resolve("template.yaml"), Files.readString(
                SamTemplateTest.template("platform.yaml")).replace("VisibilityTimeout: 30", "VisibilityTimeout: 45"));
        try (LocalPlatform second = LocalPlatform.start(longerVisibility, endpoints, stack, 0)) {
            assertEquals(queueUrl, second.queueUrl("IngestQueue"));
            assertEquals("45", sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                    .get(QueueAttributeName.VISIBILITY_TIMEOUT));
            assertEquals("kept", sqs.receiveMessage(r -> r.queueUrl(second.queueUrl("IngestDeadLetterQueue")))
                    .messages().get(0).body());
        }
    }
}
