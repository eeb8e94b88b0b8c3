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
 */
public record DeliveryConfig(String deliveryQueueUrl, String deadLetterQueueUrl, String deliveriesTable,
        int circuitThreshold, DeliveryLog.Retention logRetention, Duration cacheTtl, Duration connectTimeout, Duration totalTimeout,
        int maxResponseBytes, int backlogCap, List<Duration> retrySchedule) {

    public static final int DEFAULT_CIRCUIT_THRESHOLD = 20;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024;
    public static final int DEFAULT_BACKLOG_CAP = 1_000;

    public DeliveryConfig {
        if (circuitThreshold < 1 || backlogCap < 1) {
            throw new IllegalArgumentException("circuitThreshold and backlogCap must be positive");
        }
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
                Env.optional("DELIVERY_RETRY_SCHEDULE").map(RetryPolicy::parseSchedule).orElse(RetryPolicy.SCHEDULE));
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
                DEFAULT_BACKLOG_CAP, RetryPolicy.SCHEDULE);
    }

    /** Explicit resources with the default limits (tests, the local runner). */
    public static DeliveryConfig of(String deliveryQueueUrl, String deadLetterQueueUrl, String deliveriesTable) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, DEFAULT_CIRCUIT_THRESHOLD,
                DeliveryLog.Retention.DEFAULT, DEFAULT_CACHE_TTL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT,
                DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_BACKLOG_CAP, RetryPolicy.SCHEDULE);
    }

    public DeliveryConfig withCircuitThreshold(int value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, value, logRetention, cacheTtl,
                connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule);
    }

    public DeliveryConfig withCacheTtl(Duration value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                value, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, retrySchedule);
    }

    public DeliveryConfig withTimeouts(Duration connect, Duration total) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connect, total, maxResponseBytes, backlogCap, retrySchedule);
    }

    public DeliveryConfig withRetrySchedule(List<Duration> value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, backlogCap, List.copyOf(value));
    }

    public DeliveryConfig withBacklogCap(int value) {
        return new DeliveryConfig(deliveryQueueUrl, deadLetterQueueUrl, deliveriesTable, circuitThreshold, logRetention,
                cacheTtl, connectTimeout, totalTimeout, maxResponseBytes, value, retrySchedule);
    }
}
