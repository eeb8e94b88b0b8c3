package dev.hookline.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * A webhook's circuit and last outcome (Commerce Layer's {@code circuit_state}, {@code circuit_failure_count},
 * {@code disabled_at}), kept beside the delivery log so the registry's webhook record and its optimistic
 * concurrency are never touched by delivery.
 */
public record WebhookHealth(String webhookId, boolean open, int consecutiveFailures, Instant disabledAt,
        String disabledReason, Optional<LastOutcome> last, Instant writtenAt) {

    public static WebhookHealth closed(String webhookId) {
        return new WebhookHealth(webhookId, false, 0, null, null, Optional.empty(), null);
    }

    public String circuitState() {
        return open ? "open" : "closed";
    }

    public record LastOutcome(String deliveryId, String status, int httpStatus, String error, Instant at) {
    }
}
