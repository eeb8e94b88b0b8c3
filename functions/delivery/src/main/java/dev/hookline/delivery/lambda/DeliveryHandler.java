package dev.hookline.delivery.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.config.Services;
import dev.hookline.delivery.DeliveryService;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.delivery.DeliveryService.Received;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The delivery queue's consumer (ReportBatchItemFailures). Messages to retry get their visibility set to the
 * backoff by the service and are reported as batch item failures, so SQS keeps them; everything else is deleted.
 */
public final class DeliveryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final DeliveryService delivery;

    public DeliveryHandler() {
        this(Services.fromEnvironment().delivery());
        SnapStartPriming.register(DeliveryHandler.class);
    }

    DeliveryHandler(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<Received> batch = records.stream()
                .map(m -> new Received(m.getMessageId(), m.getReceiptHandle(), m.getBody(), receiveCount(m)))
                .toList();
        Map<String, Outcome> outcomes = delivery.process(batch);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : records) {
            Outcome outcome = outcomes.getOrDefault(message.getMessageId(), Outcome.ERROR);
            if (outcome.keepOnQueue()) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
