package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryMessages.Delivery;
import dev.hookline.delivery.DeliveryMessages.InvalidMessage;
import dev.hookline.delivery.DeliveryMessages.ReplayParked;
import dev.hookline.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The delivery queue's message format: what a copy keeps, what it changes, and what the parser refuses. */
class DeliveryMessagesTest {

    private static final Delivery FIRST = new Delivery("msg_1", "wh_1", "company-1", "evt-1", 0,
            Json.object().put("type", "ticket.create"), 42, false, false);

    @Test
    void aFirstDeliveryCarriesItsTenantEpochAndNoFlags() {
        String json = FIRST.toJson();
        assertEquals(42, Json.parse(json).get("tenant_epoch").asLong());
        for (String flag : new String[] {"test", "bypass_circuit", "dead_lettered", "resumed", "slow_lane", "not_before"}) {
            assertFalse(Json.parse(json).has(flag), flag);
        }
        assertEquals(FIRST, DeliveryMessages.parse(json));
    }

    @Test
    void aHeldCopyKeepsTheDeliveryAndCarriesItsSeriesLaneAndSecondThroughTheQueue() {
        Instant second = Instant.parse("2026-11-29T21:00:05Z");
        Delivery held = FIRST.requeuedCopy(2, true, true, Optional.of(second));

        Delivery parsed = (Delivery) DeliveryMessages.parse(held.toJson());

        assertEquals(held, parsed);
        assertEquals(2, parsed.attempt());
        assertTrue(parsed.resumed() && parsed.slowLane());
        assertEquals(Optional.of(second), parsed.notBefore());
        assertEquals(FIRST.deliveryId(), parsed.deliveryId());
        assertEquals(FIRST.tenantEpoch(), parsed.tenantEpoch());
        assertFalse(parsed.deadLettered());
    }

    @Test
    void theDeadLetterCopyLeavesTheLaneAndTheSecondBehind() {
        Delivery copy = FIRST.requeuedCopy(0, false, true, Optional.of(Instant.EPOCH)).deadLetterCopy();
        assertTrue(copy.deadLettered());
        assertFalse(copy.slowLane());
        assertEquals(Optional.empty(), copy.notBefore());
    }

    @Test
    void theBodyCarriesOnlyTheIncludedResourcesTheWebhookAsksFor() {
        Delivery order = new Delivery("msg_2", "wh_1", "company-1", "evt-2", 0, (ObjectNode) Json.parse("""
                {"type": "order.create", "data": {"guid": "ord-1"},
                 "included": {"event": {"name": "Festival"}, "shop": {"name": "Box office"}}}"""), 42, false, false);

        assertEquals(Json.parse("""
                {"type": "order.create", "data": {"guid": "ord-1"}, "included": {"shop": {"name": "Box office"}}}"""),
                order.body(List.of("shop")));
        assertEquals("{\"event\":{\"name\":\"Festival\"},\"shop\":{\"name\":\"Box office\"}}",
                Json.write(order.body(List.of("shop", "event")).get("included")), "in the payload's order, whatever the webhook's");
        assertEquals(Json.parse("{\"type\": \"order.create\", \"data\": {\"guid\": \"ord-1\"}}"), order.body(List.of()));
        assertFalse(order.body(List.of("ticket")).has("included"), "none of those it asks for came with the event");
        assertEquals(2, order.payload().get("included").size(), "the payload keeps them all for replays");
        assertSame(FIRST.payload(), FIRST.body(List.of("event")), "a payload without included is sent as it is");
    }

    @Test
    void commandsCarryTheTenantEpochTheirSenderRead() {
        ReplayParked replay = (ReplayParked) DeliveryMessages.parse(
                DeliveryMessages.replayCommand("wh_1", "company-1", 7, Optional.of("cursor-1")));
        assertEquals(new ReplayParked("wh_1", "company-1", 7, Optional.of("cursor-1")), replay);
    }

    @Test
    void aMessageWithoutAnEpochReadsAsEpochZeroAndABadSecondIsRefused() {
        String old = "{\"delivery_id\":\"msg_1\",\"webhook_id\":\"wh_1\",\"company_id\":\"c\",\"event_id\":\"e\","
                + "\"attempt\":0,\"payload\":{}}";
        assertEquals(0, ((Delivery) DeliveryMessages.parse(old)).tenantEpoch());
        String badSecond = old.replace("\"payload\"", "\"not_before\":\"soon\",\"payload\"");
        assertThrows(java.time.DateTimeException.class, () -> DeliveryMessages.parse(badSecond), "dead-lettered as invalid");
        assertThrows(InvalidMessage.class, () -> DeliveryMessages.parse("[]"));
    }
}
