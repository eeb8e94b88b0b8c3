package dev.hookline.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import java.util.List;
import java.util.Set;
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
    void relatesEachResourceToThoseItsPropagationReachesAndAnOrderToItsShop() {
        assertEquals(Set.of(), catalog.related("event"));
        assertEquals(Set.of("event"), catalog.related("ticket"));
        assertEquals(Set.of("event"), catalog.related("product"));
        assertEquals(Set.of("event", "ticket", "product"), catalog.related("shop"));
        assertEquals(Set.of("event", "shop", "ticket", "product"), catalog.related("order"));
        assertEquals(Set.of(), catalog.related("scanner"));
        for (EventCatalog.Propagation row : catalog.propagations()) {
            assertTrue(catalog.related(row.source()).contains(row.target()), row.toString());
        }
    }

    @Test
    void aWebhookMayIncludeWhatTheEventsReachingItRelateTo() {
        assertEquals(Set.of("event"), catalog.includable(List.of(EventType.parse("ticket.create")), false));
        assertEquals(Set.of(), catalog.includable(List.of(EventType.parse("event.create")), false));
        assertEquals(Set.of("event", "shop", "ticket", "product"),
                catalog.includable(List.of(EventType.parse("event.create")), true), "ticket, product and order creates reach it");
        assertEquals(Set.of("event", "ticket", "product"), catalog.includable(List.of(EventType.parse("ticket.paid")), true),
                "only shop.paid reaches a ticket.paid webhook");
        assertEquals(Set.of(), catalog.includable(List.of(EventType.parse("ticket.paid")), false), "no ticket emits paid");
        assertEquals(Set.of("event", "shop", "ticket", "product"),
                catalog.includable(List.of(EventType.parse("ticket.create"), EventType.parse("order.paid")), false));
    }

    @Test
    void servesEachResourcesRelations() {
        for (JsonNode resource : catalog.toJson().get("resources")) {
            Set<String> related = new java.util.HashSet<>();
            resource.get("related").forEach(name -> related.add(name.asText()));
            assertEquals(catalog.related(resource.get("resource").asText()), related);
        }
    }

    @Test
    void aResourceWithoutRelatedInAnOlderTableRelatesToWhereItPropagates() {
        EventCatalog older = EventCatalog.fromJson(Json.parse("""
                {"resources": {"event": {"triggers": ["create"]}, "ticket": {"triggers": ["create"]},
                               "shop": {"triggers": ["paid"]}},
                 "propagation": [{"source": "ticket", "target": "event", "triggers": ["create"]},
                                 {"source": "shop", "target": "event", "triggers": ["paid"]},
                                 {"source": "shop", "target": "ticket", "triggers": ["paid"]}]}"""));
        assertEquals(Set.of("event"), older.related("ticket"));
        assertEquals(Set.of("event", "ticket"), older.related("shop"));
        assertEquals(Set.of(), older.related("event"));
    }

    @Test
    void refusesATableWhosePropagationRunsBetweenUnrelatedResources() {
        JsonNode broken = Json.parse("""
                {"resources": {"event": {"triggers": ["create"]}, "ticket": {"triggers": ["create"], "related": []}},
                 "propagation": [{"source": "ticket", "target": "event", "triggers": ["create"]}]}""");
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(broken));
        JsonNode unknown = Json.parse("""
                {"resources": {"ticket": {"triggers": ["create"], "related": ["venue"]}}, "propagation": []}""");
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(unknown));
    }

    @Test
    void aWebhookOnADerivedTypeMayIncludeWhatItsBaseUpdateMay() {
        assertEquals(catalog.includable(List.of(EventType.parse("ticket.update")), false),
                catalog.includable(List.of(EventType.parse("ticket.sold_out")), false));
        assertEquals(Set.of("event"), catalog.includable(List.of(EventType.parse("ticket.sold_out")), false),
                "a sold-out ticket's update may carry its event");
        assertEquals(Set.of(), catalog.includable(List.of(EventType.parse("event.status_changed")), false));
        assertEquals(catalog.includable(List.of(EventType.parse("event.update")), true),
                catalog.includable(List.of(EventType.parse("event.status_changed")), true),
                "ticket, product and shop updates reach it through propagation");
    }

    @Test
    void theBundledTableHasBothRelationsAndDerivedTypes() {
        JsonNode json = catalog.toJson();
        assertEquals(3, json.get("derived").size());
        for (JsonNode resource : json.get("resources")) {
            assertTrue(resource.get("related").isArray(), resource.toString());
        }
        EventCatalog both = EventCatalog.fromJson(Json.parse("""
                {"resources": {"event": {"triggers": ["update"], "related": []},
                               "ticket": {"triggers": ["update"], "related": ["event"]}},
                 "propagation": [{"source": "ticket", "target": "event", "triggers": ["update"]}],
                 "derived": [{"type": "ticket.sold_out", "change_filter": [{"field": "status", "to": "sold_out"}]}]}"""));
        assertEquals(Set.of("event"), both.related("ticket"));
        assertEquals(Set.of("event"), both.includable(List.of(EventType.parse("ticket.sold_out")), false));
        assertTrue(both.isSubscribable(EventType.parse("ticket.sold_out")));
    }

    @Test
    void refusesATableWhosePropagationNamesAnUnknownResource() {
        JsonNode broken = Json.parse("""
                {"resources": {"event": {"triggers": ["create"]}},
                 "propagation": [{"source": "ticket", "target": "event", "triggers": ["create"]}]}""");
        assertThrows(IllegalArgumentException.class, () -> EventCatalog.fromJson(broken));
    }
}
