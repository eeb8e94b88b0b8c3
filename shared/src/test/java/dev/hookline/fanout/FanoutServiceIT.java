package dev.hookline.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.fanout.FanoutService.Duplicate;
import dev.hookline.fanout.FanoutService.FannedOut;
import dev.hookline.fanout.FanoutService.Outcome;
import dev.hookline.fanout.FanoutService.Parked;
import dev.hookline.json.Json;
import dev.hookline.storage.FanoutLedger;
import dev.hookline.testing.DeliveryQueueMessages;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TestStack.FanoutQueues;
import dev.hookline.testing.TestStack;
import dev.hookline.webhooks.WebhookService;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The fan-out on DynamoDB Local and ElasticMQ: webhooks created through the registry, deliveries read off the queue. */
class FanoutServiceIT {

    private static final Duration A_MINUTE = Duration.ofMinutes(1);
    private static final String EVENT_GUID = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    private static final String TICKET_GUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    private static TestStack stack;
    private static WebhookService webhooks;

    private FanoutQueues queues;
    private FanoutService fanout;
    private String company;

    @BeforeAll
    static void startStack() {
        stack = TestStack.create();
        webhooks = stack.services().webhooks();
    }

    @BeforeEach
    void freshQueuesAndTenant() {
        queues = stack.createFanoutQueues();
        fanout = stack.services().fanout(queues.config());
        company = "company-" + UUID.randomUUID();
    }

    private String webhook(String json) {
        return webhooks.create(TestStack.admin(company), Json.parse(json), Optional.empty()).webhook().id();
    }

    private String webhook(String events, String identifier, boolean propagation) {
        return webhook("""
                {"name": "hook", "url": "https://hooks.example.com/in", "events": %s, "identifier": "%s",
                 "triggered_by_child_resources": %s}""".formatted(events, identifier, propagation));
    }

    private ObjectNode ticketCreate() {
        return sample("resource-event-ticket-create.json");
    }

    /** The sample update: status active → sold_out, price 2500 → 2750. */
    private ObjectNode ticketUpdate() {
        return sample("resource-event-ticket-update.json");
    }

