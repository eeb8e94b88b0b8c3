package dev.hookline.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.storage.WebhookStore.Subscription;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryMessageTest {

    private static ResourceEvent ticketUpdate(Map<String, String> related) {
        ObjectNode data = Json.object().put("guid", "tkt-1").put("price", 2750);
        ObjectNode changes = (ObjectNode) Json.parse("{\"price\": {\"from\": 2500, \"to\": 2750}}");
        return new ResourceEvent("evt-1", "company-1", new EventType("ticket", "update"), "tkt-1", related,
                Instant.parse("2026-11-23T10:30:00.250Z"), data, Optional.of(changes), Map.of());
    }

    @Test
    void deliveryIdsDependOnlyOnTheEventAndTheWebhookAndSortByTheEventsTime() {
        Instant at = Instant.parse("2026-11-23T10:30:00.250Z");
        String id = DeliveryIds.forEvent("evt-1", "webhook-1", at);

        assertTrue(DeliveryIds.isValid(id), id);
        assertEquals(id, DeliveryIds.forEvent("evt-1", "webhook-1", at));
        assertNotEquals(id, DeliveryIds.forEvent("evt-1", "webhook-2", at));
        assertNotEquals(id, DeliveryIds.forEvent("evt-2", "webhook-1", at));
        assertNotEquals(DeliveryIds.forEvent("a", "b\nc", at), DeliveryIds.forEvent("a\nb", "c", at));
        assertEquals(at, DeliveryIds.time(id));
        assertTrue(id.compareTo(DeliveryIds.forEvent("evt-0", "webhook-1", at.plusMillis(1))) < 0, "later events sort after");
        assertTrue(DeliveryIds.lowerBound(at).compareTo(id) < 0);
        assertTrue(DeliveryIds.lowerBound(at.plusMillis(1)).compareTo(id) > 0);
    }

    @Test
    void theEnvelopeIsStandardWebhooksStyleAndSaysHowTheWebhookMatched() {
        Subscription propagated = new Subscription("webhook-1", new EventType("event", "update"), true, ChangeFilter.NONE);

        JsonNode message = DeliveryMessage.first(ticketUpdate(Map.of("event", "evt-9")), propagated, 7).toJson();

        assertEquals(DeliveryIds.forEvent("evt-1", "webhook-1", Instant.parse("2026-11-23T10:30:00.250Z")),
                message.get("delivery_id").asText());
        assertEquals("webhook-1", message.get("webhook_id").asText());
        assertEquals("company-1", message.get("company_id").asText());
        assertEquals("evt-1", message.get("event_id").asText());
        assertEquals(0, message.get("attempt").asInt());
        assertEquals(7, message.get("tenant_epoch").asLong(), "the epoch fan-out matched under");
        JsonNode payload = message.get("payload");
        assertEquals("ticket.update", payload.get("type").asText());
        assertEquals("2026-11-23T10:30:00.250Z", payload.get("timestamp").asText());
        assertEquals("tkt-1", payload.get("resource_id").asText());
        assertEquals("evt-9", payload.get("related").get("event").asText());
        assertEquals(Json.parse("{\"id\": \"webhook-1\", \"resource\": \"event\", \"propagated\": true}"), payload.get("webhook"));
        assertEquals(2750, payload.get("data").get("price").asInt());
        assertEquals(2500, payload.get("changes").get("price").get("from").asInt());
    }

    @Test
    void onlyUpdatesCarryChanges() {
        ResourceEvent update = ticketUpdate(Map.of());
        ResourceEvent create = new ResourceEvent("evt-2", "company-1", new EventType("ticket", "create"), "tkt-1",
                Map.of(), update.occurredAt(), update.data(), Optional.empty(), Map.of());
        Subscription direct = new Subscription("webhook-1", new EventType("ticket", "create"), false, ChangeFilter.NONE);

        assertFalse(DeliveryMessage.first(create, direct, 7).payload().has("changes"));
        assertFalse(DeliveryMessage.first(create, direct, 7).payload().has("included"), "nor included, when none came");
    }

    @Test
    void theEnvelopeCarriesEveryIncludedResourceSortedByName() {
        ResourceEvent update = ticketUpdate(Map.of("event", "evt-9", "shop", "shop-1"));
        Map<String, ObjectNode> included = new LinkedHashMap<>();
        included.put("shop", Json.object().put("name", "Box office"));
        included.put("event", Json.object().put("name", "Festival"));
        ResourceEvent order = new ResourceEvent("evt-3", "company-1", new EventType("order", "create"), "ord-1",
                update.related(), update.occurredAt(), update.data(), Optional.empty(), included);
        Subscription direct = new Subscription("webhook-1", new EventType("order", "create"), false, ChangeFilter.NONE);

        JsonNode payload = DeliveryMessage.first(order, direct, 7).payload();

        assertEquals("{\"event\":{\"name\":\"Festival\"},\"shop\":{\"name\":\"Box office\"}}",
                Json.write(payload.get("included")));
    }

    @Test
    void theSameEventAndWebhookAlwaysSerialiseToTheSameBytes() {
        Map<String, String> oneOrder = new LinkedHashMap<>();
        oneOrder.put("shop", "shop-1");
        oneOrder.put("event", "evt-9");
        Map<String, String> otherOrder = new LinkedHashMap<>();
        otherOrder.put("event", "evt-9");
        otherOrder.put("shop", "shop-1");
        Subscription direct = new Subscription("webhook-1", new EventType("ticket", "update"), false, ChangeFilter.NONE);

        assertEquals(Json.write(DeliveryMessage.first(ticketUpdate(oneOrder), direct, 7).toJson()),
                Json.write(DeliveryMessage.first(ticketUpdate(otherOrder), direct, 7).toJson()));
    }
}
