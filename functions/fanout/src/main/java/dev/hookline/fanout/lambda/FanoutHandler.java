package dev.hookline.fanout.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.fanout.FanoutService;
import dev.hookline.fanout.IngestMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingest queue's consumer: each message becomes one delivery message per matching webhook (docs/fanout.md).
 * The batch's messages are handled concurrently, each on its own; one that fails is reported in
 * {@code batchItemFailures} (the event source's ReportBatchItemFailures), so only it returns to the queue and the
 * rest are deleted.
 */
public final class FanoutHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Used when invoked without a Context (tools, tests): the template's function timeout. */
    private static final Duration TIMEOUT_WITHOUT_CONTEXT = Duration.ofSeconds(60);

    private final FanoutService fanout;

    public FanoutHandler() {
        this(Services.fromEnvironment().fanout());
        SnapStartPriming.register(FanoutHandler.class);
    }

    FanoutHandler(FanoutService fanout) {
        this.fanout = fanout;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<IngestMessage> batch = event.getRecords().stream()
                .map(message -> new IngestMessage(message.getMessageId(), message.getBody())).toList();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        fanout.processAll(batch, timeLeft(context))
                .forEach(messageId -> failures.add(new SQSBatchResponse.BatchItemFailure(messageId)));
        return new SQSBatchResponse(failures);
    }

    private static Duration timeLeft(Context context) {
        return context == null ? TIMEOUT_WITHOUT_CONTEXT : Duration.ofMillis(context.getRemainingTimeInMillis());
    }
}
