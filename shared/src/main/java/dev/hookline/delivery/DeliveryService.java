package dev.hookline.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryMessages.Delivery;
import dev.hookline.delivery.DeliveryMessages.Group;
import dev.hookline.delivery.DeliveryMessages.Incoming;
import dev.hookline.delivery.DeliveryMessages.InvalidMessage;
import dev.hookline.delivery.DeliveryMessages.Probe;
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
import dev.hookline.storage.DeliveryLog.NewDelivery;
import dev.hookline.storage.DeliveryRateLimiter;
import dev.hookline.storage.EndpointHealthStore;
import dev.hookline.storage.Page;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Delivers a batch of delivery-queue messages (docs/delivery.md, "State model"). The SQS message is a delivery's
 * state until its outcome is written: nothing is claimed before the POST. A message holds one delivery, a group
 * of an event's deliveries, or a command (replay, recover, probe). Per delivery: skip or park (webhook gone,
 * disabled, circuit open, backlog), and on a message that comes back (a retry, or a copy SQS re-delivered) read
 * the record to drop what already ended; move it to the slow lane if its endpoint is slow, hold it until its
 * rate-limit second (docs/delivery.md, "Fairness"); then sign, POST, and record the attempt. The deliveries of a
 * batch run concurrently, one virtual thread each; after them (or after 2 s, for those done by then), one
 * BatchWriteItem records the first-attempt successes, endpoints still busy after the slow threshold are marked
 * slow, one write per webhook records what the batch did to its health (only if it changed anything), the
 * retries get their backoff (as visibility, or split off a group as delayed messages), held and moved deliveries
 * go on as messages of their own, and one log line sums the batch up.
 */
public final class DeliveryService {

    /** Deliveries re-sent per replay or recover step; a continuation command carries on. */
    public static final int REPLAY_PAGE = 100;
    private static final int MAX_VISIBILITY_SECONDS = 12 * 60 * 60;
    /** How long a batch waits for all its deliveries before it records the successes it has so far. */
    private static final Duration RECORD_EARLY_AFTER = Duration.ofSeconds(2);
    /** A message back earlier than its record's due time by more than this is put back to wait, not attempted. */
    private static final Duration EARLY_TOLERANCE = Duration.ofSeconds(2);
    /** How long an endpoint counts as slow after an attempt ran past the slow threshold. */
    private static final Duration SLOW_MARK = Duration.ofMinutes(10);
    /** A rate-limit second is used only until this much before its end, so no request crosses into the next one. */
    private static final Duration RATE_SLOT_GUARD = Duration.ofMillis(250);
    /** A delivery whose rate-limit second starts within this waits for it here instead of going back to SQS. */
    private static final Duration RATE_SLOT_SLEEP = Duration.ofMillis(1_500);
    /** Sleeps for a rate-limit second end this much into it (timers round; clocks differ by milliseconds). */
    private static final Duration RATE_SLOT_MARGIN = Duration.ofMillis(20);

