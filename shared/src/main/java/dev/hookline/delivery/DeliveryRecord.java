package dev.hookline.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One delivery as the log holds it: its current state and every attempt. A delivery on its way to its first
 * attempt has no record yet: its SQS message is its state until the outcome is written.
 *
 * @param attempts    attempts made in all, over every series (automatic retries, manual retries, replays)
 * @param seriesStart {@code attempts} when the current series began; the webhook's retry budget counts from here
 * @param createdAt   its event's time (deliveries are listed by it; {@link DeliveryIds#time})
 * @param payload     the body, kept only while it may still be needed (failed, parked)
 */
public record DeliveryRecord(String deliveryId, String webhookId, String companyId, String eventId, String eventType,
        Status status, int attempts, int seriesStart, Instant createdAt, Instant updatedAt, Instant nextAttemptAt,
        String lastError, List<Attempt> attemptLog, Optional<String> payload) {

    public DeliveryRecord {
        attemptLog = List.copyOf(attemptLog);
    }

    public enum Status {
        /** Waiting for its next attempt on the delivery queue. */
        RETRYING,
        SUCCEEDED,
        /** Attempts used up or a non-retryable answer; sent to the dead-letter queue. */
        FAILED,
        /** 410 Gone or {@code webhook-delivery: abort-message}. */
        ABORTED,
        /** Held in the log while the webhook's circuit is open; replayed when it closes. */
        PARKED,
        /** Re-sent to the delivery queue by a manual retry, a recover, a replay or a re-drive. */
        QUEUED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Optional<Status> parse(String text) {
            for (Status status : values()) {
                if (status.wire().equals(text)) {
                    return Optional.of(status);
                }
            }
            return Optional.empty();
        }

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == ABORTED;
        }
    }

    /** One HTTP attempt. {@code status} is 0 when no response arrived. */
    public record Attempt(int number, Instant at, int status, long latencyMillis, String errorClass, String snippet) {
    }
}
