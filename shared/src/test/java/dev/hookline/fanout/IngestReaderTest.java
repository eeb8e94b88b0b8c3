package dev.hookline.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.fanout.IngestReader.Ingested;
import dev.hookline.fanout.IngestReader.Position;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import dev.hookline.rules.EventCatalog;
import dev.hookline.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IngestReaderTest {

    private static final String SQS_MESSAGE_ID = "059f36b4-87a3-44ab-83d2-661975830a7d";

    private final IngestReader reader = new IngestReader(EventCatalog.standard());

    private static String sample(String file) {
        try {
            return Files.readString(RepoFiles.resolve("events/" + file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ticketCreateText() {
        return sample("resource-event-ticket-create.json");
    }

    private static ObjectNode ticketCreate() {
        return (ObjectNode) Json.parse(sample("resource-event-ticket-create.json"));
    }

    private static String snsNotification(String message) {
        ObjectNode sns = Json.object();
        sns.put("Type", "Notification");
        sns.put("MessageId", "2d8c9a1e-7b4f-5c3d-9e0a-6f1b2c3d4e5f");
        sns.put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:resource-events");
        sns.put("Message", message);
        sns.put("Timestamp", "2026-11-23T10:42:07.311Z");
        return Json.write(sns);
    }

    private InvalidMessageException rejection(String body) {
        return assertThrows(InvalidMessageException.class, () -> reader.read(body, SQS_MESSAGE_ID));
    }

    @Test
    void readsTheSampleProducerMessage() {
        Ingested ingested = reader.read(sample("resource-event-ticket-create.json"), SQS_MESSAGE_ID);

        ResourceEvent event = ingested.event();
        assertEquals("evt_01JD3ZK6Q7R5V2X8N4M9T0W1YB", event.eventId());
        assertEquals("d0a3f370-cd43-11ed-9c9c-bbcffde24a48", event.companyId());
        assertEquals(new EventType("ticket", "create"), event.type());
        assertEquals("7c9e6679-7425-40de-944b-e07fc1f90ae7", event.resourceId());
        assertEquals(Map.of("event", "f47ac10b-58cc-4372-a567-0e02b2c3d479"), event.related());
        assertEquals(Instant.parse("2026-11-23T10:30:00Z"), event.occurredAt());
        assertEquals("Early bird", event.data().get("name").asText());
        assertTrue(event.changes().isEmpty());
        assertEquals(Map.of(), event.included());
        assertEquals(Position.START, ingested.position());
        assertFalse(ingested.fromSns());
    }

    @Test
    void readsTheChangedFieldsOfAnUpdate() {
        ResourceEvent event = reader.read(sample("resource-event-ticket-update.json"), SQS_MESSAGE_ID).event();

        JsonNode status = event.changes().orElseThrow().get("status");
        assertEquals("active", status.get("from").asText());
        assertEquals("sold_out", status.get("to").asText());
    }

    @Test
    void readsTheRelatedResourcesAnOrderIncludes() {
        ResourceEvent event = reader.read(sample("resource-event-order-create.json"), SQS_MESSAGE_ID).event();

        assertEquals(List.of("event", "shop"), List.copyOf(event.included().keySet()));
        assertEquals("Harbour Lights Festival", event.included().get("event").get("name").asText());
        assertEquals("Festival box office", event.included().get("shop").get("name").asText());
    }

    @Test
    void takesTheSqsMessageIdWhenTheProducerGivesNoEventId() {
        ObjectNode message = ticketCreate();
        message.remove("event_id");

        assertEquals(SQS_MESSAGE_ID, reader.read(Json.write(message), SQS_MESSAGE_ID).event().eventId());
    }

    @Test
    void unwrapsSnsNotificationsAndFallsBackToTheirMessageId() {
        ObjectNode message = ticketCreate();
        message.remove("event_id");

        Ingested ingested = reader.read(snsNotification(Json.write(message)), SQS_MESSAGE_ID);

        assertTrue(ingested.fromSns());
        assertEquals("2d8c9a1e-7b4f-5c3d-9e0a-6f1b2c3d4e5f", ingested.event().eventId(), "stable when SNS redelivers");
        assertEquals(new EventType("ticket", "create"), ingested.event().type());
        assertEquals("evt_01JD3ZK6Q7R5V2X8N4M9T0W1YB",
                reader.read(snsNotification(sample("resource-event-ticket-create.json")), SQS_MESSAGE_ID).event().eventId());
    }

    @Test
    void acceptsTimestampsWithAnOffsetAndNormalisesThemToUtc() {
        ObjectNode message = ticketCreate();
        message.put("occurred_at", "2026-11-23T11:30:00.250+01:00");

        assertEquals(Instant.parse("2026-11-23T10:30:00.250Z"), reader.read(Json.write(message), SQS_MESSAGE_ID).event().occurredAt());
    }

    static Stream<Arguments> invalidMessages() {
        return Stream.of(
                Arguments.of("not JSON", "{\"company_id\": ", "malformed_json"),
                Arguments.of("not an object", "[1, 2]", "invalid_envelope"),
                Arguments.of("no tenant", without("company_id"), "missing_tenant"),
                Arguments.of("empty tenant", with("company_id", "\"\""), "missing_tenant"),
                Arguments.of("unknown resource", with("resource", "\"invoice\""), "unknown_resource"),
                Arguments.of("unknown trigger", with("trigger", "\"explode\""), "unknown_trigger"),
                Arguments.of("trigger the resource only receives", with("trigger", "\"paid\""), "unknown_trigger"),
                Arguments.of("no resource id", without("resource_id"), "missing_field"),
                Arguments.of("resource id with a #", with("resource_id", "\"a#b\""), "invalid_field"),
                Arguments.of("event id not a string", with("event_id", "42"), "invalid_field"),
                Arguments.of("related is a list", with("related", "[\"evt-1\"]"), "invalid_field"),
                Arguments.of("related names an unknown resource", with("related", "{\"venue\": \"v-1\"}"), "invalid_field"),
                Arguments.of("no timestamp", without("occurred_at"), "missing_field"),
                Arguments.of("timestamp without offset", with("occurred_at", "\"2026-11-23T10:30:00\""), "invalid_field"),
                Arguments.of("timestamp without seconds", with("occurred_at", "\"2026-11-23T10:30Z\""), "invalid_field"),
                Arguments.of("timestamp in month 13", with("occurred_at", "\"2026-13-23T10:30:00Z\""), "invalid_field"),
                Arguments.of("no data", without("data"), "missing_field"),
                Arguments.of("data not an object", with("data", "\"ticket\""), "invalid_field"),
                Arguments.of("changes on a create", with("changes", "{\"price\": {\"from\": 1, \"to\": 2}}"), "invalid_field"),
                Arguments.of("misspelt field", with("companyId", "\"x\""), "unknown_field"),
                Arguments.of("included is a list", with("included", "[{\"name\": \"x\"}]"), "invalid_field"),
                Arguments.of("included names a resource a ticket does not relate to",
                        with("included", "{\"shop\": {\"name\": \"x\"}}"), "invalid_field"),
                Arguments.of("included names an unknown resource", with("included", "{\"venue\": {}}"), "invalid_field"),
                Arguments.of("an included resource that is not an object", with("included", "{\"event\": \"x\"}"),
                        "invalid_field"),
                Arguments.of("U+FFFF in an included resource", with("included", "{\"event\": {\"name\": \"\\uffff\"}}"),
                        "invalid_characters"),
                Arguments.of("an included resource nested beyond the contract",
                        with("included", "{\"event\": {\"x\": " + "[".repeat(98) + "]".repeat(98) + "}}"), "too_deep"),
                Arguments.of("U+FFFF in data", with("data", "{\"name\": \"\\uffff\"}"), "invalid_characters"),
                Arguments.of("unpaired surrogate", ticketCreateText().replace("\"data\": {", "\"data\": {\"x\": \"\\ud800\", "),
                        "unpaired_surrogate"),
                Arguments.of("nested 1,001 levels deep", "{\"data\": " + "[".repeat(1001) + "]".repeat(1001) + "}",
                        "json_limit_exceeded"),
                Arguments.of("data nested beyond the contract", with("data", "{\"x\": " + "[".repeat(99) + "]".repeat(99) + "}"),
                        "too_deep"),
                Arguments.of("duplicate key", ticketCreateText().replace("{", "{\"company_id\": \"other\", "), "duplicate_key"),
                Arguments.of("text after the object", ticketCreateText() + " {}", "trailing_content"));
    }

    private static String without(String field) {
        ObjectNode message = ticketCreate();
        message.remove(field);
        return Json.write(message);
    }

    private static String with(String field, String json) {
        ObjectNode message = ticketCreate();
        message.set(field, Json.parse(json));
        return Json.write(message);
    }

    @ParameterizedTest(name = "{0} is refused as {2}")
    @MethodSource("invalidMessages")
    void refusesMessagesOutsideTheContractWithAReason(String description, String body, String reason) {
        assertEquals(reason, rejection(body).reason());
    }

    @Test
    void refusesChangesThatAreNotFromToPairs() {
        ObjectNode message = (ObjectNode) Json.parse(sample("resource-event-ticket-update.json"));
        message.set("changes", Json.parse("{\"status\": \"sold_out\"}"));

        InvalidMessageException e = rejection(Json.write(message));

        assertEquals("invalid_field", e.reason());
        assertTrue(e.detail().startsWith("changes.status: "), e.detail());
    }

    @Test
    void anIncludedResourceNeedsItsIdInRelated() {
        ObjectNode message = (ObjectNode) Json.parse(sample("resource-event-order-create.json"));
        ((ObjectNode) message.get("related")).remove("shop");

        InvalidMessageException e = rejection(Json.write(message));

        assertEquals("invalid_field", e.reason());
        assertEquals("included.shop: Give the resource's id in related.shop too.", e.detail());
    }

    @Test
    void listsEveryProblemAndQuotesNoContent() {
        ObjectNode message = ticketCreate();
        message.remove("company_id");
        message.put("resource", "invoice-secret-name");
        message.remove("data");

        InvalidMessageException e = rejection(Json.write(message));

        assertEquals("missing_tenant", e.reason());
        assertEquals("company_id: Required.; resource: Not a resource of the event catalogue.; "
                + "data: Required: the resource as it is now.", e.detail());
        assertFalse(e.detail().contains("invoice-secret-name"));
    }

    @Test
    void refusesEventsOverTheSizeLimitAlsoInsideSns() {
        ObjectNode message = ticketCreate();
        ((ObjectNode) message.get("data")).put("notes", "x".repeat(IngestReader.MAX_EVENT_BYTES));

        assertEquals("too_large", rejection(Json.write(message)).reason());
        assertEquals("too_large", rejection(snsNotification(Json.write(message))).reason());
    }

    @Test
    void measuresTheLimitInUtf8Bytes() {
        ObjectNode message = ticketCreate();
        int overhead = Json.write(message).length() + ",\"notes\":\"\"".length();
        ((ObjectNode) message.get("data")).put("notes", "é".repeat((IngestReader.MAX_EVENT_BYTES - overhead) / 2 + 1));

        assertEquals("too_large", rejection(Json.write(message)).reason());
    }

    @Test
    void refusesAnSnsNotificationWhoseMessageIsNotAnEvent() {
        assertEquals("malformed_json", rejection(snsNotification("hello")).reason());
        assertEquals("missing_tenant", rejection(snsNotification("{\"resource\": \"ticket\"}")).reason());
    }

    @Test
    void aContinuationCarriesTheEventAndWherePartsResume() {
        ObjectNode message = ticketCreate();
        message.remove("event_id");
        ResourceEvent event = reader.read(Json.write(message), SQS_MESSAGE_ID).event();

        Ingested continued = reader.read(IngestReader.continuation(event, new Position(3, "webhook-9")), "another-message-id");

        assertEquals(event, continued.event());
        assertEquals(new Position(3, "webhook-9"), continued.position());
    }

    @Test
    void aContinuationCarriesTheIncludedResourcesOn() {
        ResourceEvent event = reader.read(sample("resource-event-order-create.json"), SQS_MESSAGE_ID).event();

        ResourceEvent continued = reader.read(IngestReader.continuation(event, new Position(1, "webhook-1")), "m").event();

        assertEquals(event.included(), continued.included());
        assertEquals(event, continued);
    }

    @Test
    void refusesContinuationsItDidNotWrite() {
        assertEquals("invalid_envelope", rejection("{\"hookline_continuation\": {\"part\": 0}, \"event\": \"{}\"}").reason());
        assertEquals("invalid_envelope", rejection("{\"hookline_continuation\": {\"part\": 2, \"after_webhook_id\": \"w\"}, \"event\": {}}").reason());
        assertEquals("invalid_envelope", rejection("{\"hookline_continuation\": {\"part\": 2}, \"event\": \"{}\"}").reason());
    }
}