    /**
     * One received SQS message, as the handler hands it over. {@code receiveCount} (SQS's ApproximateReceiveCount)
     * tells a message's first receive (1: nothing to look up) from its later ones (a retry, or a re-delivery).
     */
    public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
        public Received(String messageId, String receiptHandle, String body) {
            this(messageId, receiptHandle, body, 1);
        }
    }

    /**
     * What became of a message (or of one delivery of a group); only {@link Outcome#RETRY} and
     * {@link Outcome#ERROR} keep a message on the queue. {@link Outcome#RESCHEDULED}: a message whose deliveries
     * still to make now travel in messages of their own; {@link Outcome#HELD}: a delivery waiting for its
     * rate-limit second; {@link Outcome#SLOW_LANE}: a delivery moved to the slow lane.
     */
    public enum Outcome {
        DELIVERED, RETRY, RESCHEDULED, HELD, SLOW_LANE, FAILED, ABORTED, PARKED, DUPLICATE, SKIPPED, COMMAND, INVALID,
        ERROR;

        public boolean keepOnQueue() {
            return this == RETRY || this == ERROR;
        }
    }

    /**
     * What one message did. {@code firstSuccess} is set for a first-attempt success, recorded with the batch;
     * {@code health} is the attempt's effect on its webhook's health, if it made one; {@code requeued} the copy
     * that carries a held or slow-lane delivery on (sent with the batch, before its message is deleted).
     */
    record Result(Outcome outcome, Duration retryDelay, FirstSuccess firstSuccess, HealthEffect health, Requeued requeued) {
        static Result of(Outcome outcome) {
            return new Result(outcome, null, null, null, null);
        }
    }

    /** A delivery sent on as a message of its own, visible after {@code delay}. */
    record Requeued(Delivery copy, Duration delay) {
    }

    record FirstSuccess(NewDelivery delivery, Attempt attempt) {
    }

    /** An attempt's effect on its webhook's health. */
    record HealthEffect(String companyId, String webhookId, boolean success, int backoffDelta, String failure,
            boolean disable, boolean test, Instant at) {
    }

    private final WebhookCache cache;
    private final DeliveryLog log;
    private final EndpointHealthStore health;
    private final DeliveryRateLimiter rateLimiter;
    private final HttpSender sender;
    private final RetryPolicy policy;
    private final SqsClient sqs;
    private final SqsBatchSender batchSender;
    private final DeliveryConfig config;
    private final Clock clock;

    public DeliveryService(WebhookCache cache, DeliveryLog log, EndpointHealthStore health,
            DeliveryRateLimiter rateLimiter, HttpSender sender, RetryPolicy policy, SqsClient sqs,
            SqsBatchSender batchSender, DeliveryConfig config, Clock clock) {
        this.cache = cache;
        this.log = log;
        this.health = health;
        this.rateLimiter = rateLimiter;
        this.sender = sender;
        this.policy = policy;
        this.sqs = sqs;
        this.batchSender = batchSender;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Processes a batch and returns, per message id, what happened. Messages to retry already have their
     * visibility set to the backoff (a group's retries are split off into messages of their own, delayed); the
     * caller reports every {@link Outcome#keepOnQueue()} message as a batch item failure so SQS keeps it.
     */
    public Map<String, Outcome> process(List<Received> batch) {
        Instant received = clock.instant();
        List<Slot> slots = new ArrayList<>();
        Set<String> seenDeliveries = new HashSet<>();
        Map<String, Outcome> invalid = new LinkedHashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Received message : batch) {
                Incoming incoming;
                try {
                    incoming = DeliveryMessages.parse(message.body());
                } catch (InvalidMessage | IllegalArgumentException | DateTimeException e) {
                    deadLetter(message.body(), "invalid message: " + (e instanceof InvalidMessage ? e.getMessage() : "bad field"), 0, null);
                    invalid.put(message.messageId(), Outcome.INVALID);
                    continue;
                }
                List<? extends Incoming> parts = incoming instanceof Group group ? group.deliveries() : List.of(incoming);
                for (Incoming part : parts) {
                    Slot slot = new Slot(message, part, incoming instanceof Group);
                    slots.add(slot);
                    if (part instanceof Delivery delivery && !seenDeliveries.add(delivery.deliveryId())) {
                        slot.result = Result.of(Outcome.DUPLICATE); // the same delivery twice in one batch
                    } else {
                        slot.running = executor.submit(() -> handle(part, message.receiveCount()));
                    }
                }
            }
            // Most deliveries answer in milliseconds, while one hanging endpoint may take the whole deadline. The
            // successes of those that answered are recorded once RECORD_EARLY_AFTER has passed, so that a batch cut
            // short later (function timeout, crash, a stall past the visibility timeout) does not POST them again
            // when its messages come back; endpoints still busy after the slow threshold are marked slow.
            List<Checkpoint> checkpoints = new ArrayList<>(List.of(
                    new Checkpoint(received.plus(RECORD_EARLY_AFTER), this::recordFirstSuccesses),
                    new Checkpoint(received.plus(config.slowThreshold()), this::markSlow)));
            checkpoints.sort(Comparator.comparing(Checkpoint::at));
            for (Checkpoint checkpoint : checkpoints) {
                if (collect(slots, checkpoint.at())) {
                    break;
                }
                checkpoint.action().accept(slots);
            }
            collect(slots, null);
        }
        recordFirstSuccesses(slots);
        recordHealth(slots.stream().map(slot -> slot.result).toList());
        Map<String, Outcome> outcomes = scheduleRetries(batch, slots, Duration.between(received, clock.instant()).toSeconds());
        outcomes.putAll(invalid);
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        batch.forEach(message -> ordered.put(message.messageId(), outcomes.get(message.messageId())));
        logBatch(ordered.size(), slots, Duration.between(received, clock.instant()));
        return ordered;
    }

    /**
     * Waits for the slots' results until {@code until} (null: however long they take); a failed task is an
     * {@link Outcome#ERROR}. True when every slot has its result.
     */
    private boolean collect(List<Slot> slots, Instant until) {
        boolean all = true;
        for (Slot slot : slots) {
            if (slot.result != null) {
                continue;
            }
            try {
                if (until == null) {
                    slot.result = slot.running.get();
                } else {
                    long millis = Math.max(0, Duration.between(clock.instant(), until).toMillis());
                    slot.result = slot.running.get(millis, TimeUnit.MILLISECONDS);
                }
            } catch (TimeoutException e) {
                all = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                slot.result = Result.of(Outcome.ERROR);
            } catch (ExecutionException e) {
                Log.error("Delivery failed unexpectedly", e.getCause());
                slot.result = Result.of(Outcome.ERROR);
            }
        }
        return all;
    }

    /** What a batch does for the deliveries still running at a point in time. */
    private record Checkpoint(Instant at, Consumer<List<Slot>> action) {
    }

    /** One delivery (or command) of a received message, and what became of it. */
    private static final class Slot {
        final Received message;
        final Incoming incoming;
        /** Part of a group message, whose retries are split off rather than kept in it. */
        final boolean grouped;
        Future<Result> running;
        Result result;
        /** Its first-attempt success is written (or its write failed and it stays queued). */
        boolean recorded;

        Slot(Received message, Incoming incoming, boolean grouped) {
            this.message = message;
            this.incoming = incoming;
            this.grouped = grouped;
        }
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
            case Probe probe -> probe(probe);
            case Group group -> throw new IllegalStateException("groups are split into their deliveries first");
        };
    }

    Result deliver(Delivery message, int receiveCount) {
        Instant now = clock.instant();
        WebhookCache.Entry entry = cache.get(message.companyId(), message.webhookId(), message.tenantEpoch());
        if (entry.webhook().isEmpty()) {
            Log.emit(line(Log.info("Delivery skipped: webhook gone"), message));
            return Result.of(Outcome.SKIPPED);
        }
        Webhook webhook = entry.webhook().get();
        int series = message.attempt();
        int attemptInSeries = 1;
        boolean first = receiveCount <= 1 && !message.deadLettered() && !message.resumed();
        if (message.deadLettered()) {
            Optional<Integer> redriven = redrive(message);
            if (redriven.isEmpty()) {
                Log.emit(line(Log.info("Re-driven copy of a delivery that is no longer failed in its series dropped"), message));
                return Result.of(Outcome.DUPLICATE);
            }
            series = redriven.get();
        } else if (!first) {
            // Back after an earlier receive: a retry, or a copy SQS re-delivered. The record says which.
            Optional<DeliveryRecord> record = log.find(message.webhookId(), message.deliveryId());
            if (record.isPresent()) {
                DeliveryRecord known = record.get();
                if (known.seriesStart() != series || known.status().terminal() || known.status() == Status.PARKED) {
                    Log.emit(line(Log.info("Duplicate delivery dropped"), message).put("recorded", known.status().wire()));
                    return Result.of(Outcome.DUPLICATE);
                }
                if (known.nextAttemptAt() != null && known.nextAttemptAt().isAfter(now.plus(EARLY_TOLERANCE))) {
                    return new Result(Outcome.RETRY, Duration.between(now, known.nextAttemptAt()), null, null, null);
                }
                attemptInSeries = known.attempts() - known.seriesStart() + 1;
            }
        }
        NewDelivery record = new NewDelivery(message.deliveryId(), message.webhookId(), message.companyId(),
                message.eventId(), message.eventType(), series);

        boolean closed = webhook.active() && !entry.health().open();
        if (!closed && !message.bypassCircuit()) {
            // About to park on this container's view: use one read after this message arrived, so a re-enable or
            // a closed circuit is never undone by a cached open one (the replay after a re-enable would be parked
            // again).
            entry = cache.loadedSince(message.companyId(), message.webhookId(), now);
            if (entry.webhook().isEmpty()) {
                return Result.of(Outcome.SKIPPED);
            }
            webhook = entry.webhook().get();
            closed = webhook.active() && !entry.health().open();
        }
        boolean backlogFull = first && entry.health().inBackoff() >= config.backlogCap();
        if ((!closed || backlogFull) && !message.bypassCircuit()) {
            return park(message, record, entry, closed, now);
        }
        // A delivery that is not made now goes on as a copy; it has a record to read unless this was its first
        // receive.
        if (!message.test() && config.hasSlowLane() && !message.slowLane() && entry.health().slow(now)) {
            return sendOn(message.requeuedCopy(series, !first, true, Optional.empty()), Duration.ZERO, Outcome.SLOW_LANE);
        }
        Optional<Instant> rateSecond = Optional.empty();
        if (!message.test() && webhook.rateLimited()) {
            Instant second = rateSecond(message, webhook.rateLimit(), now);
            if (second.isAfter(now.plus(RATE_SLOT_SLEEP))) {
                Optional<Instant> slot = Optional.of(second).filter(at -> !at.isAfter(now.plus(SqsBatchSender.MAX_DELAY)));
                // SQS delays in whole seconds: round down, so the copy is back just before its second (and waits
                // the rest here) rather than up to a second late for it.
                Duration delay = slot.map(at -> Duration.ofSeconds(Duration.between(now, at).toSeconds()))
                        .orElse(SqsBatchSender.MAX_DELAY);
                return sendOn(message.requeuedCopy(series, !first, message.slowLane(), slot), delay, Outcome.HELD);
            }
            sleepUntil(second);
            rateSecond = Optional.of(second);
        }

        int maxAttempts = message.test() ? 1 : webhook.retries() + 1;
        byte[] body = Json.write(message.body(webhook.includeResources())).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = signedHeaders(entry.secrets(), message.deliveryId(), clock.instant().getEpochSecond(), body);
        if (rateSecond.isPresent() && !clock.instant().isBefore(rateSecond.get().plusSeconds(1).minus(RATE_SLOT_GUARD))) {
            // It missed its second (a slow read, a busy machine): it takes a new one rather than exceed the limit.
            return sendOn(message.requeuedCopy(series, !first, message.slowLane(), Optional.empty()), Duration.ZERO,
                    Outcome.HELD);
        }
        SendResult result = sender.send(webhook.methodType(), webhook.url(), headers, body);
        RetryPolicy.Decision decision = policy.decide(result, attemptInSeries, maxAttempts);
        Instant done = clock.instant();
        Attempt attempt = new Attempt(0, now, result.status(), result.latency().toMillis(), result.errorClass(),
                decision instanceof RetryPolicy.Delivered ? "" : result.snippet());
        // Deliveries in backoff: +1 into a retry, -1 out of one (this attempt was a retry of this series).
        int backoffDelta = (decision instanceof RetryPolicy.Retry ? 1 : 0) - (attemptInSeries > 1 ? 1 : 0);
        HealthEffect effect = new HealthEffect(message.companyId(), message.webhookId(),
                decision instanceof RetryPolicy.Delivered, backoffDelta, result.describe(),
                decision instanceof RetryPolicy.Abort abort && abort.disableWebhook(), message.test(), done);

        if (decision instanceof RetryPolicy.Delivered && first && series == 0) {
            return new Result(Outcome.DELIVERED, null, new FirstSuccess(record, attempt), effect, null);
        }
        Result outcome = switch (decision) {
            case RetryPolicy.Delivered delivered -> Result.of(Outcome.DELIVERED);
            case RetryPolicy.Retry retry -> new Result(Outcome.RETRY, retry.delay(), null, null, null);
            case RetryPolicy.GiveUp giveUp -> Result.of(Outcome.FAILED);
            case RetryPolicy.Abort abort -> Result.of(Outcome.ABORTED);
        };
        DeliveryLog.Write written = switch (decision) {
            case RetryPolicy.Delivered delivered -> log.recordAttempt(record, attempt, Status.SUCCEEDED, null, null,
                    Optional.empty(), done);
            case RetryPolicy.Retry retry -> log.recordAttempt(record, attempt, Status.RETRYING, done.plus(retry.delay()),
                    result.describe(), Optional.empty(), done);
            case RetryPolicy.GiveUp giveUp -> log.recordAttempt(record, attempt, Status.FAILED, null, giveUp.reason(),
                    Optional.of(Json.write(message.payload())), done);
            case RetryPolicy.Abort abort -> log.recordAttempt(record, attempt, Status.ABORTED, null, abort.reason(),
                    Optional.empty(), done);
        };
        if (!(written instanceof DeliveryLog.Written)) {
            // Another copy finished first (or a newer series took over): this POST was a repeat. Counted, not kept.
            ObjectNode line = line(Log.warn("Attempt of an already ended delivery not recorded"), message);
            line.put("recorded", written instanceof DeliveryLog.AlreadyEnded ended ? ended.status().wire() : "superseded");
            line.put("status", result.status());
            metric(line, "RepeatedAttempts", done);
            Log.emit(line);
            return Result.of(Outcome.DUPLICATE);
        }
        if (decision instanceof RetryPolicy.GiveUp giveUp && !message.test()) {
            deadLetter(message.deadLetterCopy().toJson(), giveUp.reason(), attemptInSeries, message);
        }
        if (!(decision instanceof RetryPolicy.Delivered)) {
            ObjectNode line = line(Log.info("Delivery attempt failed"), message);
            line.put("attempt_in_series", attemptInSeries);
            line.put("status", result.status());
            line.put("error_class", result.errorClass());
            line.put("latency_ms", result.latency().toMillis());
            line.put("outcome", outcome.outcome().name().toLowerCase(Locale.ROOT));
            if (outcome.retryDelay() != null) {
                line.put("retry_in_s", outcome.retryDelay().toSeconds());
            }
            Log.emit(line);
        }
        return new Result(outcome.outcome(), outcome.retryDelay(), null, effect, null);
    }

    private static Result sendOn(Delivery copy, Duration delay, Outcome outcome) {
        return new Result(outcome, null, null, null, new Requeued(copy, delay));
    }

    /**
     * The second in which {@code message} may start under its webhook's rate limit (docs/delivery.md, "Fairness"):
     * the one it carries, unless it arrived too late for it; else the next free second, reserved across all
     * instances.
     */
    private Instant rateSecond(Delivery message, int perSecond, Instant now) {
        return message.notBefore().filter(second -> now.isBefore(second.plusSeconds(1).minus(RATE_SLOT_GUARD)))
                .orElseGet(() -> rateLimiter.reserve(message.webhookId(), perSecond, now.plus(RATE_SLOT_GUARD),
                        SqsBatchSender.MAX_DELAY));
    }

    /** Sleeps until just after {@code at}: a request must never start before its rate-limit second. */
    private void sleepUntil(Instant at) {
        Duration wait = Duration.between(clock.instant(), at).plus(RATE_SLOT_MARGIN);
        if (wait.isPositive()) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a rate-limit second", e);
            }
        }
    }


    /**
     * A copy moved back from the dead-letter queue: re-send it in a new series if the delivery is still failed in
     * the series that dead-lettered it (or its record expired); empty when it was delivered, recovered or re-sent
     * since.
     */
    private Optional<Integer> redrive(Delivery message) {
        Optional<DeliveryRecord> record = log.find(message.webhookId(), message.deliveryId());
        if (record.isEmpty()) {
            return Optional.of(message.attempt());
        }
        return log.requeue(message.webhookId(), message.deliveryId(), Set.of(Status.FAILED),
                Optional.of(message.attempt()), clock.instant());
    }

    private Result park(Delivery message, NewDelivery record, WebhookCache.Entry entry, boolean closed, Instant now) {
        Webhook webhook = entry.webhook().orElseThrow();
        String reason = entry.health().open() ? "circuit open: " + entry.health().disabledReason()
                : !webhook.active() ? "webhook inactive"
                : "backlog: " + entry.health().inBackoff() + " deliveries of this webhook are waiting for a retry";
        DeliveryLog.Parked parked = log.park(record, Json.write(message.payload()), reason, now);
        ObjectNode line = line(Log.info(parked != DeliveryLog.Parked.NO ? "Delivery parked"
                : "Duplicate of an ended or parked delivery dropped"), message);
        if (parked != DeliveryLog.Parked.NO) {
            line.put("reason", reason);
            metric(line, "DeliveriesParked", now); // ParkedBacklogAlarm in template.yaml
        }
        Log.emit(line);
        if (parked == DeliveryLog.Parked.FROM_BACKOFF) {
            WebhookHealth after = health.adjustBackoff(message.webhookId(), -1);
            cache.updateHealth(message.companyId(), message.webhookId(), h -> h.withBackoff(after.inBackoff()));
        }
        if (parked != DeliveryLog.Parked.NO && closed && !entry.health().backlogParked()) {
            health.markBacklogParked(message.webhookId()); // replayed once the backlog halves
            cache.updateHealth(message.companyId(), message.webhookId(), h -> h.withBacklogParked(true));
        }
        return Result.of(parked == DeliveryLog.Parked.NO ? Outcome.DUPLICATE : Outcome.PARKED);
    }

    /** The Standard Webhooks headers of one attempt; {@code body} is exactly what will be sent. */
    static Map<String, String> signedHeaders(List<String> secrets, String deliveryId, long timestamp, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(StandardWebhooks.WEBHOOK_ID, deliveryId);
        headers.put(StandardWebhooks.WEBHOOK_TIMESTAMP, Long.toString(timestamp));
        headers.put(StandardWebhooks.WEBHOOK_SIGNATURE, StandardWebhooks.signatureHeader(secrets, deliveryId, timestamp, body));
        return headers;
    }

    // ------------------------------------------------------------------ after the batch

    /**
     * Marks the endpoints of deliveries still running past the slow threshold as slow, so that their next
     * deliveries take the slow lane: one write per webhook, only when its mark is missing or half used up.
     */
    private void markSlow(List<Slot> slots) {
        if (!config.hasSlowLane()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, String> companies = new LinkedHashMap<>();
        slots.stream().filter(slot -> slot.result == null && slot.incoming instanceof Delivery delivery && !delivery.test())
                .map(slot -> (Delivery) slot.incoming)
                .forEach(delivery -> companies.put(delivery.webhookId(), delivery.companyId()));
        companies.forEach((webhookId, companyId) -> {
            Instant known = cache.get(companyId, webhookId, 0).health().slowUntil();
            if (known != null && known.isAfter(now.plus(SLOW_MARK.dividedBy(2)))) {
                return;
            }
            Instant until = now.plus(SLOW_MARK);
            try {
                health.markSlow(webhookId, until);
                cache.updateHealth(companyId, webhookId, h -> h.withSlowUntil(until));
                ObjectNode line = Log.info("Endpoint slow: its deliveries take the slow lane");
                line.put("webhook_id", webhookId);
                line.put("company_id", companyId);
                line.put("until", until.toString());
                Log.emit(line);
            } catch (RuntimeException e) {
                Log.error("Marking a slow endpoint failed", e);
            }
        });
    }

    /**
     * One BatchWriteItem for the batch's first-attempt successes. If it fails, their messages stay on the queue:
     * they come back, find no record and are sent again (a repeat the receiver de-duplicates by webhook-id).
     */
    private void recordFirstSuccesses(List<Slot> slots) {
        List<Slot> successes = slots.stream()
                .filter(slot -> slot.result != null && !slot.recorded && slot.result.firstSuccess() != null).toList();
        if (successes.isEmpty()) {
            return;
        }
        successes.forEach(slot -> slot.recorded = true);
        try {
            log.recordFirstSuccesses(successes.stream().map(slot -> slot.result.firstSuccess().delivery()).toList(),
                    successes.stream().map(slot -> slot.result.firstSuccess().attempt()).toList(), clock.instant());
        } catch (RuntimeException e) {
            Log.error("Recording delivered deliveries failed; their messages stay queued", e);
            successes.forEach(slot -> slot.result = Result.of(Outcome.ERROR));
        }
    }

    /**
     * At most one health write per webhook per batch, and none when nothing changed: a healthy webhook's
     * successes (no failures known, nothing in backoff) write nothing.
     */
    private void recordHealth(Iterable<Result> results) {
        Map<String, List<HealthEffect>> byWebhook = new LinkedHashMap<>();
        for (Result result : results) {
            if (result.health() != null && result.outcome() != Outcome.ERROR) {
                byWebhook.computeIfAbsent(result.health().webhookId(), id -> new ArrayList<>()).add(result.health());
            }
        }
        byWebhook.forEach((webhookId, effects) -> {
            effects.sort((a, b) -> a.at().compareTo(b.at()));
            HealthEffect last = effects.get(effects.size() - 1);
            WebhookHealth before = cache.get(last.companyId(), webhookId, 0).health();
            boolean reset = false;
            int failures = 0;
            Instant firstFailureAt = null;
            int backoffDelta = 0;
            boolean testSucceeded = false;
            HealthEffect disabling = null;
            for (HealthEffect effect : effects) {
                backoffDelta += effect.backoffDelta();
                if (effect.success()) {
                    reset = true;
                    failures = 0;
                    testSucceeded |= effect.test();
                } else if (!effect.test()) { // a failing ping says nothing new and must not open a circuit
                    if (failures++ == 0) {
                        firstFailureAt = effect.at();
                    }
                    if (effect.disable()) {
                        disabling = effect;
                    }
                }
            }
            boolean changes = failures > 0 || backoffDelta != 0 || (reset && before.consecutiveFailures() > 0);
            WebhookHealth after = changes ? health.record(webhookId, reset, failures, firstFailureAt, backoffDelta) : before;
            if (changes) {
                cache.updateHealth(last.companyId(), webhookId, h -> h.withFailures(after));
            }
            if (testSucceeded && before.open() && health.closeCircuit(webhookId)) {
                cache.invalidate(last.companyId(), webhookId);
                sendReplay(webhookId, last.companyId());
                Log.emit(Log.info("Circuit closed by a successful ping; replaying parked deliveries").put("webhook_id", webhookId));
                return;
            }
            replayIfBacklogDrained(last.companyId(), webhookId, after);
            String reason = disabling != null ? "HTTP 410 Gone"
                    : failures > 0 && sustained(after, last.at())
                            ? after.consecutiveFailures() + " consecutive failed attempts since " + after.failingSince()
                                    + ", last: " + last.failure()
                            : null;
            Instant firstProbeAt = last.at().plus(config.probeSchedule().getFirst());
            if (reason != null && !after.open() && health.openCircuit(webhookId, reason, last.at(), firstProbeAt)) {
                sendProbe(webhookId, last.companyId(), config.probeSchedule().getFirst());
                ObjectNode line = Log.warn("Circuit opened: new deliveries are parked until a probe succeeds");
                line.put("webhook_id", webhookId);
                line.put("company_id", last.companyId());
                line.put("reason", reason);
                line.put("next_probe_at", firstProbeAt.toString());
                Log.emit(line);
                cache.updateHealth(last.companyId(), webhookId, h -> h.opened(last.at(), reason, firstProbeAt));
            }
        });
    }

    /**
     * The breaker's rule: at least {@code circuitThreshold} failed attempts in a row, spread over at least
     * {@code circuitFailureSpan} with no success in between. A burst of concurrent failures (a receiver's
     * hiccup) meets the count but not the span.
     */
    private boolean sustained(WebhookHealth after, Instant now) {
        return after.consecutiveFailures() >= config.circuitThreshold() && after.failingSince() != null
                && !after.failingSince().isAfter(now.minus(config.circuitFailureSpan()));
    }

    /** Once a webhook's backlog has halved, the deliveries the cap parked go back to the queue (one replay). */
    private void replayIfBacklogDrained(String companyId, String webhookId, WebhookHealth after) {
        if (after.backlogParked() && !after.open() && after.inBackoff() <= config.backlogCap() / 2
                && health.clearBacklogParked(webhookId)) {
            cache.updateHealth(companyId, webhookId, h -> h.withBacklogParked(false));
            sendReplay(webhookId, companyId);
            ObjectNode line = Log.info("Backlog drained; replaying the deliveries parked for it");
            line.put("webhook_id", webhookId);
            line.put("in_backoff", after.inBackoff());
            Log.emit(line);
        }
    }

    /**
     * Each message's outcome, its retries scheduled and its held or slow-lane deliveries sent on. A plain message
     * to retry keeps its place on its queue with the backoff as its visibility. Any other delivery still to make
     * goes on as a message of its own: a group's retries (delayed by their backoff; SQS delays up to 15 minutes,
     * and a longer one waits out the rest as visibility when it comes back early), held deliveries (delayed until
     * their rate-limit second) and slow-lane moves. The message is done once SQS took every copy (each then keeps
     * its own receive count); if a send fails, the message stays and comes back.
     */
    private Map<String, Outcome> scheduleRetries(List<Received> batch, List<Slot> slots, long elapsedSeconds) {
        Map<String, List<Slot>> byMessage = new LinkedHashMap<>();
        slots.forEach(slot -> byMessage.computeIfAbsent(slot.message.messageId(), id -> new ArrayList<>()).add(slot));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, List<ChangeMessageVisibilityBatchRequestEntry>> visibility = new LinkedHashMap<>();
        Map<String, List<Requeued>> copies = new LinkedHashMap<>();
        for (Received message : batch) {
            List<Slot> parts = byMessage.get(message.messageId());
            if (parts == null) {
                continue; // invalid
            }
            Slot plainRetry = null;
            List<Requeued> onwards = new ArrayList<>();
            for (Slot slot : parts) {
                if (slot.result.requeued() != null) {
                    onwards.add(slot.result.requeued());
                } else if (slot.result.outcome() == Outcome.RETRY && !slot.grouped) {
                    plainRetry = slot;
                } else if (slot.result.outcome() == Outcome.RETRY) {
                    Delivery delivery = (Delivery) slot.incoming;
                    onwards.add(new Requeued(delivery.requeuedCopy(delivery.attempt(), true, delivery.slowLane(),
                            Optional.empty()), slot.result.retryDelay()));
                }
            }
            if (parts.stream().anyMatch(slot -> slot.result.outcome() == Outcome.ERROR)) {
                outcomes.put(message.messageId(), Outcome.ERROR);
            } else if (plainRetry != null) {
                outcomes.put(message.messageId(), Outcome.RETRY);
                List<ChangeMessageVisibilityBatchRequestEntry> entries = visibility.computeIfAbsent(
                        queueOf(plainRetry.incoming), url -> new ArrayList<>());
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .receiptHandle(message.receiptHandle())
                        .visibilityTimeout((int) Math.min(seconds(plainRetry.result.retryDelay()),
                                MAX_VISIBILITY_SECONDS - elapsedSeconds - 60))
                        .build());
            } else if (onwards.isEmpty()) {
                outcomes.put(message.messageId(), summary(parts));
            } else {
                copies.put(message.messageId(), onwards);
            }
        }
        sendCopies(copies).forEach((messageId, sent) -> outcomes.put(messageId, !sent ? Outcome.ERROR
                : byMessage.get(messageId).size() == 1 ? byMessage.get(messageId).getFirst().result.outcome()
                : Outcome.RESCHEDULED));
        visibility.forEach((queueUrl, entries) -> changeVisibility(queueUrl, entries));
        return outcomes;
    }

    private void changeVisibility(String queueUrl, List<ChangeMessageVisibilityBatchRequestEntry> entries) {
        for (int i = 0; i < entries.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
            try {
                ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(request -> request
                        .queueUrl(queueUrl).entries(chunk));
                if (response.hasFailed() && !response.failed().isEmpty()) {
                    // They come back after the queue's visibility timeout, find their due time and wait again.
                    Log.emit(Log.warn("Backoff not set on some messages").put("failed", response.failed().size()));
                }
            } catch (RuntimeException e) {
                Log.error("ChangeMessageVisibilityBatch failed", e);
            }
        }
    }

    /**
     * Sends the copies (one stream per queue, each in its tenant's message group); per message, true when SQS
     * took all of its copies. A failed stream fails every message that had a copy in it.
     */
    private Map<String, Boolean> sendCopies(Map<String, List<Requeued>> copies) {
        Map<String, Map<String, List<Requeued>>> byQueue = new LinkedHashMap<>();
        copies.forEach((messageId, onwards) -> onwards.forEach(copy -> byQueue
                .computeIfAbsent(queueOf(copy.copy()), url -> new LinkedHashMap<>())
                .computeIfAbsent(messageId, id -> new ArrayList<>()).add(copy)));
        Map<String, Boolean> sent = new LinkedHashMap<>();
        copies.keySet().forEach(messageId -> sent.put(messageId, true));
        byQueue.forEach((queueUrl, messages) -> {
            try (SqsBatchSender.Stream out = batchSender.open(queueUrl)) {
                messages.values().forEach(onwards -> onwards.forEach(copy ->
                        out.add(copy.copy().toJson(), copy.delay(), copy.copy().companyId())));
                out.finish();
            } catch (RuntimeException e) {
                Log.error("Sending deliveries on as messages of their own failed; their messages stay queued", e);
                messages.keySet().forEach(messageId -> sent.put(messageId, false));
            }
        });
        return sent;
    }

    /** The queue a message lives on: the slow lane for deliveries moved there, else the delivery queue. */
    private String queueOf(Incoming incoming) {
        return incoming instanceof Delivery delivery && delivery.slowLane() ? config.slowLaneQueueUrl()
                : config.deliveryQueueUrl();
    }

    private static long seconds(Duration delay) {
        return Math.max(0, (delay.toMillis() + 999) / 1000);
    }

    /** A finished message's outcome: a group's first delivered part, else its first part's. */
    private static Outcome summary(List<Slot> parts) {
        return parts.stream().map(slot -> slot.result.outcome()).filter(outcome -> outcome == Outcome.DELIVERED)
                .findFirst().orElse(parts.getFirst().result.outcome());
    }

    /**
     * One line per batch (CloudWatch Logs is paid per byte): messages, deliveries, how many deliveries ended how,
     * and how long it took.
     */
    private static void logBatch(int messages, List<Slot> slots, Duration took) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        slots.forEach(slot -> counts.merge(slot.result.outcome(), 1, Integer::sum));
        ObjectNode line = Log.info("Delivery batch");
        line.put("messages", messages);
        line.put("deliveries", slots.stream().filter(slot -> slot.incoming instanceof Delivery).count());
        counts.forEach((outcome, count) -> line.put(outcome.name().toLowerCase(Locale.ROOT), count));
        line.put("duration_ms", took.toMillis());
        Log.emit(line);
    }

    // ------------------------------------------------------------------ replays

    void replayParked(ReplayParked command) {
        WebhookCache.Entry entry = cache.get(command.companyId(), command.webhookId(), command.tenantEpoch());
        if (entry.webhook().isEmpty() || !entry.webhook().get().active() || health.health(command.webhookId()).open()) {
            return; // disabled again: what is left stays parked until the next re-enable
        }
        Page<DeliveryRecord> page = log.parked(command.webhookId(), command.cursor(), REPLAY_PAGE);
        int sent = requeue(page.items(), Set.of(Status.PARKED), entry.tenantEpoch());
        page.nextCursor().ifPresent(cursor -> sendCommand(command.companyId(), DeliveryMessages.replayCommand(
                command.webhookId(), command.companyId(), command.tenantEpoch(), Optional.of(cursor)), Duration.ZERO));
        ObjectNode line = Log.info("Parked deliveries replayed");
        line.put("webhook_id", command.webhookId());
        line.put("replayed", sent);
        line.put("continued", page.nextCursor().isPresent());
        Log.emit(line);
    }

    void recover(Recover command) {
        Page<DeliveryRecord> page = log.since(command.webhookId(), command.since(), Set.of(Status.FAILED),
                command.cursor(), REPLAY_PAGE);
        int sent = requeue(page.items(), Set.of(Status.FAILED), command.tenantEpoch());
        page.nextCursor().ifPresent(cursor -> sendCommand(command.companyId(), DeliveryMessages.recoverCommand(
                command.webhookId(), command.companyId(), command.tenantEpoch(), command.since(), Optional.of(cursor)),
                Duration.ZERO));
        ObjectNode line = Log.info("Failed deliveries recovered");
        line.put("webhook_id", command.webhookId());
        line.put("recovered", sent);
        line.put("continued", page.nextCursor().isPresent());
        Log.emit(line);
    }

    /**
     * Moves each record to a new series and sends it back to the delivery queue, stamped with the tenant epoch
     * its command was sent under; returns how many were sent.
     */
    int requeue(List<DeliveryRecord> records, Set<Status> from, long tenantEpoch) {
        int sent = 0;
        try (SqsBatchSender.Stream out = batchSender.open(config.deliveryQueueUrl())) {
            for (DeliveryRecord record : records) {
                if (record.payload().isEmpty()) {
                    continue;
                }
                Optional<Integer> series = log.requeue(record.webhookId(), record.deliveryId(), from, Optional.empty(),
                        clock.instant());
                if (series.isEmpty()) {
                    continue;
                }
                ObjectNode payload = (ObjectNode) Json.parse(record.payload().get());
                out.add(new Delivery(record.deliveryId(), record.webhookId(), record.companyId(), record.eventId(),
                        series.get(), payload, tenantEpoch, false, false).toJson(), Duration.ZERO, record.companyId());
                sent++;
            }
            out.finish();
        }
        return sent;
    }

    /**
     * A probe of an open circuit: if it is due, half-open the circuit, queue the next probe (should this one
     * fail) and send a signed ping now. The ping's success closes the circuit and replays what was parked, as a
     * tenant's test ping does; its failure opens it again until the next probe. Probes stop when the circuit
     * closed meanwhile or the webhook is gone or disabled by its tenant (re-enabling closes the circuit).
     */
    Result probe(Probe command) {
        WebhookHealth current = health.health(command.webhookId());
        if (!current.open() || current.nextProbeAt() == null) {
            return Result.of(Outcome.COMMAND);
        }
        Instant now = clock.instant();
        if (current.nextProbeAt().isAfter(now.plus(EARLY_TOLERANCE))) {
            // Waits longer than SQS's 15-minute delay go in steps; a copy of an older probe also lands here.
            sendProbe(command.webhookId(), command.companyId(), Duration.between(now, current.nextProbeAt()));
            return Result.of(Outcome.COMMAND);
        }
        WebhookCache.Entry entry = cache.get(command.companyId(), command.webhookId(), 0);
        if (entry.webhook().isEmpty() || !entry.webhook().get().active()) {
            return Result.of(Outcome.COMMAND);
        }
        List<Duration> schedule = config.probeSchedule();
        Duration wait = schedule.get(Math.min(current.probes() + 1, schedule.size() - 1));
        if (!health.startProbe(command.webhookId(), current.nextProbeAt(), now.plus(wait))) {
            return Result.of(Outcome.COMMAND); // another copy of this probe took it
        }
        sendProbe(command.webhookId(), command.companyId(), wait);
        cache.invalidate(command.companyId(), command.webhookId()); // judge the ping against the half-open circuit
        Result ping = deliver(DeliveryMessages.ping(command.webhookId(), command.companyId(), 0, now), 1);
        if (ping.outcome() != Outcome.DELIVERED) {
            health.probeFailed(command.webhookId());
        }
        ObjectNode line = Log.info(ping.outcome() == Outcome.DELIVERED ? "Probe succeeded" : "Probe failed");
        line.put("webhook_id", command.webhookId());
        line.put("probe", current.probes() + 1);
        Log.emit(line);
        return ping;
    }

    private void sendProbe(String webhookId, String companyId, Duration delay) {
        sendCommand(companyId, DeliveryMessages.probeCommand(webhookId, companyId), delay);
    }

    private void sendReplay(String webhookId, String companyId) {
        sendCommand(companyId, DeliveryMessages.replayCommand(webhookId, companyId, 0, Optional.empty()), Duration.ZERO);
    }

    /** A command goes to the delivery queue in its tenant's message group, like the tenant's deliveries. */
    private void sendCommand(String companyId, String body, Duration delay) {
        batchSender.send(config.deliveryQueueUrl(), body, delay, companyId);
    }

    // ------------------------------------------------------------------ SQS and logs

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

    private static ObjectNode line(ObjectNode entry, Delivery message) {
        entry.put("delivery_id", message.deliveryId());
        entry.put("webhook_id", message.webhookId());
        entry.put("company_id", message.companyId());
        entry.put("event_type", message.eventType());
        return entry;
    }
}
