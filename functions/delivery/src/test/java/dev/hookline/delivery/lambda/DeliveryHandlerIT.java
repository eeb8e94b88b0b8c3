package dev.hookline.delivery.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.fanout.DeliveryMessage;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import dev.hookline.testing.LambdaEvents;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import dev.hookline.testing.TestStack;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The handler with an SQS event in the JSON shape Lambda sends (read by the runtime's own serializer), built from
 * messages really received from ElasticMQ: a 503 is reported as a batch item failure with its backoff, a 200 is not.
 */
class DeliveryHandlerIT {

    @Test
    void reportsOnlyTheMessagesToRetryAsBatchItemFailures() throws Exception {
        TestStack stack = TestStack.createLocal();
        TestStack.DeliveryResources resources = stack.createDeliveryResources();
        DeliveryConfig config = resources.config().withCacheTtl(Duration.ZERO);
        DeliveryHandler handler = new DeliveryHandler(stack.services().delivery(config, stack.services().urlGuard()));
        try (TestReceiver ok = new TestReceiver(); TestReceiver failing = new TestReceiver().always(Response.of(503))) {
            Webhook good = webhook(stack, ok.url());
            Webhook bad = webhook(stack, failing.url());
            send(stack, resources, good, "evt-ok");
            send(stack, resources, bad, "evt-503");
            List<Message> received = receive(stack, resources, 2);

            SQSEvent event = lambdaEvent(received);
            SQSBatchResponse response = handler.handleRequest(event, null);

            String json = toJson(response);
            Message failed = received.stream().filter(m -> m.body().contains(bad.id())).findFirst().orElseThrow();
            assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + failed.messageId() + "\"}]}", json);
            assertEquals(1, ok.requests().size());
            assertEquals(1, failing.requests().size());
            assertTrue(stack.sqsClient().receiveMessage(r -> r.queueUrl(resources.queue()).waitTimeSeconds(1))
                    .messages().isEmpty(), "the failed message is hidden for its backoff");
        }
    }

    private static Webhook webhook(TestStack stack, String url) {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "h", "url": "%s", "resource": "ticket", "trigger": "create", "retries": 3}""".formatted(url));
        return stack.services().webhooks().create(TestStack.admin("company-" + UUID.randomUUID()), body, Optional.empty()).webhook();
    }

    private static void send(TestStack stack, TestStack.DeliveryResources resources, Webhook webhook, String eventId) {
        ObjectNode payload = Json.object().put("type", "ticket.create").put("event_id", eventId);
        String body = Json.write(new DeliveryMessage(DeliveryIds.forEvent(eventId, webhook.id(), Instant.now()), webhook.id(),
                webhook.companyId(), eventId, 0, payload, 0).toJson());
        stack.sqsClient().sendMessage(r -> r.queueUrl(resources.queue()).messageBody(body));
    }

    private static List<Message> receive(TestStack stack, TestStack.DeliveryResources resources, int count) {
        List<Message> all = new java.util.ArrayList<>();
        for (int i = 0; i < 10 && all.size() < count; i++) {
            all.addAll(stack.sqsClient().receiveMessage(r -> r.queueUrl(resources.queue()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
        }
        return all;
    }

    /** The event as Lambda's SQS event source writes it ("Records", "eventSource"), read by the runtime serializer. */
    private static SQSEvent lambdaEvent(List<Message> messages) {
        ObjectNode root = Json.object();
        ArrayNode records = root.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            record.putObject("attributes").put("ApproximateReceiveCount", "1");
            record.putObject("messageAttributes");
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:delivery");
            record.put("awsRegion", "us-east-1");
        }
        return LambdaEvents.fromJson(Json.write(root), SQSEvent.class);
    }

    private static String toJson(SQSBatchResponse response) {
        return LambdaEvents.toJson(response, SQSBatchResponse.class);
    }
}
