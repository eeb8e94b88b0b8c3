package dev.hookline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCatalogTest {

    private final EventCatalog catalog = EventCatalog.standard();

    @Test
    void knowsTheSixResourcesAndSevenTriggersOfTheBrief() {
        assertEquals(List.of("event", "ticket", "product", "shop", "order", "scanner"), List.copyOf(catalog.resources()));
        assertEquals(java.util.Set.of("create", "update", "delete", "paid", "scan", "relation", "reorder"), catalog.triggers());
    }

    /** Every cell of seed 001's propagation table: source trigger → targets. */
    @ParameterizedTest(name = "{0}.{1} propagates to [{2}]")
    @CsvSource(delimiter = ';', value = {
            "event;create;", "event;update;", "event;delete;",
            "ticket;create;event", "ticket;update;event", "ticket;delete;event",
            "product;create;event", "product;update;event", "product;delete;event",
            "shop;paid;event ticket product", "shop;update;event", "shop;create;", "shop;delete;", "shop;reorder;",
            "order;create;event", "order;delete;event", "order;scan;event ticket product", "order;paid;",
            "scanner;relation;"})
    void propagatesExactlyAsTheSeedTableSays(String resource, String trigger, String targets) {
        List<String> expected = targets == null ? List.of() : List.of(targets.split(" "));
        assertEquals(expected, catalog.propagationTargets(new EventType(resource, trigger)));
    }

    @Test
    void propagatedTriggersAreSubscribableOnTheirTargetEvenWhenTheTargetNeverEmitsThem() {
        assertTrue(catalog.isSubscribable(new EventType("ticket", "paid")));
        assertFalse(catalog.isEmitted(new EventType("ticket", "paid")));
        assertTrue(catalog.isSubscribable(new EventType("event", "scan")));
        assertTrue(catalog.isSubscribable(new EventType("product", "scan")));
    }

    @Test
    void rejectsPairsNoResourceEmitsOrReceives() {
        assertFalse(catalog.isSubscribable(new EventType("scanner", "create")));
        assertFalse(catalog.isSubscribable(new EventType("event", "reorder")));
        assertFalse(catalog.isSubscribable(new EventType("invoice", "create")));
    }

    @Test
    void servesItselfAsDataWithTheFullPropagationTable() {
        JsonNode json = catalog.toJson();
        assertEquals(8, json.get("propagation").size());
        assertEquals(6, json.get("resources").size());
        JsonNode ticketPaid = null;
        for (JsonNode type : json.get("data")) {
            if (type.get("type").asText().equals("ticket.paid")) {
                ticketPaid = type;
            }
        }
        assertEquals("shop", ticketPaid.get("propagated_from").get(0).asText());
        assertFalse(ticketPaid.get("emitted_by_resource").asBoolean());
    }

    @Test
    void derivedTypesAreSubscribableNamedUpdatesOfTheirResource() {
        EventType soldOut = EventType.parse("ticket.sold_out");
        assertTrue(catalog.isSubscribable(soldOut));
        assertFalse(catalog.isEmitted(soldOut), "producers send ticket.update");
        assertTrue(catalog.subscribableTriggers().containsAll(java.util.Set.of("update", "sold_out", "price_changed")));
        assertFalse(catalog.triggers().contains("sold_out"), "triggers stay what producers may send");
        assertEquals(List.of("ticket.sold_out", "ticket.price_changed"), catalog.derivedFrom(EventType.parse("ticket.update"))
                .stream().map(derived -> derived.type().toString()).toList());
        assertEquals(List.of(), catalog.derivedFrom(EventType.parse("ticket.create")));
    }

    @Test
    void servesTheDerivedTypesWithTheirBaseAndChangeFilter() {
        JsonNode soldOut = catalog.toJson().get("derived").get(0);
        assertEquals(Json.parse("""
                {"type": "ticket.sold_out", "resource": "ticket", "trigger": "sold_out", "base": "ticket.update",
                 "description": "A ticket type sold out: an update that changed its status to sold_out.",
                 "change_filter": [{"field": "status", "to": "sold_out"}]}"""), soldOut);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a trigger's name|{\"type\": \"ticket.create\", \"change_filter\": [{\"field\": \"status\"}]}",
            "a resource without updates|{\"type\": \"order.refunded\", \"change_filter\": [{\"field\": \"status\"}]}",
            "an unknown resource|{\"type\": \"invoice.sent\", \"change_filter\": [{\"field\": \"status\"}]}",
            "no change filter|{\"type\": \"ticket.touched\"}",
            "a malformed change filter|{\"type\": \"ticket.touched\", \"change_filter\": [{\"to\": 1}]}"})
    void refusesDerivedTypesThatAreNotNewNamesForFilteredUpdates(String problem, String row) {
        JsonNode broken = Json.parse("""
                {"resources": {"ticket": {"triggers": ["create", "update"]}, "order": {"triggers": ["create"]}},
                 "derived": [%s]}""".formatted(row));
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(broken));
    }

    @Test
    void refusesTwoDerivedTypesOfOneName() {
        String row = "{\"type\": \"ticket.sold_out\", \"change_filter\": [{\"field\": \"status\"}]}";
        JsonNode broken = Json.parse("""
                {"resources": {"ticket": {"triggers": ["update"]}}, "derived": [%s, %s]}""".formatted(row, row));
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(broken));
    }

    @Test
    void refusesATableWhosePropagationNamesAnUnknownResource() {
        JsonNode broken = Json.parse("""
                {"resources": {"event": {"triggers": ["create"]}},
                 "propagation": [{"source": "ticket", "target": "event", "triggers": ["create"]}]}""");
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(broken));
    }
}
