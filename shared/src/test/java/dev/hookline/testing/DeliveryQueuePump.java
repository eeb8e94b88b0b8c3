package dev.hookline.testing;

import dev.hookline.delivery.DeliveryService;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.delivery.DeliveryService.Received;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Drives a delivery service as the SQS event source mapping would, one receive at a time, for tests. */
public final class DeliveryQueuePump {

    private DeliveryQueuePump() {
    }

    /** One receive of up to 10 messages, processed in receive order; what is done with is deleted, as Lambda does. */
    public static List<Outcome> pumpOnce(SqsClient sqs, String queueUrl, DeliveryService service) {
        List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                .maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        if (messages.isEmpty()) {
            return List.of();
        }
        Map<String, Outcome> outcomes = service.process(messages.stream()
                .map(m -> new Received(m.messageId(), m.receiptHandle(), m.body(),
                        Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))))
                .toList());
        List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
        List<Outcome> result = new ArrayList<>();
        for (Message m : messages) {
            Outcome outcome = outcomes.get(m.messageId());
            result.add(outcome);
            if (!outcome.keepOnQueue()) {
                delete.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(delete.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!delete.isEmpty()) {
            sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(delete));
        }
        return result;
    }
}
