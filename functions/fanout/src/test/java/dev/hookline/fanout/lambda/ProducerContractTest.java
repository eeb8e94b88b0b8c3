package dev.hookline.fanout.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hookline.fanout.IngestReader;
import dev.hookline.fanout.InvalidMessageException;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import dev.hookline.rules.EventCatalog;
import dev.hookline.testing.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/schemas/resource-event.schema.json, the events/ samples and the ingest reader say the same thing. */
class ProducerContractTest {

    private static final EventCatalog CATALOG = EventCatalog.standard();
    private static final JsonNode SCHEMA_DOCUMENT = read("docs/schemas/resource-event.schema.json");
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Json.write(SCHEMA_DOCUMENT));

    private final IngestReader reader = new IngestReader(CATALOG);

    private static JsonNode read(String file) {
        try (InputStream in = Files.newInputStream(RepoFiles.resolve(file))) {
            return Json.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The producer samples, and every producer message in the SQS sample (SNS notifications unwrapped). */
    static Stream<Arguments> samples() {
        List<Arguments> samples = new ArrayList<>();
        for (String file : List.of("resource-event-ticket-create.json", "resource-event-ticket-update.json",
                "resource-event-order-create.json")) {
            samples.add(Arguments.of("events/" + file, Json.write(read("events/" + file))));
        }
        for (JsonNode record : read("events/sqs-ingest-batch.json").get("Records")) {
            JsonNode body = Json.parse(record.get("body").asText());
            String message = "Notification".equals(body.path("Type").asText()) ? body.get("Message").asText() : Json.write(body);
            samples.add(Arguments.of("sqs-ingest-batch.json " + record.get("messageId").asText(), message));
        }
        return samples.stream();
    }

    @ParameterizedTest(name = "{0} follows the schema and is accepted")
    @MethodSource("samples")
    void theSamplesFollowTheSchemaAndTheReaderAcceptsThem(String name, String message) {
        assertEquals(List.of(), SCHEMA.validate(Json.parse(message)).stream().map(Object::toString).toList());
        reader.read(message, "sqs-message-id");
    }

    static Stream<Arguments> outsideTheContract() {
        return Stream.of(
                Arguments.of("no tenant", "{\"company_id\": null}"),
                Arguments.of("an unknown resource", "{\"resource\": \"invoice\"}"),
                Arguments.of("a trigger the resource does not emit", "{\"trigger\": \"paid\"}"),
                Arguments.of("changes on a create", "{\"changes\": {\"price\": {\"from\": 1, \"to\": 2}}}"),
                Arguments.of("a resource id with a #", "{\"resource_id\": \"a#b\"}"),
                Arguments.of("a related resource outside the catalogue", "{\"related\": {\"venue\": \"v-1\"}}"),
                Arguments.of("a misspelt field", "{\"companyId\": \"c-1\"}"),
                Arguments.of("a timestamp without offset", "{\"occurred_at\": \"2026-11-23T10:30:00\"}"),
                Arguments.of("a timestamp without seconds", "{\"occurred_at\": \"2026-11-23T10:30Z\"}"),
                Arguments.of("data that is not an object", "{\"data\": [1, 2]}"),
                Arguments.of("an included resource a ticket does not relate to",
                        "{\"related\": {\"event\": \"e-1\", \"shop\": \"s-1\"}, \"included\": {\"shop\": {}}}"),
                Arguments.of("an included resource without its id in related", "{\"related\": null, \"included\": {\"event\": {}}}"),
                Arguments.of("an included resource that is not an object", "{\"included\": {\"event\": 1}}"));
    }

    @ParameterizedTest(name = "{0} is refused by the schema and the reader")
    @MethodSource("outsideTheContract")
    void theSchemaAndTheReaderRefuseTheSameMessages(String name, String change) {
        ObjectNode message = (ObjectNode) read("events/resource-event-ticket-create.json");
        Json.parse(change).properties().forEach(field -> {
            if (field.getValue().isNull()) {
                message.remove(field.getKey());
            } else {
                message.set(field.getKey(), field.getValue());
            }
        });

        assertFalse(SCHEMA.validate(message).isEmpty(), "the schema should refuse it");
        assertThrows(InvalidMessageException.class, () -> reader.read(Json.write(message), "sqs-message-id"));
    }

    @Test
    void anUpdatesChangesMustBeFromToPairsInBoth() {
        ObjectNode update = (ObjectNode) read("events/resource-event-ticket-update.json");
        update.set("changes", Json.parse("{\"status\": {\"to\": \"sold_out\"}}"));

        assertFalse(SCHEMA.validate(update).isEmpty());
        assertThrows(InvalidMessageException.class, () -> reader.read(Json.write(update), "sqs-message-id"));
    }

    @Test
    void theSchemaListsExactlyTheResourceTriggerPairsTheCatalogueEmits() {
        Set<EventType> inSchema = new TreeSet<>();
        for (JsonNode rule : SCHEMA_DOCUMENT.get("allOf")) {
            JsonNode resource = rule.at("/if/properties/resource/const");
            if (!resource.isMissingNode()) {
                rule.at("/then/properties/trigger/enum").forEach(trigger -> inSchema.add(new EventType(resource.asText(), trigger.asText())));
            }
        }
        Set<EventType> emitted = new TreeSet<>();
        CATALOG.resources().forEach(resource -> CATALOG.triggers().forEach(trigger -> {
            if (CATALOG.isEmitted(new EventType(resource, trigger))) {
                emitted.add(new EventType(resource, trigger));
            }
        }));

        assertEquals(emitted, inSchema);
        assertEquals(List.copyOf(CATALOG.resources()), textList(SCHEMA_DOCUMENT.at("/properties/resource/enum")));
        assertEquals(new TreeSet<>(CATALOG.triggers()), new TreeSet<>(textList(SCHEMA_DOCUMENT.at("/properties/trigger/enum"))));
    }

    @Test
    void theSchemaLetsEachResourceIncludeExactlyTheResourcesTheCatalogueRelatesItTo() {
        for (JsonNode rule : SCHEMA_DOCUMENT.get("allOf")) {
            JsonNode resource = rule.at("/if/properties/resource/const");
            if (!resource.isMissingNode()) {
                JsonNode included = rule.at("/then/properties/included");
                Set<String> inSchema = included.has("maxProperties") ? Set.of()
                        : new TreeSet<>(textList(included.at("/propertyNames/enum")));
                assertEquals(CATALOG.related(resource.asText()), inSchema, resource.asText());
            }
        }
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
