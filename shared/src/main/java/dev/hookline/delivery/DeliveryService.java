package dev.hookline.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryMessages.Delivery;
import dev.hookline.delivery.DeliveryMessages.Incoming;
import dev.hookline.delivery.DeliveryMessages.InvalidMessage;
import dev.hookline.delivery.DeliveryMessages.Recover;
import dev.hookline.delivery.DeliveryMessages.ReplayParked;
import dev.hookline.delivery.DeliveryRecord.Attempt;
import dev.hookline.delivery.DeliveryRecord.Status;
import dev.hookline.json.Json;
import dev.hookline.log.Log;
import dev.hookline.model.Webhook;
import dev.hookline.queues.SqsBatchSender;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.storage.DeliveryLog.Claim;
import dev.hookline.storage.DeliveryLog.NewDelivery;
import dev.hookline.storage.Page;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Delivers a batch of delivery-queue messages (docs/delivery.md). Per message: skip or park (webhook gone,
 * disabled, circuit open), claim (duplicates stop here), sign, POST, log the attempt, then either finish, retry
 * later (the message's visibility is set to the backoff and it is reported as a batch item failure), or give up
 * to the dead-letter queue. The messages of a batch run concurrently, one virtual thread each.
 */
public final class DeliveryService {

    /** How long a claim holds a delivery against concurrent copies: the attempt's deadline plus slack. */
    static final Duration LEASE_SLACK = Duration.ofSeconds(30);
    /** A success refreshes the webhook's last outcome at most this often per container (it costs a write). */
    static final Duration SUCCESS_REFRESH = Duration.ofSeconds(60);
    /** Deliveries re-sent per replay or recover step; a continuation command carries on. */
    public static final int REPLAY_PAGE = 100;
    private static final int MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

    /**
     * One received SQS message, as the handler hands it over. {@code receiveCount} (SQS's ApproximateReceiveCount)
     * tells a retry (> 1) from a new delivery; only new ones are held back by the backlog cap.
     */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
        public Received(String messageId, String receiptHandle, String body) {
            this(messageId, receiptHandle, body, 1);
        }
    }

    /** What became of a message; only {@link Outcome#RETRY} and {@link Outcome#ERROR} keep it on the queue. */
    public enum Outcome {
        DELIVERED, RETRY, FAILED, ABORTED, PARKED, DUPLICATE, SKIPPED, COMMAND, INVALID, ERROR;

        public boolean keepOnQueue() {
            return this == RETRY || this == ERROR;
        }
    }

    record Result(Outcome outcome, Duration retryDelay) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null);
        }
    }

    private final WebhookCache cache;
    private final DeliveryLog log;
    private final HttpSender sender;
    private final RetryPolicy policy;
    private final SqsClient sqs;
    private final SqsBatchSender batchSender;
    private final DeliveryConfig config;
    private final Clock clock;

    public DeliveryService(WebhookCache cache, DeliveryLog log, HttpSender sender, RetryPolicy policy, SqsClient sqs,
            SqsBatchSender batchSender, DeliveryConfig config, Clock clock) {
        this.cache = cache;
        this.log = log;
        this.sender = sender;
        this.policy = policy;
        this.sqs = sqs;
        this.batchSender = batchSender;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Processes a batch and returns, per message id, what happened. Messages to retry already have their
     * visibility set to the backoff; the caller reports every {@link Outcome#keepOnQueue()} message as a batch
     * item failure so SQS keeps it.
     */
    public Map<String, Outcome> process(List<Received> batch) {
        Instant received = clock.instant();
        Map<String, Future<Result>> futures = new LinkedHashMap<>();
        Set<String> seenDeliveries = new HashSet<>();
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Received message : batch) {
                Incoming incoming;
                try {
                    incoming = DeliveryMessages.parse(message.body());
                } catch (InvalidMessage | IllegalArgumentException | java.time.DateTimeException e) {
                    deadLetter(message.body(), "invalid message: " + (e instanceof InvalidMessage ? e.getMessage() : "bad field"), 0, null);
                    outcomes.put(message.messageId(), Outcome.INVALID);
                    continue;
                }
                if (incoming instanceof Delivery delivery && !seenDeliveries.add(delivery.deliveryId())) {
                    outcomes.put(message.messageId(), Outcome.DUPLICATE); // same delivery twice in one batch
                    continue;
                }
                futures.put(message.messageId(), executor.submit(() -> handle(incoming, message.receiveCount())));
            }
        }
        List<ChangeMessageVisibilityBatchRequestEntry> visibility = new ArrayList<>();
        long elapsed = Duration.between(received, clock.instant()).toSeconds();
        for (Received message : batch) {
            Future<Result> future = futures.get(message.messageId());
            if (future == null) {
                continue;
            }
            Result result;
            try {
                result = future.get();
            } catch (Exception e) {
                Log.error("Delivery failed unexpectedly", e.getCause() == null ? e : e.getCause());
                result = Result.of(Outcome.ERROR);
            }
            outcomes.put(message.messageId(), result.outcome());
            if (result.outcome() == Outcome.RETRY) {
                long seconds = Math.min(Math.max(0, (result.retryDelay().toMillis() + 999) / 1000),
                        MAX_VISIBILITY_SECONDS - elapsed - 60);
                visibility.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(visibility.size()))
                        .receiptHandle(message.receiptHandle())
                        .visibilityTimeout((int) seconds)
                        .build());
            }
        }
        changeVisibility(visibility);
        return outcomes;
    }

    private Result handle(Incoming incoming, int receiveCount) {
        return switch (incoming) {
            case Delivery delivery -> deliver(delivery, receiveCount);
            case ReplayParked replay -> {
                replayParked(replay);
                yield Result.of(Outcome.COMMAND);
            }
            case Recover recover -> {
                recover(recover);
                yield Result.of(Outcome.COMMAND);
            }
        };
    }

    Result deliver(Delivery message, int receiveCount) {
        Instant now = clock.instant();
        WebhookCache.Entry entry = cache.get(message.companyId(), message.webhookId());
        if (entry.webhook().isEmpty()) {
            logEntry(Log.info("Delivery skipped: webhook gone"), message).ifPresent(Log::emit);
            return Result.of(Outcome.SKIPPED);
        }
        Webhook webhook = entry.webhook().get();
        NewDelivery record = new NewDelivery(message.deliveryId(), message.webhookId(), message.companyId(),
                message.eventId(), message.eventType(), message.attempt());
        boolean closed = webhook.active() && !entry.health().open();
        boolean backlogFull = receiveCount <= 1 && entry.health().inBackoff() >= config.backlogCap();
        if ((!closed || backlogFull) && !message.bypassCircuit()) {
            String reason = entry.health().open() ? "circuit open: " + entry.health().disabledReason()
                    : !webhook.active() ? "webhook inactive"
                    : "backlog: " + entry.health().inBackoff() + " deliveries of this webhook are waiting for a retry";
            DeliveryLog.Parked parked = log.park(record, Json.write(message.payload()), reason, now);
            ObjectNode line = logEntry(Log.info(parked != DeliveryLog.Parked.NO ? "Delivery parked"
                    : "Duplicate of a final or parked delivery dropped"), message).orElseThrow();
            if (parked != DeliveryLog.Parked.NO) {
                line.put("reason", reason);
                metric(line, "DeliveriesParked", now); // ParkedBacklogAlarm in template.yaml
            }
            Log.emit(line);
            if (parked == DeliveryLog.Parked.FROM_BACKOFF) {
                WebhookHealth after = log.adjustBackoff(message.webhookId(), -1);
                cache.updateHealth(message.companyId(), message.webhookId(), h -> withBackoff(h, after.inBackoff()));
            }
            if (parked != DeliveryLog.Parked.NO && closed && !entry.health().backlogParked()) {
                log.markBacklogParked(message.webhookId()); // replayed once the backlog halves
                cache.updateHealth(message.companyId(), message.webhookId(), h -> h.withBacklogParked(true));
            }
            return Result.of(parked == DeliveryLog.Parked.NO ? Outcome.DUPLICATE : Outcome.PARKED);
        }
        Optional<Claim> claim = log.claim(record, now, config.totalTimeout().plus(LEASE_SLACK));
        if (claim.isEmpty()) {
            logEntry(Log.info("Duplicate delivery dropped"), message).ifPresent(Log::emit);
            return Result.of(Outcome.DUPLICATE);
        }
        int attemptInSeries = claim.get().attemptInSeries();
        int maxAttempts = message.test() ? 1 : webhook.retries() + 1;

        byte[] body = Json.write(message.payload()).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = signedHeaders(entry.secrets(), message.deliveryId(), clock.instant().getEpochSecond(), body);
        SendResult result = sender.post(webhook.url(), headers, body);

        RetryPolicy.Decision decision = policy.decide(result, attemptInSeries, maxAttempts);
        Instant done = clock.instant();
        Attempt attempt = new Attempt(claim.get().attempts(), now, result.status(), result.latency().toMillis(),
                result.errorClass(), result.snippet());
        Result outcome;
        switch (decision) {
            case RetryPolicy.Delivered delivered -> {
                log.recordAttempt(message.webhookId(), message.deliveryId(), attempt, Status.SUCCEEDED, null, null,
                        Optional.empty(), done);
                outcome = Result.of(Outcome.DELIVERED);
            }
            case RetryPolicy.Retry retry -> {
                log.recordAttempt(message.webhookId(), message.deliveryId(), attempt, Status.RETRYING,
                        done.plus(retry.delay()), result.describe(), Optional.empty(), done);
                outcome = new Result(Outcome.RETRY, retry.delay());
            }
            case RetryPolicy.GiveUp giveUp -> {
                String payload = Json.write(message.payload());
                log.recordAttempt(message.webhookId(), message.deliveryId(), attempt, Status.FAILED, null,
                        giveUp.reason(), Optional.of(payload), done);
                if (!message.test()) {
                    deadLetter(message.toJson(), giveUp.reason(), claim.get().attempts(), message);
                }
                outcome = Result.of(Outcome.FAILED);
            }
            case RetryPolicy.Abort abort -> {
                log.recordAttempt(message.webhookId(), message.deliveryId(), attempt, Status.ABORTED, null,
                        abort.reason(), Optional.empty(), done);
                outcome = Result.of(Outcome.ABORTED);
            }
        }
        updateHealth(message, webhook, entry.health(), result, decision, attemptInSeries, done);

        Optional<com.fasterxml.jackson.databind.node.ObjectNode> line = logEntry(Log.info("Delivery attempt"), message);
        line.ifPresent(l -> {
            l.put("attempt", claim.get().attempts());
            l.put("attempt_in_series", attemptInSeries);
            l.put("status", result.status());
            l.put("error_class", result.errorClass());
            l.put("latency_ms", result.latency().toMillis());
            l.put("outcome", outcome.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (outcome.retryDelay() != null) {
                l.put("retry_in_s", outcome.retryDelay().toSeconds());
            }
            Log.emit(l);
        });
        return outcome;
    }

    /** The Standard Webhooks headers of one attempt; {@code body} is exactly what will be sent. */
    static Map<String, String> signedHeaders(List<String> secrets, String deliveryId, long timestamp, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(StandardWebhooks.WEBHOOK_ID, deliveryId);
        headers.put(StandardWebhooks.WEBHOOK_TIMESTAMP, Long.toString(timestamp));
        headers.put(StandardWebhooks.WEBHOOK_SIGNATURE, StandardWebhooks.signatureHeader(secrets, deliveryId, timestamp, body));
        return headers;
    }

    private void updateHealth(Delivery message, Webhook webhook, WebhookHealth before, SendResult result,
            RetryPolicy.Decision decision, int attemptInSeries, Instant now) {
        // Deliveries in backoff: +1 into a retry, -1 out of one (this attempt was a retry of this series).
        int backoffDelta = (decision instanceof RetryPolicy.Retry ? 1 : 0) - (attemptInSeries > 1 ? 1 : 0);
        String status = switch (decision) {
            case RetryPolicy.Delivered d -> "succeeded";
            case RetryPolicy.Retry r -> "retrying";
            case RetryPolicy.GiveUp g -> "failed";
            case RetryPolicy.Abort a -> "aborted";
        };
        WebhookHealth.LastOutcome last = new WebhookHealth.LastOutcome(message.deliveryId(), status, result.status(),
                result.errorClass(), now);
        if (decision instanceof RetryPolicy.Delivered) {
            boolean stale = before.writtenAt() == null || before.writtenAt().plus(SUCCESS_REFRESH).isBefore(now);
            if (before.consecutiveFailures() > 0 || stale || message.test() || backoffDelta != 0) {
                WebhookHealth after = log.recordSuccess(message.webhookId(), last, backoffDelta);
                cache.updateHealth(message.companyId(), message.webhookId(), h -> after);
                replayIfBacklogDrained(message, after);
            }
            if (message.test() && before.open() && log.closeCircuit(message.webhookId())) {
                cache.invalidate(message.companyId(), message.webhookId());
                batchSender.send(config.deliveryQueueUrl(),
                        DeliveryMessages.replayCommand(message.webhookId(), message.companyId(), Optional.empty()), Map.of());
                Log.emit(logEntry(Log.info("Circuit closed by a successful test; replaying parked deliveries"), message).orElseThrow());
            }
            return;
        }
        if (message.test()) {
            return; // a failing ping says nothing new, and must not open a circuit on its own
        }
        WebhookHealth after = log.recordFailure(message.webhookId(), last, backoffDelta);
        replayIfBacklogDrained(message, after);
        String reason = null;
        if (decision instanceof RetryPolicy.Abort abort && abort.disableWebhook()) {
            reason = "HTTP 410 Gone";
        } else if (after.consecutiveFailures() >= config.circuitThreshold()) {
            reason = after.consecutiveFailures() + " consecutive failed attempts, last: " + result.describe();
        }
        if (reason != null && !after.open() && log.openCircuit(message.webhookId(), reason, now)) {
            ObjectNode entry = Log.warn("Circuit opened: webhook disabled, new deliveries are parked");
            entry.put("webhook_id", webhook.id());
            entry.put("company_id", webhook.companyId());
            entry.put("reason", reason);
            Log.emit(entry);
            String finalReason = reason;
            cache.updateHealth(message.companyId(), message.webhookId(), h -> after.opened(now, finalReason));
        } else {
            cache.updateHealth(message.companyId(), message.webhookId(), h -> h.open() && !after.open()
                    ? after.opened(h.disabledAt(), h.disabledReason()) : after);
        }
    }

    /** Once a webhook's backlog has halved, the deliveries the cap parked go back to the queue (one replay). */
    private void replayIfBacklogDrained(Delivery message, WebhookHealth after) {
        if (after.backlogParked() && !after.open() && after.inBackoff() <= config.backlogCap() / 2
                && log.clearBacklogParked(message.webhookId())) {
            cache.updateHealth(message.companyId(), message.webhookId(), h -> h.withBacklogParked(false));
            batchSender.send(config.deliveryQueueUrl(),
                    DeliveryMessages.replayCommand(message.webhookId(), message.companyId(), Optional.empty()), Map.of());
            ObjectNode line = Log.info("Backlog drained; replaying the deliveries parked for it");
            line.put("webhook_id", message.webhookId());
            line.put("in_backoff", after.inBackoff());
            Log.emit(line);
        }
    }

    private static WebhookHealth withBackoff(WebhookHealth h, int inBackoff) {
        return new WebhookHealth(h.webhookId(), h.open(), h.consecutiveFailures(), h.disabledAt(), h.disabledReason(),
                h.last(), h.writtenAt(), inBackoff, h.backlogParked());
    }

    // ------------------------------------------------------------------ replays

    void replayParked(ReplayParked command) {
        WebhookCache.Entry entry = cache.get(command.companyId(), command.webhookId());
        if (entry.webhook().isEmpty() || !entry.webhook().get().active() || log.health(command.webhookId()).open()) {
            return; // disabled again: what is left stays parked until the next re-enable
        }
        Page<DeliveryRecord> page = log.parked(command.webhookId(), command.cursor(), REPLAY_PAGE);
        int sent = requeue(page.items(), Set.of(Status.PARKED), false);
        page.nextCursor().ifPresent(cursor -> batchSender.send(config.deliveryQueueUrl(),
                DeliveryMessages.replayCommand(command.webhookId(), command.companyId(), Optional.of(cursor)), Map.of()));
        ObjectNode line = Log.info("Parked deliveries replayed");
        line.put("webhook_id", command.webhookId());
        line.put("replayed", sent);
        line.put("continued", page.nextCursor().isPresent());
        Log.emit(line);
    }

    void recover(Recover command) {
        Page<DeliveryRecord> page = log.since(command.webhookId(), command.since(), Set.of(Status.FAILED),
                command.cursor(), REPLAY_PAGE);
        int sent = requeue(page.items(), Set.of(Status.FAILED), false);
        page.nextCursor().ifPresent(cursor -> batchSender.send(config.deliveryQueueUrl(),
                DeliveryMessages.recoverCommand(command.webhookId(), command.companyId(), command.since(), Optional.of(cursor)),
                Map.of()));
        ObjectNode line = Log.info("Failed deliveries recovered");
        line.put("webhook_id", command.webhookId());
        line.put("recovered", sent);
        line.put("continued", page.nextCursor().isPresent());
        Log.emit(line);
    }

    /** Moves each record to a new series and sends it back to the delivery queue; returns how many were sent. */
    int requeue(List<DeliveryRecord> records, Set<Status> from, boolean bypassCircuit) {
        int sent = 0;
        try (SqsBatchSender.Stream out = batchSender.open(config.deliveryQueueUrl())) {
            for (DeliveryRecord record : records) {
                if (record.payload().isEmpty()) {
                    continue;
                }
                Optional<Integer> series = log.requeue(record.webhookId(), record.deliveryId(), from, clock.instant());
                if (series.isEmpty()) {
                    continue;
                }
                ObjectNode payload = (ObjectNode) Json.parse(record.payload().get());
                out.add(new Delivery(record.deliveryId(), record.webhookId(), record.companyId(), record.eventId(),
                        series.get(), payload, false, bypassCircuit).toJson());
                sent++;
            }
            out.finish();
        }
        return sent;
    }

    // ------------------------------------------------------------------ SQS

    private void deadLetter(String body, String reason, int attempts, Delivery message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("hookline-reason", text(reason));
        attributes.put("hookline-attempts", MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(attempts)).build());
        attributes.put("hookline-failed-at", text(clock.instant().toString()));
        if (message != null) {
            attributes.put("hookline-webhook-id", text(message.webhookId()));
            attributes.put("hookline-delivery-id", text(message.deliveryId()));
        }
        batchSender.send(config.deadLetterQueueUrl(), body, attributes);
    }

    private void changeVisibility(List<ChangeMessageVisibilityBatchRequestEntry> entries) {
        for (int i = 0; i < entries.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
            try {
                ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(request -> request
                        .queueUrl(config.deliveryQueueUrl()).entries(chunk));
                if (response.hasFailed() && !response.failed().isEmpty()) {
                    ObjectNode line = Log.warn("Backoff not set on some messages; they return after the queue's visibility timeout");
                    line.put("failed", response.failed().size());
                    Log.emit(line);
                }
            } catch (RuntimeException e) {
                Log.error("ChangeMessageVisibilityBatch failed", e);
            }
        }
    }

    /** CloudWatch embedded metric format: the log line becomes a metric, without a PutMetricData call. */
    private static void metric(ObjectNode line, String name, Instant at) {
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", "Hookline");
        directive.putArray("Dimensions").addArray();
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", "Count");
        line.put(name, 1);
    }

    private static MessageAttributeValue text(String value) {
        String clipped = value.length() > 1024 ? value.substring(0, 1024) : value;
        return MessageAttributeValue.builder().dataType("String").stringValue(clipped).build();
    }

    private static Optional<ObjectNode> logEntry(ObjectNode entry, Delivery message) {
        entry.put("delivery_id", message.deliveryId());
        entry.put("webhook_id", message.webhookId());
        entry.put("company_id", message.companyId());
        entry.put("event_type", message.eventType());
        return Optional.of(entry);
    }
}
