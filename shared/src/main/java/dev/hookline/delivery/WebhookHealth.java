package dev.hookline.delivery;

import java.time.Instant;

/**
 * A webhook's endpoint health: its circuit (Commerce Layer's {@code circuit_state}, {@code circuit_failure_count},
 * {@code disabled_at}) and backlog, kept apart from the registry's webhook record (whose optimistic concurrency
 * delivery never touches) and from the delivery log. Written only when something changes: failures, the first
 * success after failures, the circuit opening or closing. A healthy webhook's deliveries never write it.
 *
 * @param inBackoff     deliveries of this webhook waiting in SQS for a retry (approximate; never below 0 in use)
 * @param backlogParked new deliveries were parked because {@code inBackoff} reached the cap; replay when it halves
 */
public record WebhookHealth(String webhookId, boolean open, int consecutiveFailures, Instant disabledAt,
        String disabledReason, int inBackoff, boolean backlogParked) {

    public static WebhookHealth closed(String webhookId) {
        return new WebhookHealth(webhookId, false, 0, null, null, 0, false);
    }

    /** Opened now, for this container's cache. */
    public WebhookHealth opened(Instant at, String reason) {
        return new WebhookHealth(webhookId, true, consecutiveFailures, at, reason, inBackoff, backlogParked);
    }

    public WebhookHealth withBacklogParked(boolean value) {
        return new WebhookHealth(webhookId, open, consecutiveFailures, disabledAt, disabledReason, inBackoff, value);
    }

    public WebhookHealth withBackoff(int value) {
        return new WebhookHealth(webhookId, open, consecutiveFailures, disabledAt, disabledReason, value, backlogParked);
    }

    public String circuitState() {
        return open ? "open" : "closed";
    }
}
