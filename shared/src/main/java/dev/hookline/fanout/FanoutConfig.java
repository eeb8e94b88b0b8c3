package dev.hookline.fanout;

import dev.hookline.config.Env;

/**
 * The fan-out function's queues and limits, read once per container.
 *
 * @param maxDeliveriesPerPart deliveries one message may enqueue before the rest moves to a continuation
 * @param sendConcurrency      SendMessageBatch calls in flight
 */
public record FanoutConfig(String ingestQueueUrl, String deliveryQueueUrl, String parkingQueueUrl,
        int maxDeliveriesPerPart, int sendConcurrency) {

    public static final int DEFAULT_MAX_DELIVERIES_PER_PART = 25_000;
    /** The JDK's HTTP client keeps 5 idle connections per host; more parallel calls would reconnect. */
    public static final int DEFAULT_SEND_CONCURRENCY = 5;

    public FanoutConfig {
        if (maxDeliveriesPerPart < 1 || sendConcurrency < 1) {
            throw new IllegalArgumentException("maxDeliveriesPerPart and sendConcurrency must be positive");
        }
    }

    public static FanoutConfig fromEnvironment() {
        return new FanoutConfig(
                Env.required("INGEST_QUEUE_URL"),
                Env.required("DELIVERY_QUEUE_URL"),
                Env.required("PARKING_QUEUE_URL"),
                Env.integer("FANOUT_MAX_DELIVERIES_PER_PART", DEFAULT_MAX_DELIVERIES_PER_PART),
                Env.integer("FANOUT_SEND_CONCURRENCY", DEFAULT_SEND_CONCURRENCY));
    }

    /** Explicit queues with the default limits (tests, the local runner). */
    public static FanoutConfig of(String ingestQueueUrl, String deliveryQueueUrl, String parkingQueueUrl) {
        return new FanoutConfig(ingestQueueUrl, deliveryQueueUrl, parkingQueueUrl, DEFAULT_MAX_DELIVERIES_PER_PART,
                DEFAULT_SEND_CONCURRENCY);
    }

    public FanoutConfig withMaxDeliveriesPerPart(int value) {
        return new FanoutConfig(ingestQueueUrl, deliveryQueueUrl, parkingQueueUrl, value, sendConcurrency);
    }
}
