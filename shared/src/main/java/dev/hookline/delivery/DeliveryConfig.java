package dev.hookline.delivery;

import dev.hookline.config.Env;
import dev.hookline.storage.DeliveryLog;
import java.time.Duration;
import java.util.List;

/**
 * The delivery function's resources and limits, read once per container (docs/delivery.md lists the variables).
 *
 * @param deliveryQueueUrl      the queue fan-out fills; retries, replays and tests are sent back to it
 * @param deadLetterQueueUrl    where a delivery goes with its last error once its attempts are used up
 * @param deliveriesTable       the delivery log, parked deliveries and per-webhook circuit state
 * @param circuitThreshold      consecutive failed attempts that open a webhook's circuit
 * @param logRetention          how long delivery records are kept (DynamoDB TTL): successes, and the rest
 * @param cacheTtl              how long a container trusts its cached webhook and secrets
 * @param connectTimeout        TCP + TLS connect limit per attempt
 * @param totalTimeout          whole-attempt limit (connect, send, wait, read), enforced by aborting the request
 * @param maxResponseBytes      how much of a response body is read; the rest is discarded with the connection
 * @param backlogCap            deliveries of one webhook waiting in backoff above which its new deliveries are parked
 * @param retrySchedule         waits before retries 1, 2, ... (the last repeats); Svix's unless configured
 * @param circuitFailureSpan    how long a run of failures must last (with at least {@code circuitThreshold} of
 *                              them and no success) before the circuit opens: a burst never opens it
 * @param probeSchedule         while open, waits before probes 1, 2, ... (the last repeats)
 * @param slowLaneQueueUrl      the slow lane: deliveries to slow endpoints wait there, served by a few function
 *                              instances only ("": no slow lane, slow endpoints stay on the delivery queue)
 * @param slowThreshold         an attempt still running after this marks its endpoint slow
 */