    /** A sample producer event of this test's tenant, with a fresh event id. */
    private ObjectNode sample(String file) {
        try {
            ObjectNode event = (ObjectNode) Json.parse(Files.readString(RepoFiles.resolve("events/" + file)));
            event.put("company_id", company);
            event.put("event_id", "evt-" + UUID.randomUUID());
            return event;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Outcome process(String body) {
        return fanout.process(new IngestMessage(UUID.randomUUID().toString(), body), A_MINUTE);
    }

    private List<JsonNode> deliveries() {
        return DeliveryQueueMessages.deliveries(stack.drain(queues.delivery()));
    }

    /** webhook id → "resource/direct|propagated", the shape a receiver sees in payload.webhook. */
    private static Map<String, String> byWebhook(List<JsonNode> deliveries) {
        Map<String, String> matched = new TreeMap<>();
        for (JsonNode delivery : deliveries) {
            JsonNode webhook = delivery.get("payload").get("webhook");
            matched.put(delivery.get("webhook_id").asText(),
                    webhook.get("resource").asText() + "/" + (webhook.get("propagated").asBoolean() ? "propagated" : "direct"));
        }
        return matched;
    }

    @Test
    void anEventBecomesExactlyOneDeliveryPerMatchingWebhook() {
        String anyTicket = webhook("[\"ticket.create\"]", "", false);
        String thisTicket = webhook("[\"ticket.create\"]", TICKET_GUID, false);
        webhook("[\"ticket.create\"]", "another-ticket", false);
        String thisEvent = webhook("[\"event.create\"]", EVENT_GUID, true);
        webhook("[\"event.create\"]", "another-event", true);
        webhook("[\"event.create\"]", "", false);
        String both = webhook("[\"ticket.create\", \"event.create\"]", "", true);
        webhook("""
                {"name": "off", "url": "https://hooks.example.com/in", "events": ["ticket.create"], "active": false}""");
        ObjectNode event = ticketCreate();

        Outcome outcome = process(Json.write(event));

        List<JsonNode> deliveries = deliveries();
        assertEquals(new FannedOut(event.get("event_id").asText(), 0, 4, false), outcome);
        assertEquals(Map.of(anyTicket, "ticket/direct", thisTicket, "ticket/direct", thisEvent, "event/propagated",
                both, "ticket/direct"), byWebhook(deliveries));
        for (JsonNode delivery : deliveries) {
            assertEquals(DeliveryIds.forEvent(event.get("event_id").asText(), delivery.get("webhook_id").asText(),
                    Instant.parse(event.get("occurred_at").asText())), delivery.get("delivery_id").asText());
            assertEquals(company, delivery.get("company_id").asText());
            assertEquals(0, delivery.get("attempt").asInt());
            JsonNode payload = delivery.get("payload");
            assertEquals("ticket.create", payload.get("type").asText());
            assertEquals("2026-11-23T10:30:00Z", payload.get("timestamp").asText());
            assertEquals(event.get("data"), payload.get("data"));
        }
    }

    @Test
    void anInvalidMessageIsParkedWithItsReasonAndCountsAsHandled() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode event = ticketCreate();
        event.put("resource", "invoice");
        String body = Json.write(event);

        Outcome outcome = fanout.process(new IngestMessage("message-7", body), A_MINUTE);

        assertEquals(new Parked("unknown_resource"), outcome);
        List<Message> parked = stack.drain(queues.parking());
        assertEquals(1, parked.size());
        Message message = parked.get(0);
        assertEquals(body, message.body(), "parked unchanged, ready to re-drive");
        assertEquals("unknown_resource", message.messageAttributes().get("hookline-reason").stringValue());
        assertEquals("resource: Not a resource of the event catalogue.", message.messageAttributes().get("hookline-detail").stringValue());
        assertEquals("message-7", message.messageAttributes().get("hookline-source-message-id").stringValue());
        Instant.parse(message.messageAttributes().get("hookline-parked-at").stringValue());
        assertEquals(List.of(), deliveries());
    }

    @Test
    void anEventsIncludedResourcesTravelInEachOfItsDeliveriesForTheDeliveryFunctionToChooseFrom() {
        String orders = webhook("""
                {"name": "orders", "url": "https://hooks.example.com/in", "events": ["order.create"],
                 "include_resources": ["shop"]}""");
        String events = webhook("[\"event.create\"]", "", true);
        ObjectNode event = sample("resource-event-order-create.json");

        assertEquals(new FannedOut(event.get("event_id").asText(), 0, 2, false), process(Json.write(event)));

        List<JsonNode> deliveries = deliveries();
        assertEquals(Map.of(orders, "order/direct", events, "event/propagated"), byWebhook(deliveries));
        for (JsonNode delivery : deliveries) {
            assertEquals(event.get("included"), delivery.get("payload").get("included"));
        }
    }

    @Test
    void anEventIncludingAResourceItsResourceDoesNotRelateToIsParkedNamingIt() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode event = ticketCreate();
        ((ObjectNode) event.get("related")).put("shop", "shop-1");
        event.set("included", Json.parse("{\"shop\": {\"name\": \"Box office\"}}"));

        assertEquals(new Parked("invalid_field"), process(Json.write(event)));

        List<Message> parked = stack.drain(queues.parking());
        assertEquals(1, parked.size());
        assertEquals("included.shop: Not a resource the event catalogue relates to ticket.",
                parked.get(0).messageAttributes().get("hookline-detail").stringValue());
        assertEquals(List.of(), deliveries());
    }

    @Test
    void jsonNestedBeyondTheParserLimitIsParkedWithItsReasonInsteadOfFailingTheMessage() {
        webhook("[\"ticket.create\"]", "", false);
        String body = "{\"data\": " + "[".repeat(1001) + "]".repeat(1001) + "}";

        assertEquals(new Parked("json_limit_exceeded"), process(body));

        Message parked = stack.drain(queues.parking()).get(0);
        assertEquals(body, parked.body());
        assertTrue(parked.messageAttributes().get("hookline-detail").stringValue().contains("1000 levels"));
        assertEquals(List.of(), deliveries());
    }

    @Test
    void eventDataAtTheNestingLimitIsFannedOutAndOneLevelDeeperIsParked() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode atLimit = ticketCreate();
        // The message object is level 1 and data level 2: 98 arrays inside data make 100 levels.
        atLimit.set("data", Json.parse("{\"x\": " + "[".repeat(98) + "]".repeat(98) + "}"));
        ObjectNode beyond = ticketCreate();
        beyond.put("event_id", "evt-too-deep");
        beyond.set("data", Json.parse("{\"x\": " + "[".repeat(99) + "]".repeat(99) + "}"));

