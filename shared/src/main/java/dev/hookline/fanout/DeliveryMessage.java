package dev.hookline.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.delivery.DeliveryMessages;
import dev.hookline.json.Json;
import dev.hookline.storage.WebhookStore.Subscription;

/**
 * One delivery on the delivery queue: which webhook gets which payload. Its payload and delivery id (the
 * Standard Webhooks {@code webhook-id}) are a function of the event and the webhook, so re-processing an event
 * produces the same delivery, which receivers and the delivery function de-duplicate on. {@code tenantEpoch} is
 * the tenant epoch fan-out matched under: the delivery function signs with a webhook read at least that recent.
 * The payload carries every resource the event included; the delivery function sends only those the webhook asks
 * for. docs/delivery-payload.md describes the shape.
 */
public record DeliveryMessage(String deliveryId, String webhookId, String companyId, String eventId, int attempt,
        ObjectNode payload, long tenantEpoch) {

    /** The first attempt of delivering {@code event} to the webhook of {@code subscription}. */
    public static DeliveryMessage first(ResourceEvent event, Subscription subscription, long tenantEpoch) {
        return new DeliveryMessage(DeliveryIds.forEvent(event.eventId(), subscription.webhookId(), event.occurredAt()),
                subscription.webhookId(),
                event.companyId(), event.eventId(), 0, envelope(event, subscription), tenantEpoch);
    }

    /** The body the receiver gets: a Standard Webhooks style envelope. */
    static ObjectNode envelope(ResourceEvent event, Subscription subscription) {
        ObjectNode envelope = Json.object();
        envelope.put("type", event.type().toString());
        envelope.put("timestamp", event.occurredAt().toString());
        envelope.put("event_id", event.eventId());
        envelope.put("company_id", event.companyId());
        envelope.put("resource_id", event.resourceId());
        ObjectNode related = envelope.putObject("related");
        event.related().forEach(related::put);
        envelope.putObject("webhook")
                .put("id", subscription.webhookId())
                .put("resource", subscription.registeredOn().resource())
                .put("propagated", subscription.viaPropagation());
        envelope.set("data", event.data());
        event.changes().ifPresent(changes -> envelope.set("changes", changes));
        if (!event.included().isEmpty()) {
            event.included().forEach(envelope.putObject("included")::set);
        }
        return envelope;
    }

    public ObjectNode toJson() {
        return new DeliveryMessages.Delivery(deliveryId, webhookId, companyId, eventId, attempt, payload, tenantEpoch,
                false, false).toJsonNode();
    }
}
