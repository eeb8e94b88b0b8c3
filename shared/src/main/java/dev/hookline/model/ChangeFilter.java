package dev.hookline.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which updates a subscription wants, by the event's {@code changes} ({@code {field: {from, to}}}): an update
 * passes when <em>any</em> condition holds, a condition when the update changed its field, from its {@code from}
 * and to its {@code to} where given (Helpdesk's {@code ticket.resolved}: status changed to resolved). No
 * conditions ({@link #NONE}) means every event passes; an update without {@code changes} passes no condition.
 * The JSON form, in the API, the catalogue and storage alike: {@code [{"field": "status", "to": "sold_out"}]}.
 */
public record ChangeFilter(List<Condition> anyOf) {

    public static final ChangeFilter NONE = new ChangeFilter(List.of());

    /** {@code from}, {@code to}: a JSON scalar to equal ({@code null} included), empty for any value. */
    public record Condition(String field, Optional<JsonNode> from, Optional<JsonNode> to) {

        boolean matches(ObjectNode changes) {
            JsonNode change = changes.get(field);
            return change != null && from.map(value -> same(value, change.get("from"))).orElse(true)
                    && to.map(value -> same(value, change.get("to"))).orElse(true);
        }

        /** Numbers by value, so a condition's {@code 10} matches a producer's {@code 10.0}. */
        private static boolean same(JsonNode expected, JsonNode actual) {
            if (actual != null && expected.isNumber() && actual.isNumber()) {
                return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
            }
            return expected.equals(actual);
        }
    }

    public ChangeFilter {
        anyOf = List.copyOf(anyOf);
    }

    public boolean isNone() {
        return anyOf.isEmpty();
    }

    public boolean matches(Optional<ObjectNode> changes) {
        return anyOf.isEmpty() || changes.map(value -> anyOf.stream().anyMatch(c -> c.matches(value))).orElse(false);
    }

    public ArrayNode toJson() {
        ArrayNode array = Json.array();
        for (Condition condition : anyOf) {
            ObjectNode node = array.addObject().put("field", condition.field());
            condition.from().ifPresent(value -> node.set("from", value));
            condition.to().ifPresent(value -> node.set("to", value));
        }
        return array;
    }

    /**
     * Reads the JSON form from data Hookline wrote or ships (storage, the catalogue); null or JSON null is
     * {@link #NONE}. The API validates what tenants send before it gets here (WebhookRequests).
     */
    public static ChangeFilter fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("A change filter is an array of conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (JsonNode condition : node) {
            JsonNode field = condition.path("field");
            if (!field.isTextual() || field.asText().isEmpty()) {
                throw new IllegalArgumentException("A change filter condition needs a field");
            }
            conditions.add(new Condition(field.asText(), Optional.ofNullable(condition.get("from")),
                    Optional.ofNullable(condition.get("to"))));
        }
        return new ChangeFilter(conditions);
    }
}