public record DeliveryConfig(String deliveryQueueUrl, String deadLetterQueueUrl, String deliveriesTable,
        int circuitThreshold, DeliveryLog.Retention logRetention, Duration cacheTtl, Duration connectTimeout, Duration totalTimeout,
        int maxResponseBytes, int backlogCap, List<Duration> retrySchedule, Duration circuitFailureSpan,
        List<Duration> probeSchedule, String slowLaneQueueUrl, Duration slowThreshold) {

    public static final int DEFAULT_CIRCUIT_THRESHOLD = 20;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024;
    public static final int DEFAULT_BACKLOG_CAP = 1_000;
    public static final Duration DEFAULT_CIRCUIT_FAILURE_SPAN = Duration.ofMinutes(10);
    public static final List<Duration> DEFAULT_PROBE_SCHEDULE = RetryPolicy.parseSchedule("1m,5m,15m,30m,1h,2h,4h");
    public static final Duration DEFAULT_SLOW_THRESHOLD = Duration.ofSeconds(5);

    public DeliveryConfig {
        if (circuitThreshold < 1 || backlogCap < 1) {
            throw new IllegalArgumentException("CIRCUIT_FAILURE_THRESHOLD and DELIVERY_BACKLOG_CAP must be positive");
        }
        if (circuitFailureSpan.isNegative() || probeSchedule.isEmpty()) {
            throw new IllegalArgumentException("CIRCUIT_FAILURE_SPAN_SECONDS must not be negative and"
                    + " CIRCUIT_PROBE_SCHEDULE must name at least one wait");
        }
        if (slowThreshold.isNegative() || slowThreshold.isZero()
                || (!slowLaneQueueUrl.isEmpty() && slowThreshold.compareTo(totalTimeout) >= 0)) {
            // At or past the deadline, every attempt ends before it could count as slow.
            throw new IllegalArgumentException("SLOW_ENDPOINT_THRESHOLD_MS must be positive and below DELIVERY_TOTAL_TIMEOUT_MS");
        }
    }

    public boolean hasSlowLane() {
        return !slowLaneQueueUrl.isEmpty();
    }

    public static DeliveryConfig fromEnvironment() {
        return new DeliveryConfig(
                Env.required("DELIVERY_QUEUE_URL"),
                Env.required("DELIVERY_DLQ_URL"),
                Env.required("DELIVERIES_TABLE"),
                Env.integer("CIRCUIT_FAILURE_THRESHOLD", DEFAULT_CIRCUIT_THRESHOLD),
                retentionFromEnvironment(),
                Duration.ofSeconds(Env.integer("WEBHOOK_CACHE_SECONDS", (int) DEFAULT_CACHE_TTL.toSeconds())),
                Duration.ofMillis(Env.integer("DELIVERY_CONNECT_TIMEOUT_MS", (int) DEFAULT_CONNECT_TIMEOUT.toMillis())),
                Duration.ofMillis(Env.integer("DELIVERY_TOTAL_TIMEOUT_MS", (int) DEFAULT_TOTAL_TIMEOUT.toMillis())),
                DEFAULT_MAX_RESPONSE_BYTES,
                Env.integer("DELIVERY_BACKLOG_CAP", DEFAULT_BACKLOG_CAP),
                Env.optional("DELIVERY_RETRY_SCHEDULE").map(RetryPolicy::parseSchedule).orElse(RetryPolicy.SCHEDULE),
                Duration.ofSeconds(Env.integer("CIRCUIT_FAILURE_SPAN_SECONDS", (int) DEFAULT_CIRCUIT_FAILURE_SPAN.toSeconds())),
                Env.optional("CIRCUIT_PROBE_SCHEDULE").map(RetryPolicy::parseSchedule).orElse(DEFAULT_PROBE_SCHEDULE),
                Env.optional("SLOW_LANE_QUEUE_URL").orElse(""),
                Duration.ofMillis(Env.integer("SLOW_ENDPOINT_THRESHOLD_MS", (int) DEFAULT_SLOW_THRESHOLD.toMillis())));
    }

    /** DELIVERY_SUCCESS_RETENTION_DAYS for successes, DELIVERY_LOG_RETENTION_DAYS for the rest. */
    private static DeliveryLog.Retention retentionFromEnvironment() {
        DeliveryLog.Retention defaults = DeliveryLog.Retention.DEFAULT;
        return new DeliveryLog.Retention(
                Duration.ofDays(Env.integer("DELIVERY_SUCCESS_RETENTION_DAYS", (int) defaults.succeeded().toDays())),
                Duration.ofDays(Env.integer("DELIVERY_LOG_RETENTION_DAYS", (int) defaults.other().toDays())));
    }

    /** What the registry API's delivery operations need: the queue to send to and the log. */
    public static DeliveryConfig forApi() {
        return new DeliveryConfig(
                Env.required("DELIVERY_QUEUE_URL"),
                "",
                Env.required("DELIVERIES_TABLE"),
                DEFAULT_CIRCUIT_THRESHOLD,
                retentionFromEnvironment(),
                DEFAULT_CACHE_TTL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
                DEFAULT_BACKLOG_CAP, RetryPolicy.SCHEDULE, DEFAULT_CIRCUIT_FAILURE_SPAN, DEFAULT_PROBE_SCHEDULE, "",
                DEFAULT_SLOW_THRESHOLD);
    }

    /** Explicit resources with the default limits (tests, the local runner). */
    public static DeliveryConfig of(String deliveryQueueUrl, String deadLetterQueueUrl, String deliveriesTable) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, DEFAULT_CIRCUIT_THRESHOLD,
                DeliveryLog.Retention.DEFAULT, DEFAULT_CACHE_TTL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT,
                DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_BACKLOG_CAP, RetryPolicy.SCHEDULE, DEFAULT_CIRCUIT_FAILURE_SPAN,
                DEFAULT_PROBE_SCHEDULE, "", DEFAULT_SLOW_THRESHOLD);
    }

    public DeliveryConfig withCircuitThreshold(int value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, value, logRetention, cacheTtl,
                connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule, circuitFailureSpan, probeSchedule,
                slowLaneQueueUrl, slowThreshold);
    }

    public DeliveryConfig withCacheTtl(Duration value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                value, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule, circuitFailureSpan, probeSchedule,
                slowLaneQueueUrl, slowThreshold);
    }

    public DeliveryConfig withTimeouts(Duration connect, Duration total) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connect, total, maxResponseBytes, backlogCap, retrySchedule, circuitFailureSpan, probeSchedule,
                slowLaneQueueUrl, slowThreshold);
    }

    public DeliveryConfig withRetrySchedule(List<Duration> value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, List.copyOf(value), circuitFailureSpan,
                probeSchedule, slowLaneQueueUrl, slowThreshold);
    }

    public DeliveryConfig withBacklogCap(int value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, value, retrySchedule, circuitFailureSpan, probeSchedule,
                slowLaneQueueUrl, slowThreshold);
    }

    /** The breaker's timing: a run of failures must last {@code span} to open it; probes follow {@code probes}. */
    public DeliveryConfig withCircuitTiming(Duration span, List<Duration> probes) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule, span, List.copyOf(probes),
                slowLaneQueueUrl, slowThreshold);
    }

    /** The slow lane: deliveries to endpoints slower than {@code threshold} go to {@code queueUrl}. */
    public DeliveryConfig withSlowLane(String queueUrl, Duration threshold) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule, circuitFailureSpan,
                probeSchedule, queueUrl, threshold);
    }
}
