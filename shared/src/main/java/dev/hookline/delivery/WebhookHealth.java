package dev.hookline.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * A webhook's circuit and last outcome (Commerce Layer's {@code circuit_state}, {@code circuit_failure_count},
 * {@code disabled_at}), kept beside the delivery log so the registry's webhook record and its optimistic
 * concurrency are never touched by delivery.
 *
 * @param inBackoff     deliveries of this webhook waiting in SQS for a retry (approximate; never below 0 in use)
 * @param backlogParked new deliveries were parked because {@code inBackoff} reached the cap; replay when it halves
 */
public record WebhookHealth(String webhookId, boolean open, int consecutiveFailures, Instant disabledAt,
        String disabledReason, Optional<LastOutcome> last, Instant writtenAt, int inBackoff, boolean backlogParked) {

    public static WebhookHealth closed(String webhookId) {
        return new WebhookHealth(webhookId, false, 0, null, null, Optional.empty(), null, 0, false);
    }

    /** Opened now, for this container's cache. */
    public WebhookHealth opened(Instant at, String reason) {
        return new WebhookHealth(webhookId, true, consecutiveFailures, at, reason, last, at, inBackoff, backlogParked);
    }

    public WebhookHealth withBacklogParked(boolean value) {
        return new WebhookHealth(webhookId, open, consecutiveFailures, disabledAt, disabledReason, last, writtenAt,
                inBackoff, value);
    }

    public String circuitState() {
        return open ? "open" : "closed";
    }

    public record LastOutcome(String deliveryId, String status, int httpStatus, String error, Instant at) {
    }
}
