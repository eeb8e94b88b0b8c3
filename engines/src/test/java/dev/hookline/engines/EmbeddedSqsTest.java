package dev.hookline.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class EmbeddedSqsTest {

    private final EmbeddedSqs sqs = Engines.shared().sqs();

    @Test
    void queueUrlsAndArnsLookLikeAws() {
        String name = "deliveries-" + UUID.randomUUID();
        try (SqsClient client = AwsClients.sqs(sqs.endpoint())) {
            String url = client.createQueue(b -> b.queueName(name)).queueUrl();

            assertEquals(sqs.endpoint() + "/000000000000/" + name, url);
            assertEquals("arn:aws:sqs:us-east-1:000000000000:" + name, arn(client, url));
        }
    }

    @Test
    void changeMessageVisibilityMakesAMessageReceivableAgain() {
        try (SqsClient client = AwsClients.sqs(sqs.endpoint())) {
            String dlq = client.createQueue(b -> b.queueName("retry-dlq-" + UUID.randomUUID())).queueUrl();
            String queue = createQueueWithRedrive(client, "retry-" + UUID.randomUUID(), arn(client, dlq), 5);
            client.sendMessage(b -> b.queueUrl(queue).messageBody("{\"attempt\":1}"));

            Message first = receiveOne(client, queue);
            client.changeMessageVisibility(b -> b.queueUrl(queue)
                    .receiptHandle(first.receiptHandle()).visibilityTimeout(0));
            Message second = receiveOne(client, queue);

            assertEquals("{\"attempt\":1}", second.body());
            assertEquals(first.messageId(), second.messageId());
            assertEquals("2", second.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        }
    }

    @Test
    void redrivePolicyMovesAMessageToTheDeadLetterQueue() {
        try (SqsClient client = AwsClients.sqs(sqs.endpoint())) {
            String dlq = client.createQueue(b -> b.queueName("poison-dlq-" + UUID.randomUUID())).queueUrl();
            String queue = createQueueWithRedrive(client, "poison-" + UUID.randomUUID(), arn(client, dlq), 1);
            client.sendMessage(b -> b.queueUrl(queue).messageBody("poison"));

            Message received = receiveOne(client, queue);
            client.changeMessageVisibility(b -> b.queueUrl(queue)
                    .receiptHandle(received.receiptHandle()).visibilityTimeout(0));

            assertTrue(receive(client, queue).isEmpty(), "over maxReceiveCount, the message leaves the queue");
            assertEquals("poison", receiveOne(client, dlq).body());
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        LoopbackAssertions.assertLoopbackOnly(sqs.endpoint());
    }

    private static String createQueueWithRedrive(SqsClient client, String name, String dlqArn, int maxReceiveCount) {
        String redrivePolicy =
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        return client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, redrivePolicy,
                QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
    }

    private static String arn(SqsClient client, String queueUrl) {
        return client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static Message receiveOne(SqsClient client, String queueUrl) {
        List<Message> messages = receive(client, queueUrl);
        assertEquals(1, messages.size(), "messages received from " + queueUrl);
        return messages.get(0);
    }

    private static List<Message> receive(SqsClient client, String queueUrl) {
        return client.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(10)
                .waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    }
}