        assertTrue(process(Json.write(atLimit)) instanceof FanoutService.FannedOut);
        assertEquals(new Parked("too_deep"), process(Json.write(beyond)));
        assertEquals(1, deliveries().size());
    }

    @Test
    void aMessageTooBigToParkWholeIsParkedTruncatedAndSaysSo() {
        String body = "x".repeat(300_000);

        assertEquals(new Parked("malformed_json"), process(body));

        Message parked = stack.drain(queues.parking()).get(0);
        assertTrue(body.startsWith(parked.body()));
        assertTrue(parked.body().length() < 256 * 1024 - 1024, "room left for the attributes");
        assertEquals("300000", parked.messageAttributes().get("hookline-truncated-from-bytes").stringValue());
    }

    @Test
    void aDuplicateEventIsFannedOutOnce() {
        webhook("[\"ticket.create\"]", "", false);
        webhook("[\"event.create\"]", "", true);
        String body = Json.write(ticketCreate());

        assertInstanceOf(FannedOut.class, process(body));
        assertInstanceOf(Duplicate.class, process(body));
        assertInstanceOf(Duplicate.class, fanout.process(new IngestMessage("sns-copy", snsNotification(body)), A_MINUTE));

        assertEquals(2, deliveries().size());
    }

    @Test
    void aBatchFansOutEveryEventAndTwoCopiesOfOneEventOnce() {
        String hook = webhook("[\"ticket.create\"]", "", false);
        List<IngestMessage> batch = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            batch.add(new IngestMessage("message-" + i, Json.write(ticketCreate())));
        }
        ObjectNode repeated = ticketCreate();
        batch.add(new IngestMessage("copy-a", Json.write(repeated)));
        batch.add(new IngestMessage("copy-b", Json.write(repeated)));
        batch.add(new IngestMessage("invalid", "{\"company_id\": \"" + company + "\"}"));

        Map<String, Outcome> outcomes = fanout.process(batch, A_MINUTE);

        assertEquals(batch.stream().map(IngestMessage::messageId).toList(), List.copyOf(outcomes.keySet()), "batch order");
        assertEquals(10, outcomes.values().stream().filter(FannedOut.class::isInstance).count());
        assertEquals(new Duplicate(repeated.get("event_id").asText(), 0), outcomes.get("copy-b"));
        assertInstanceOf(Parked.class, outcomes.get("invalid"));
        List<JsonNode> deliveries = deliveries();
        assertEquals(10, deliveries.size());
        assertEquals(Set.of(hook), deliveries.stream().map(d -> d.get("webhook_id").asText()).collect(Collectors.toSet()));
        assertEquals(Set.of(), fanout.processAll(batch.subList(0, 2), A_MINUTE), "fanned out already: duplicates, handled");
        assertEquals(List.of(), deliveries());
    }

    @Test
    void anEventsDeliveriesTravelInGroupsOfFiveAndALoneOneAsAPlainMessage() {
        for (int i = 0; i < 6; i++) {
            webhook("[\"ticket.create\"]", "", false);
        }
        process(Json.write(ticketCreate()));

        List<Message> messages = stack.drain(queues.delivery());
        List<Integer> sizes = messages.stream().map(m -> Json.parse(m.body()))
                .map(body -> body.has("deliveries") ? body.get("deliveries").size() : 1).sorted().toList();
        assertEquals(List.of(1, 5), sizes);
        assertTrue(messages.stream().map(m -> Json.parse(m.body())).anyMatch(body -> body.has("delivery_id")),
                "a group of one is a plain delivery message");
        assertEquals(6, DeliveryQueueMessages.deliveries(messages).stream().map(d -> d.get("delivery_id").asText())
                .distinct().count());
    }

    @Test
    void theCachedIndexSeesEveryChangeOfTheTenantsWebhooksAtOnce() {
        String first = webhook("[\"ticket.create\"]", "", false);
        assertEquals(1, ((FannedOut) process(Json.write(ticketCreate()))).deliveries());
        assertEquals(Set.of(first), webhookIds(deliveries()));

        String second = webhook("[\"ticket.create\"]", "", false);
        process(Json.write(ticketCreate()));
        assertEquals(Set.of(first, second), webhookIds(deliveries()), "created after the index was cached");

        webhooks.update(TestStack.admin(company), first, Json.parse("{\"active\": false}"), Optional.empty());
        process(Json.write(ticketCreate()));
        assertEquals(Set.of(second), webhookIds(deliveries()), "deactivated after the index was cached");

        webhooks.delete(TestStack.admin(company), second, Optional.empty());
        assertEquals(0, ((FannedOut) process(Json.write(ticketCreate()))).deliveries(), "deleted after the index was cached");
    }

    @Test
    void anUpdateReachesExactlyTheWebhooksWhoseChangeFiltersAndDerivedTypesItPasses() {
        String everyUpdate = webhook("[\"ticket.update\"]", "", false);
        String soldOut = webhook("""
                {"name": "sold out", "url": "https://hooks.example.com/in", "events": ["ticket.update"],
                 "change_filter": [{"field": "status", "from": "active", "to": "sold_out"}]}""");
        webhook("""
                {"name": "capacity", "url": "https://hooks.example.com/in", "events": ["ticket.update"],
                 "change_filter": [{"field": "capacity"}]}""");
        String priceFromEvent = webhook("""
                {"name": "prices of one event", "url": "https://hooks.example.com/in", "resource": "event", "trigger": "update",
                 "identifier": "%s", "triggered_by_child_resources": true, "change_filter": [{"field": "price", "to": 2750}]}"""
                .formatted(EVENT_GUID));
        String derived = webhook("[\"ticket.sold_out\"]", TICKET_GUID, false);
        webhook("[\"ticket.price_changed\"]", "another-ticket", false);
        webhook("[\"event.status_changed\"]", "", false);
        ObjectNode event = ticketUpdate();

        Outcome outcome = process(Json.write(event));

        List<JsonNode> deliveries = deliveries();
        assertEquals(new FannedOut(event.get("event_id").asText(), 0, 4, false), outcome);
        assertEquals(Map.of(everyUpdate, "ticket/direct", soldOut, "ticket/direct", priceFromEvent, "event/propagated",
                derived, "ticket/direct"), byWebhook(deliveries));
        for (JsonNode delivery : deliveries) {
            JsonNode payload = delivery.get("payload");
            assertEquals("ticket.update", payload.get("type").asText(), "the event's type, whatever the webhook is on");
            assertEquals(event.get("changes"), payload.get("changes"));
            assertEquals(event.get("data"), payload.get("data"));
        }
    }

    @Test
    void anUpdateCarriesWhatItIncludedToTheWebhooksWhoseDerivedTypeOrFilterItPasses() {
        String soldOut = webhook("""
                {"name": "sold out", "url": "https://hooks.example.com/in", "events": ["ticket.sold_out"],
                 "include_resources": ["event"]}""");
        webhook("""
                {"name": "capacity", "url": "https://hooks.example.com/in", "events": ["ticket.update"],
                 "change_filter": [{"field": "capacity"}], "include_resources": ["event"]}""");
        String price = webhook("""
                {"name": "price", "url": "https://hooks.example.com/in", "events": ["ticket.update"],
                 "change_filter": [{"field": "price"}]}""");
        ObjectNode event = ticketUpdate();
        event.set("included", Json.parse("{\"event\": {\"name\": \"Festival\"}}"));

        assertEquals(new FannedOut(event.get("event_id").asText(), 0, 2, false), process(Json.write(event)));

        List<JsonNode> deliveries = deliveries();
        assertEquals(Map.of(soldOut, "ticket/direct", price, "ticket/direct"), byWebhook(deliveries));
        for (JsonNode delivery : deliveries) {
            assertEquals(event.get("included"), delivery.get("payload").get("included"),
                    "the delivery function narrows it per webhook as it sends");
            assertEquals(event.get("changes"), delivery.get("payload").get("changes"));
        }
    }

    @Test
    void theCachedIndexSeesAChangedFilterAtOnce() {
        String webhook = webhook("""
                {"name": "price", "url": "https://hooks.example.com/in", "events": ["ticket.update"],
                 "change_filter": [{"field": "price"}]}""");
        process(Json.write(ticketUpdate()));
        assertEquals(Set.of(webhook), webhookIds(deliveries()));

        webhooks.update(TestStack.admin(company), webhook, Json.parse("""
                {"change_filter": [{"field": "status", "to": "paused"}]}"""), Optional.empty());
        assertEquals(0, ((FannedOut) process(Json.write(ticketUpdate()))).deliveries(), "filtered out after the index was cached");
        webhooks.update(TestStack.admin(company), webhook, Json.parse("{\"change_filter\": null}"), Optional.empty());
        assertEquals(1, ((FannedOut) process(Json.write(ticketUpdate()))).deliveries());
    }

    private static Set<String> webhookIds(List<JsonNode> deliveries) {
        return deliveries.stream().map(d -> d.get("webhook_id").asText()).collect(Collectors.toSet());
    }

    @Test
    void withoutAProducerEventIdTheRedeliveredMessageIsTheDuplicate() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode event = ticketCreate();
        event.remove("event_id");
        IngestMessage message = new IngestMessage(UUID.randomUUID().toString(), Json.write(event));

        FannedOut first = assertInstanceOf(FannedOut.class, fanout.process(message, A_MINUTE));
        assertEquals(new Duplicate(message.messageId(), 0), fanout.process(message, A_MINUTE));

        assertEquals(message.messageId(), first.eventId());
        assertEquals(1, deliveries().size());
    }

    @Test
    void anyCopyFansOutAnEventTheLedgerDoesNotHoldAndLaterCopiesAreDuplicates() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode event = ticketCreate();
        String eventId = event.get("event_id").asText();
        // message-1's fan-out died before its ledger write: its copy re-driven as message-2 fans the event out.
        assertEquals(new FannedOut(eventId, 0, 1, false), fanout.process(new IngestMessage("message-2", Json.write(event)), A_MINUTE));
        assertEquals(new Duplicate(eventId, 0), fanout.process(new IngestMessage("message-1", Json.write(event)), A_MINUTE));
        assertEquals(1, deliveries().size());
    }

    @Test
    void aLedgerEntryOlderThanTheDedupeWindowNoLongerMakesADuplicate() {
        webhook("[\"ticket.create\"]", "", false);
        ObjectNode event = ticketCreate();
        String eventId = event.get("event_id").asText();
        ledger().record(List.of(new FanoutLedger.Entry(new FanoutLedger.Key(company, eventId, 0), 1)),
                Instant.now().minus(Duration.ofDays(2)), Duration.ofHours(24));

        assertEquals(new FannedOut(eventId, 0, 1, false), fanout.process(new IngestMessage("message-1", Json.write(event)), A_MINUTE));
    }

    private static FanoutLedger ledger() {
        return new FanoutLedger(stack.clients().dynamoDb(), stack.webhooksTable());
    }

    @Test
    void anSnsWrappedEventIsUnwrapped() {
        String direct = webhook("[\"ticket.create\"]", "", false);

        assertInstanceOf(FannedOut.class, process(snsNotification(Json.write(ticketCreate()))));

        assertEquals(Map.of(direct, "ticket/direct"), byWebhook(deliveries()));
    }

    @Test
    void aLargeFanOutContinuesInPartsWithoutGapsOrRepeats() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            expected.add(webhook(i % 2 == 0 ? "[\"ticket.create\"]" : "[\"event.create\"]", "", i % 2 == 1));
        }
        fanout = stack.services().fanout(queues.config().withMaxDeliveriesPerPart(3));
        ObjectNode event = ticketCreate();

        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(process(Json.write(event)));
        List<Message> continuations;
        while (!(continuations = stack.drain(queues.ingest())).isEmpty()) {
            for (Message continuation : continuations) {
                outcomes.add(process(continuation.body()));
                // SQS may deliver a continuation twice: the copy is a duplicate.
                assertInstanceOf(Duplicate.class, process(continuation.body()));
            }
        }

        String eventId = event.get("event_id").asText();
        assertEquals(List.of(new FannedOut(eventId, 0, 3, true), new FannedOut(eventId, 1, 3, true),
                new FannedOut(eventId, 2, 2, false)), outcomes);
        List<JsonNode> deliveries = deliveries();
        assertEquals(8, deliveries.size());
        assertEquals(expected, deliveries.stream().map(d -> d.get("webhook_id").asText()).collect(Collectors.toSet()));
    }

    @Test
    void outOfTimeAPartStillMakesProgressAndContinues() {
        webhook("[\"ticket.create\"]", "", false);
        webhook("[\"ticket.create\"]", "", false);

        Outcome outcome = fanout.process(new IngestMessage("late", Json.write(ticketCreate())), Duration.ZERO);

        assertEquals(1, ((FannedOut) outcome).deliveries());
        assertTrue(((FannedOut) outcome).continued());
        assertEquals(1, stack.drain(queues.ingest()).size());
    }

    private static String snsNotification(String message) {
        ObjectNode sns = Json.object();
        sns.put("Type", "Notification");
        sns.put("MessageId", UUID.randomUUID().toString());
        sns.put("TopicArn", "arn:aws:sns:us-east-1:000000000000:resource-events");
        sns.put("Message", message);
        return Json.write(sns);
    }
}
