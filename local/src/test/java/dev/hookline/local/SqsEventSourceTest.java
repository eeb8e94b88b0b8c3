package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.local.fixtures.BatchRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** templates/sqs.yaml against ElasticMQ: work queue (visibility 2 s, maxReceiveCount 3) and its DLQ. */
class SqsEventSourceTest {

    private static final AtomicInteger STACKS = new AtomicInteger();
    private static dev.hookline.engines.EmbeddedSqs elasticMq;
    private static SqsClient sqs;

    private final SamTemplate template = SamTemplate.load(SamTemplateTest.template("sqs.yaml"));
    private String stack;
    private Map<String, ResolvedResource> queues;
    private LambdaContainer function;
    private SqsEventSource source;

    @BeforeAll
    static void startEngine() {
        elasticMq = TestEngines.startElasticMq();
        sqs = TestEngines.sqsClient(elasticMq.endpoint());
    }

    @AfterAll
    static void stopEngine() {
        sqs.close();
        elasticMq.close();
    }

    /** Each test gets fresh queues through its own stack name. */
    @BeforeEach
    void createQueues() {
        BatchRecorder.reset();
        stack = "sqs-" + STACKS.incrementAndGet();
        queues = LocalResources.create(template, Intrinsics.forTemplate(template, Map.of("AWS::StackName", stack)),
                null, sqs).lookup();
        SamTemplate.Function worker = template.function("WorkerFunction").orElseThrow();
        function = LambdaContainer.load(new LambdaContainer.Config("worker", "arn:aws:lambda:::function:worker",
                worker.handlerClass(), worker.handlerMethod(), worker.timeoutSeconds(), worker.memorySizeMb()),
                getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        function.close();
    }

    private SqsEventSource startSource(boolean reportBatchItemFailures) {
        SamTemplate.SqsSource work = template.function("WorkerFunction").orElseThrow().sqsSources().get(0);
        ResolvedResource queue = queues.get("WorkQueue");
        source = SqsEventSource.start(sqs, new SqsEventSource.Mapping(queue.attribute("QueueUrl"),
                queue.attribute("Arn"), work.batchSize(), Duration.ofSeconds(work.maximumBatchingWindowSeconds()),
                reportBatchItemFailures, work.maximumConcurrency()), function, TestEngines.REGION);
        return source;
    }

    private void send(List<String> bodies) {
        String url = queues.get("WorkQueue").ref();
        for (int start = 0; start < bodies.size(); start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(bodies.size(), start + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(bodies.get(i))
                        .messageAttributes(Map.of("tenant", MessageAttributeValue.builder()
                                .dataType("String").stringValue("acme").build()))
                        .build());
            }
            sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
        }
    }

    private int messagesIn(String logicalId) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queues.get(logicalId)
                .ref()).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private List<Message> drain(String logicalId) {
        return sqs.receiveMessage(r -> r.queueUrl(queues.get(logicalId).ref()).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).messages();
    }

    @Test
    void createsTheDeadLetterQueueFirstAndWiresTheRedrivePolicy() {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queues.get("WorkQueue")
                .ref()).attributeNames(QueueAttributeName.ALL)).attributes();
        assertEquals("2", attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT));
        String redrive = attributes.get(QueueAttributeName.REDRIVE_POLICY);
        assertTrue(redrive.contains(queues.get("WorkDeadLetterQueue").attribute("Arn")), redrive);
        assertTrue(redrive.contains("\"maxReceiveCount\":3"), redrive);
        assertEquals(stack + "-WorkQueue", queues.get("WorkQueue").attribute("QueueName"));
        assertEquals("arn:aws:sqs:us-east-1:000000000000:" + stack + "-WorkDeadLetterQueue",
                queues.get("WorkDeadLetterQueue").attribute("Arn"));
    }

    @Test
    void reportedFailureIsRedeliveredUntilItLandsInTheDeadLetterQueue() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            bodies.add("message-" + i);
        }
        bodies.add(12, "poison");
        send(bodies);
        startSource(true);

        Await.until("the poison message in the DLQ", Duration.ofSeconds(30), () -> messagesIn("WorkDeadLetterQueue") == 1);
        Await.until("the work queue to empty", Duration.ofSeconds(10), () -> messagesIn("WorkQueue") == 0);
        Thread.sleep(2_500); // longer than the visibility timeout: a message not deleted would come back

        for (int i = 0; i < 24; i++) {
            AtomicInteger deliveries = BatchRecorder.DELIVERIES.get("message-" + i);
            assertNotNull(deliveries, "message-" + i + " was never delivered");
            assertEquals(1, deliveries.get(), "message-" + i + " must be processed and deleted exactly once");
        }
        assertEquals(3, BatchRecorder.DELIVERIES.get("poison").get(), "delivered maxReceiveCount times");
        assertEquals(24, source.stats().deletedMessages());
        assertTrue(BatchRecorder.LARGEST_BATCH.get() > 1, "the batching window gathers several messages");
        assertTrue(BatchRecorder.LARGEST_BATCH.get() <= 10, "never more than BatchSize");
        List<Message> dead = drain("WorkDeadLetterQueue");
        assertEquals(1, dead.size());
        assertEquals("poison", dead.get(0).body());
    }

    @Test
    void eventRecordsLookLikeLambdas() throws Exception {
        send(List.of("hello"));
        startSource(true);
        Await.until("a delivery", Duration.ofSeconds(10), () -> BatchRecorder.sample != null);

        var record = BatchRecorder.sample;
        assertEquals("hello", record.getBody());
        assertEquals("aws:sqs", record.getEventSource());
        assertEquals(queues.get("WorkQueue").attribute("Arn"), record.getEventSourceArn());
        assertEquals(TestEngines.REGION, record.getAwsRegion());
        assertNotNull(record.getMessageId());
        assertNotNull(record.getReceiptHandle());
        assertNotNull(record.getMd5OfBody());
        Map<String, String> attributes = record.getAttributes();
        assertEquals("1", attributes.get("ApproximateReceiveCount"));
        for (String name : List.of("SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp")) {
            assertNotNull(attributes.get(name), name + " in " + attributes);
        }
        assertEquals("acme", record.getMessageAttributes().get("tenant").getStringValue());
        assertEquals("String", record.getMessageAttributes().get("tenant").getDataType());
    }

    @Test
    void unknownItemIdentifierFailsTheWholeBatch() throws Exception {
        BatchRecorder.mode = BatchRecorder.Mode.UNKNOWN_ID;
        send(List.of("a", "b", "c"));
        startSource(true);
        Await.until("a failed invocation", Duration.ofSeconds(10), () -> source.stats().failedInvocations() >= 1);
        assertEquals(0, source.stats().deletedMessages());
        assertEquals(3, messagesIn("WorkQueue"), "nothing was deleted");
    }

    @Test
    void withoutReportBatchItemFailuresSuccessDeletesTheWholeBatch() throws Exception {
        send(List.of("a", "poison", "c"));
        startSource(false);
        Await.until("three deletions", Duration.ofSeconds(10), () -> source.stats().deletedMessages() == 3);
        assertEquals(0, messagesIn("WorkQueue"), "the reported failure is ignored without ReportBatchItemFailures");
        assertEquals(1, BatchRecorder.DELIVERIES.get("poison").get());
    }
}
