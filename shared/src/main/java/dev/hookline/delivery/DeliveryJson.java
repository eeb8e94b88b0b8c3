package dev.hookline.delivery;

import java.util.Optional;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;

/** API representations of deliveries and of a webhook's delivery state. */
public final class DeliveryJson {

    private DeliveryJson() {
    }

    public static ObjectNode render(DeliveryRecord record, boolean withAttempts) {
        ObjectNode node = Json.object();
        node.put("id", record.deliveryId());
        node.put("webhook_id", record.webhookId());
        node.put("event_id", record.eventId());
        node.put("event_type", record.eventType());
        node.put("status", record.status().wire());
        node.put("attempts", record.attempts());
        node.put("created_at", record.createdAt().toString());
        node.put("updated_at", record.updatedAt().toString());
        node.put("next_attempt_at", record.nextAttemptAt() == null ? null : record.nextAttemptAt().toString());
        node.put("last_error", record.lastError());
        if (!record.attemptLog().isEmpty()) {
            DeliveryRecord.Attempt last = record.attemptLog().get(record.attemptLog().size() - 1);
            node.put("last_status_code", last.status() == 0 ? null : last.status());
            node.put("last_latency_ms", last.latencyMillis());
        } else {
            node.putNull("last_status_code");
            node.putNull("last_latency_ms");
        }
        if (withAttempts) {
            ArrayNode attempts = node.putArray("attempt_log");
            for (DeliveryRecord.Attempt attempt : record.attemptLog()) {
                ObjectNode a = attempts.addObject();
                a.put("attempt", attempt.number());
                a.put("at", attempt.at().toString());
                a.put("status_code", attempt.status() == 0 ? null : attempt.status());
                a.put("latency_ms", attempt.latencyMillis());
                a.put("error_class", attempt.errorClass());
                a.put("response_snippet", attempt.snippet());
            }
        }
        return node;
    }

    /**
     * Adds the delivery state to a rendered webhook: {@code circuit_state} ({@code closed}, {@code open},
     * {@code half_open}), {@code circuit_failure_count}, {@code circuit_next_probe_at}, {@code disabled_at},
     * {@code disabled_reason}, {@code last_delivery} (the newest delivery in its log). While the circuit is open the
     * webhook reads as {@code active: false}; a successful probe or PATCH {@code active: true} closes it.
     */
    public static ObjectNode addState(ObjectNode webhook, DeliveryAdmin.EndpointState state) {
        WebhookHealth health = state.health();
        if (health.open()) {
            webhook.put("active", false);
        }
        webhook.put("circuit_state", health.circuitState());
        webhook.put("circuit_failure_count", health.consecutiveFailures());
        webhook.put("circuit_next_probe_at", health.nextProbeAt() == null ? null : health.nextProbeAt().toString());
        webhook.put("disabled_at", health.disabledAt() == null ? null : health.disabledAt().toString());
        webhook.put("disabled_reason", health.disabledReason());
        if (state.lastDelivery().isPresent()) {
            DeliveryRecord last = state.lastDelivery().get();
            Optional<DeliveryRecord.Attempt> attempt = last.attemptLog().isEmpty() ? Optional.empty()
                    : Optional.of(last.attemptLog().get(last.attemptLog().size() - 1));
            ObjectNode node = webhook.putObject("last_delivery");
            node.put("delivery_id", last.deliveryId());
            node.put("status", last.status().wire());
            node.put("status_code", attempt.map(DeliveryRecord.Attempt::status).filter(code -> code != 0).orElse(null));
            node.put("error_class", attempt.map(DeliveryRecord.Attempt::errorClass).orElse(null));
            node.put("at", last.updatedAt().toString());
        } else {
            webhook.putNull("last_delivery");
        }
        return webhook;
    }
}
