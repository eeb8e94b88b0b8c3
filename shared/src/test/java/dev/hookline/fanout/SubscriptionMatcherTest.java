package dev.hookline.fanout;

import static dev.hookline.fanout.InMemoryIndex.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.Webhook;
import dev.hookline.rules.EventCatalog;
import dev.hookline.storage.WebhookStore.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubscriptionMatcherTest {

    private static final String COMPANY = "company-1";
    private static final EventCatalog CATALOG = EventCatalog.standard();
    private static final List<String> RESOURCES = List.of("event", "ticket", "product", "shop", "order", "scanner");

    /**
     * Seed 001's table, copied cell by cell (row: the resource that triggers; column: where it propagates), so
     * this test checks the shipped catalogue against the seed rather than against itself.
     */
    private static final Map<String, Map<String, Set<String>>> SEED_TABLE = Map.of(
            "event", Map.of(),
            "ticket", Map.of("event", Set.of("create", "update", "delete")),
            "product", Map.of("event", Set.of("create", "update", "delete")),
            "shop", Map.of("event", Set.of("paid", "update"), "ticket", Set.of("paid"), "product", Set.of("paid")),
            "order", Map.of("event", Set.of("create", "delete", "scan"), "ticket", Set.of("scan"), "product", Set.of("scan")),
            "scanner", Map.of());

    private static ResourceEvent event(String type, String resourceId, Map<String, String> related) {
        return new ResourceEvent("evt-1", COMPANY, EventType.parse(type), resourceId, related,
                Instant.parse("2026-11-23T10:30:00Z"), Json.object(), Optional.empty(), Map.of());
    }

    /** A ticket update with the producer contract's sample changes: status active → sold_out, price 2500 → 2750. */
    private static ResourceEvent ticketSoldOut() {
        return new ResourceEvent("evt-1", COMPANY, EventType.parse("ticket.update"), "tkt-1", Map.of("event", "evt-1"),
                Instant.parse("2026-11-23T10:30:00Z"), Json.object(), Optional.of((ObjectNode) Json.parse("""
                        {"status": {"from": "active", "to": "sold_out"}, "price": {"from": 2500, "to": 2750}}""")), Map.of());
    }

    private static Webhook filtered(Webhook webhook, String changeFilter) {
        return webhook.toBuilder().changeFilter(ChangeFilter.fromJson(Json.parse(changeFilter))).revise(webhook.createdAt());
    }

    private static List<Subscription> matches(InMemoryIndex index, ResourceEvent event) {
        List<Subscription> matches = new ArrayList<>();
        new SubscriptionMatcher(CATALOG, index).matches(event, null).forEachRemaining(matches::add);
        return matches;
    }

    private static List<String> ids(List<Subscription> matches) {
        return matches.stream().map(Subscription::webhookId).toList();
    }

    /** Every trigger of every row against every column, the empty cells included. */
    static Stream<Arguments> everyCellOfTheSeedTable() {
        List<Arguments> cells = new ArrayList<>();
        for (String source : RESOURCES) {
            for (String trigger : CATALOG.triggers()) {
                if (!CATALOG.isEmitted(new EventType(source, trigger))) {
                    continue;
                }
                for (String target : RESOURCES) {
                    boolean propagates = SEED_TABLE.get(source).getOrDefault(target, Set.of()).contains(trigger);
                    cells.add(Arguments.of(source, trigger, target, propagates));
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0}.{1} reaches opted-in {2}.{1} webhooks: {3}")
    @MethodSource("everyCellOfTheSeedTable")
    void propagatesExactlyAlongTheSeedTable(String source, String trigger, String target, boolean propagates) {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("a-opted-in", COMPANY, List.of(target + "." + trigger), null, true))
                .add(webhook("b-not-opted-in", COMPANY, List.of(target + "." + trigger), null, false));
        Map<String, String> related = new LinkedHashMap<>();
        RESOURCES.stream().filter(resource -> !resource.equals(source)).forEach(resource -> related.put(resource, resource + "-1"));

        List<Subscription> matches = matches(index, event(source + "." + trigger, source + "-1", related));

        EventType registeredOn = new EventType(target, trigger);
        if (target.equals(source)) {
            assertEquals(List.of(new Subscription("a-opted-in", registeredOn, false, ChangeFilter.NONE),
                    new Subscription("b-not-opted-in", registeredOn, false, ChangeFilter.NONE)), matches, "same resource: a direct match");
        } else if (propagates) {
            assertEquals(List.of(new Subscription("a-opted-in", registeredOn, true, ChangeFilter.NONE)), matches);
        } else {
            assertEquals(List.of(), matches);
        }
    }

    @Test
    void directMatchesAreWebhooksWithoutIdentifierOrWithTheResourceId() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("any-ticket", COMPANY, List.of("ticket.create"), null, false))
                .add(webhook("this-ticket", COMPANY, List.of("ticket.create"), "tkt-1", false))
                .add(webhook("other-ticket", COMPANY, List.of("ticket.create"), "tkt-2", false))
                .add(webhook("ticket-updates", COMPANY, List.of("ticket.update"), null, false));

        assertEquals(List.of("any-ticket", "this-ticket"), ids(matches(index, event("ticket.create", "tkt-1", Map.of()))));
        assertEquals(List.of("any-ticket", "other-ticket"), ids(matches(index, event("ticket.create", "tkt-2", Map.of()))));
    }

    @Test
    void propagatedMatchesCompareTheIdentifierWithTheRelatedTargetsId() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("all-events", COMPANY, List.of("event.create"), null, true))
                .add(webhook("event-1", COMPANY, List.of("event.create"), "evt-1", true))
                .add(webhook("event-2", COMPANY, List.of("event.create"), "evt-2", true))
                .add(webhook("ticket-id-as-identifier", COMPANY, List.of("event.create"), "tkt-1", true));

        assertEquals(List.of("all-events", "event-1"),
                ids(matches(index, event("ticket.create", "tkt-1", Map.of("event", "evt-1")))));
        assertEquals(List.of("all-events"), ids(matches(index, event("ticket.create", "tkt-1", Map.of()))),
                "without the related event's id only webhooks without identifier can match");
    }

    @Test
    void propagationKeepsTheTriggerAndReachesOnlyOptedInWebhooks() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("event-updates", COMPANY, List.of("event.update"), null, true))
                .add(webhook("event-creates-direct-only", COMPANY, List.of("event.create"), null, false))
                .add(webhook("event-creates", COMPANY, List.of("event.create"), null, true));

        List<Subscription> matches = matches(index, event("ticket.create", "tkt-1", Map.of("event", "evt-1")));

        assertEquals(List.of(new Subscription("event-creates", new EventType("event", "create"), true, ChangeFilter.NONE)), matches,
                "reached although no webhook listens to ticket.create");
    }

    @Test
    void inactiveAndDeletedWebhooksNeverMatch() {
        Webhook active = webhook("active", COMPANY, List.of("ticket.create", "event.create"), null, true);
        Instant now = Instant.parse("2026-11-20T00:00:00Z");
        InMemoryIndex index = new InMemoryIndex()
                .add(active)
                .add(webhook("inactive", COMPANY, List.of("ticket.create", "event.create"), null, true).toBuilder().active(false).revise(now))
                .add(webhook("deleted", COMPANY, List.of("ticket.create", "event.create"), null, true).toBuilder().deletedAt(now).revise(now));

        assertEquals(List.of("active"), ids(matches(index, event("ticket.create", "tkt-1", Map.of("event", "evt-1")))));
    }

    @Test
    void aWebhookMatchedDirectlyAndThroughPropagationGetsOneDirectMatch() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("both", COMPANY, List.of("event.create", "ticket.create"), null, true));

        assertEquals(List.of(new Subscription("both", new EventType("ticket", "create"), false, ChangeFilter.NONE)),
                matches(index, event("ticket.create", "tkt-1", Map.of("event", "evt-1"))));
    }

    @Test
    void aWebhookReachedThroughSeveralRowsGetsOneMatchFromTheFirstRow() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("scans", COMPANY, List.of("product.scan", "ticket.scan", "event.scan"), null, true))
                .add(webhook("ticket-scans", COMPANY, List.of("product.scan", "ticket.scan"), "tkt-1", true));

        assertEquals(List.of(new Subscription("scans", new EventType("event", "scan"), true, ChangeFilter.NONE),
                        new Subscription("ticket-scans", new EventType("ticket", "scan"), true, ChangeFilter.NONE)),
                matches(index, event("order.scan", "ord-1", Map.of("event", "evt-1", "ticket", "tkt-1", "product", "prd-1"))));
    }

    @Test
    void anUpdateReachesFilteredWebhooksOnlyWhenItsChangesPassTheirFilter() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("a-every-update", COMPANY, List.of("ticket.update"), null, false))
                .add(filtered(webhook("b-sold-out", COMPANY, List.of("ticket.update"), null, false),
                        "[{\"field\": \"status\", \"to\": \"sold_out\"}]"))
                .add(filtered(webhook("c-capacity", COMPANY, List.of("ticket.update"), null, false),
                        "[{\"field\": \"capacity\"}]"))
                .add(filtered(webhook("d-capacity-or-price", COMPANY, List.of("ticket.update"), "tkt-1", false),
                        "[{\"field\": \"capacity\"}, {\"field\": \"price\", \"from\": 2500}]"))
                .add(filtered(webhook("e-creates-and-capacity", COMPANY, List.of("ticket.create", "ticket.update"), null, false),
                        "[{\"field\": \"capacity\"}]"));

        assertEquals(List.of("a-every-update", "b-sold-out", "d-capacity-or-price"), ids(matches(index, ticketSoldOut())));
        assertEquals(List.of("e-creates-and-capacity"), ids(matches(index, event("ticket.create", "tkt-1", Map.of()))),
                "the filter narrows update types only");
        assertEquals(List.of("a-every-update"), ids(matches(index, event("ticket.update", "tkt-1", Map.of()))),
                "an update without changes passes no filter");
    }

    @Test
    void derivedTypesReachTheirWebhooksWhenTheUpdatePassesTheirCatalogueFilter() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("a-sold-out", COMPANY, List.of("ticket.sold_out"), null, false))
                .add(webhook("b-price", COMPANY, List.of("ticket.price_changed"), "tkt-1", false))
                .add(webhook("c-both", COMPANY, List.of("ticket.price_changed", "ticket.sold_out"), null, false))
                .add(webhook("d-other-ticket", COMPANY, List.of("ticket.sold_out"), "tkt-2", false))
                .add(webhook("e-event-status", COMPANY, List.of("event.status_changed"), null, true));

        List<Subscription> matches = matches(index, ticketSoldOut());

        assertEquals(List.of(new Subscription("a-sold-out", EventType.parse("ticket.sold_out"), false, ChangeFilter.NONE),
                new Subscription("b-price", EventType.parse("ticket.price_changed"), false, ChangeFilter.NONE),
                new Subscription("c-both", EventType.parse("ticket.sold_out"), false, ChangeFilter.NONE),
                new Subscription("e-event-status", EventType.parse("event.status_changed"), true, ChangeFilter.NONE)),
                matches, "once per webhook; propagated derived types test the ticket's changes");
        ResourceEvent paused = new ResourceEvent("evt-2", COMPANY, EventType.parse("ticket.update"), "tkt-1", Map.of(),
                Instant.parse("2026-11-23T10:30:00Z"), Json.object(), Optional.of((ObjectNode) Json.parse("""
                        {"status": {"from": "active", "to": "paused"}}""")), Map.of());
        assertEquals(List.of("e-event-status"), ids(matches(index, paused)), "a status change, but not to sold_out");
    }

    @Test
    void aWebhookFilteredOutOnOneEntryStillMatchesThroughAnother() {
        InMemoryIndex index = new InMemoryIndex()
                .add(filtered(webhook("capacity-or-sold-out", COMPANY, List.of("ticket.update", "ticket.sold_out"), null, false),
                        "[{\"field\": \"capacity\"}]"))
                .add(filtered(webhook("capacity-via-event", COMPANY, List.of("ticket.update", "event.update"), null, true),
                        "[{\"field\": \"capacity\"}]"));

        assertEquals(List.of(new Subscription("capacity-or-sold-out", EventType.parse("ticket.sold_out"), false, ChangeFilter.NONE)),
                matches(index, ticketSoldOut()), "the filter applies to propagated update entries too");
    }

    @Test
    void otherTenantsWebhooksNeverMatch() {
        InMemoryIndex index = new InMemoryIndex()
                .add(webhook("theirs", "company-2", List.of("ticket.create", "event.create"), null, true));

        assertEquals(List.of(), matches(index, event("ticket.create", "tkt-1", Map.of("event", "evt-1"))));
    }

    @Test
    void matchesComeInWebhookIdOrderAndResumeStrictlyAfterAnId() {
        InMemoryIndex index = new InMemoryIndex();
        for (String id : List.of("w3", "w1", "w5", "w2", "w4")) {
            boolean direct = id.compareTo("w3") <= 0;
            index.add(webhook(id, COMPANY, List.of(direct ? "ticket.delete" : "event.delete"), direct ? null : "evt-1", !direct));
        }
        ResourceEvent deleted = event("ticket.delete", "tkt-1", Map.of("event", "evt-1"));
        SubscriptionMatcher matcher = new SubscriptionMatcher(CATALOG, index);

        assertEquals(List.of("w1", "w2", "w3", "w4", "w5"), ids(matches(index, deleted)));
        List<String> rest = new ArrayList<>();
        Iterator<Subscription> resumed = matcher.matches(deleted, "w2");
        resumed.forEachRemaining(match -> rest.add(match.webhookId()));
        assertEquals(List.of("w3", "w4", "w5"), rest);
    }
}
