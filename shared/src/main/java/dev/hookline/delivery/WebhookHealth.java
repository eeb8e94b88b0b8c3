package dev.hookline.delivery;

import java.time.Instant;

/**
 * A webhook's endpoint health: its circuit (Commerce Layer's {@code circuit_state}, {@code circuit_failure_count},
 * {@code disabled_at}) and backlog, kept apart from the registry's webhook record (whose optimistic concurrency
 * delivery never touches) and from the delivery log. Written only when something changes: failures, the first
 * success after failures, the circuit opening, probing or closing. A healthy webhook's deliveries never write it.
 *
 * @param open          the circuit is open or half-open: new deliveries are parked, only probes are sent
 * @param probing       half-open: a probe is being sent now
 * @param failingSince  when the current run of failures began (no success since); null while healthy
 * @param nextProbeAt   while open, when the endpoint is probed next
 * @param inBackoff     deliveries of this webhook waiting in SQS for a retry (approximate; never below 0 in use)
 * @param backlogParked new deliveries were parked because {@code inBackoff} reached the cap; replay when it halves
 * @param slowUntil     until when the endpoint counts as slow (an attempt ran past the slow threshold): its
 *                      deliveries go through the slow lane; null when it never was
 */
public record WebhookHealth(String webhookId, boolean open, boolean probing, int consecutiveFailures,
        Instant failingSince, Instant disabledAt, String disabledReason, Instant nextProbeAt, int probes, int inBackoff,
        boolean backlogParked, Instant slowUntil) {

    public static WebhookHealth closed(String webhookId) {
        return new WebhookHealth(webhookId, false, false, 0, null, null, null, null, 0, 0, false, null);
    }

    public boolean slow(Instant now) {
        return slowUntil != null && slowUntil.isAfter(now);
    }

    public WebhookHealth withSlowUntil(Instant value) {
        return new WebhookHealth(webhookId, open, probing, consecutiveFailures, failingSince, disabledAt, disabledReason,
                nextProbeAt, probes, inBackoff, backlogParked, value);
    }

    /** Opened now, for this container's cache. */
    public WebhookHealth opened(Instant at, String reason, Instant firstProbeAt) {
        return new WebhookHealth(webhookId, true, false, consecutiveFailures, failingSince, at, reason, firstProbeAt, 0,
                inBackoff, backlogParked, slowUntil);
    }

    /** The failure counters a health write returned, with this container's view of the circuit. */
    public WebhookHealth withFailures(WebhookHealth written) {
        return new WebhookHealth(webhookId, open, probing, written.consecutiveFailures, written.failingSince, disabledAt,
                disabledReason, nextProbeAt, probes, written.inBackoff, written.backlogParked, slowUntil);
    }

    public WebhookHealth withBacklogParked(boolean value) {
        return new WebhookHealth(webhookId, open, probing, consecutiveFailures, failingSince, disabledAt, disabledReason,
                nextProbeAt, probes, inBackoff, value, slowUntil);
    }

    public WebhookHealth withBackoff(int value) {
        return new WebhookHealth(webhookId, open, probing, consecutiveFailures, failingSince, disabledAt, disabledReason,
                nextProbeAt, probes, value, backlogParked, slowUntil);
    }

    public String circuitState() {
        return !open ? "closed" : probing ? "half_open" : "open";
    }
}
