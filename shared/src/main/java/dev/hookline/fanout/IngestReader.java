package dev.hookline.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.errors.FieldError;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import dev.hookline.queues.Utf8;
import dev.hookline.rules.EventCatalog;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an ingest queue message into a validated {@link ResourceEvent}: unwraps SNS notifications (subscriptions
 * without raw message delivery), recognises fan-out continuations, and enforces docs/producer-contract.md.
 * Anything else is an {@link InvalidMessageException} naming every problem.
 */
public final class IngestReader {

    /** Limit on a producer message (after SNS unwrapping); keeps every delivery message far below SQS's 256 KiB. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;
    /**
     * Nesting a producer message may use: far below the JSON limit, so the delivery message, which holds the
     * event's data one level deeper, can always be written.
     */
    public static final int MAX_DEPTH = 100;
    /** Top-level field that marks a continuation message (docs/fanout.md); never sent by producers. */
    public static final String CONTINUATION = "hookline_continuation";

    /** Ids share the registry's identifier rule, so a webhook's identifier can equal any of them. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final String ID_RULE = "Expected 1 to 128 letters, digits and _ . : - (starting with a letter or digit).";
    /** RFC 3339 date-time: Java's ISO parser alone would also take a time without seconds. */
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
    private static final Set<String> FIELDS = Set.of("event_id", "company_id", "resource", "trigger", "resource_id",
            "related", "occurred_at", "data", "changes", "included");

    /** Where a fan-out stands: part 0 starts at the first webhook; part n resumes after {@code afterWebhookId}. */
    public record Position(int part, String afterWebhookId) {
        public static final Position START = new Position(0, null);
    }

    /** @param fromSns whether the message arrived wrapped in an SNS notification */
    public record Ingested(ResourceEvent event, Position position, boolean fromSns) {
    }

    private final EventCatalog catalog;

    public IngestReader(EventCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * @param sqsMessageId the event id when the producer gave none (for SNS, the notification's MessageId, which
     *                     SNS keeps when it redelivers)
     */
    public Ingested read(String body, String sqsMessageId) {
        JsonNode root = parse(body);
        if (isSnsNotification(root)) {
            String message = root.get("Message").asText();
            checkSize(message);
            String snsMessageId = root.path("MessageId").asText("");
            return new Ingested(event(parse(message), snsMessageId.isEmpty() ? sqsMessageId : snsMessageId),
                    Position.START, true);
        }
        if (root.has(CONTINUATION)) {
            return continuation(root);
        }
        checkSize(body);
        return new Ingested(event(root, sqsMessageId), Position.START, false);
    }

    /** The message that carries a fan-out on from {@code position}: the event, complete with its id. */
    public static String continuation(ResourceEvent event, Position position) {
        ObjectNode message = Json.object();
        message.putObject(CONTINUATION)
                .put("part", position.part())
                .put("after_webhook_id", position.afterWebhookId());
        message.put("event", Json.write(event.toJson()));
        return Json.write(message);
    }

    private Ingested continuation(JsonNode root) {
        JsonNode position = root.get(CONTINUATION);
        JsonNode part = position.path("part");
        JsonNode after = position.path("after_webhook_id");
        JsonNode event = root.path("event");
        // Every part sends at least one delivery, so a continuation always names the webhook it resumes after.
        if (!part.isInt() || part.asInt() < 1 || !after.isTextual() || !event.isTextual()) {
            throw new InvalidMessageException("invalid_envelope", "Not a continuation this fan-out wrote.");
        }
        return new Ingested(event(parse(event.asText()), null), new Position(part.asInt(), after.asText()), false);
    }

    private static boolean isSnsNotification(JsonNode root) {
        return "Notification".equals(root.path("Type").asText()) && root.path("TopicArn").isTextual()
                && root.path("Message").isTextual();
    }

    private static void checkSize(String message) {
        if (Utf8.length(message) > MAX_EVENT_BYTES) {
            throw new InvalidMessageException("too_large", "The event exceeds " + MAX_EVENT_BYTES + " bytes.");
        }
    }

    private static JsonNode parse(String text) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (Json.MalformedJsonException e) {
            throw new InvalidMessageException(e.code().code(), e.getMessage());
        }
        if (!node.isObject()) {
            throw new InvalidMessageException("invalid_envelope", "The message must be a JSON object.");
        }
        return node;
    }

    private ResourceEvent event(JsonNode node, String fallbackEventId) {
        List<FieldError> errors = new ArrayList<>();
        String companyId = id(node, "company_id", "missing_tenant", errors);
        String resource = text(node, "resource", errors);
        if (resource != null && !catalog.resources().contains(resource)) {
            errors.add(new FieldError("resource", "unknown_resource", "Not a resource of the event catalogue."));
        }
        String trigger = text(node, "trigger", errors);
        if (trigger != null) {
            boolean known = resource != null && catalog.resources().contains(resource)
                    ? catalog.isEmitted(new EventType(resource, trigger))
                    : catalog.triggers().contains(trigger);
            if (!known) {
                errors.add(new FieldError("trigger", "unknown_trigger", "Not a trigger this resource emits."));
            }
        }
        String resourceId = id(node, "resource_id", "missing_field", errors);
        String eventId = fallbackEventId;
        if (node.hasNonNull("event_id") || fallbackEventId == null) {
            eventId = id(node, "event_id", "missing_field", errors);
        }
        Map<String, String> related = related(node.get("related"), errors);
        Instant occurredAt = timestamp(node, errors);
        ObjectNode data = null;
        JsonNode dataNode = node.get("data");
        if (dataNode == null || dataNode.isNull()) {
            errors.add(new FieldError("data", "missing_field", "Required: the resource as it is now."));
        } else if (!dataNode.isObject()) {
            errors.add(new FieldError("data", "invalid_field", "Expected an object."));
        } else {
            data = (ObjectNode) dataNode;
        }
        ObjectNode changes = changes(node.get("changes"), trigger, errors);
        Map<String, ObjectNode> included = included(node.get("included"), resource, related, errors);
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown_field", "Not a field of the producer contract."));
            }
        });
        if (errors.isEmpty() && (hasUnsendableText(data) || (changes != null && hasUnsendableText(changes)))) {
            errors.add(new FieldError("data", "invalid_characters", "Contains U+FFFE or U+FFFF, which SQS cannot carry."));
        }
        if (included.values().stream().anyMatch(IngestReader::hasUnsendableText)) {
            errors.add(new FieldError("included", "invalid_characters", "Contains U+FFFE or U+FFFF, which SQS cannot carry."));
        }
        if (errors.isEmpty()) {
            tooDeep("data", data, errors);
            tooDeep("changes", changes, errors);
            tooDeep("included", included.isEmpty() ? null : node.get("included"), errors);
        }
        if (!errors.isEmpty()) {
            throw InvalidMessageException.of(errors);
        }
        return new ResourceEvent(eventId, companyId, new EventType(resource, trigger), resourceId, related, occurredAt,
                data, Optional.ofNullable(changes), included);
    }

    private static String id(JsonNode node, String field, String missingCode, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
            errors.add(new FieldError(field, missingCode, "Required."));
            return null;
        }
        if (!value.isTextual() || !ID.matcher(value.asText()).matches()) {
            errors.add(new FieldError(field, "invalid_field", ID_RULE));
            return null;
        }
        return value.asText();
    }

    private static String text(JsonNode node, String field, List<FieldError> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
            errors.add(new FieldError(field, "missing_field", "Required."));
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "invalid_field", "Expected a string."));
            return null;
        }
        return value.asText();
    }

    private Map<String, String> related(JsonNode node, List<FieldError> errors) {
        Map<String, String> related = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return related;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("related", "invalid_field", "Expected an object of resource name to id."));
            return related;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = "related." + entry.getKey();
            if (!catalog.resources().contains(entry.getKey())) {
                errors.add(new FieldError(field, "invalid_field", "Not a resource of the event catalogue."));
            } else if (!entry.getValue().isTextual() || !ID.matcher(entry.getValue().asText()).matches()) {
                errors.add(new FieldError(field, "invalid_field", ID_RULE));
            } else {
                related.put(entry.getKey(), entry.getValue().asText());
            }
        }
        return related;
    }

    /**
     * The current data of related resources by resource name (Commerce Layer's included resources): each one a
     * resource the catalogue relates to the event's {@code resource}, an object, and named in {@code related}
     * with its id, so a receiver always has both.
     */
    private Map<String, ObjectNode> included(JsonNode node, String resource, Map<String, String> related,
            List<FieldError> errors) {
        Map<String, ObjectNode> included = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return included;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("included", "invalid_field", "Expected an object of resource name to the resource's data."));
            return included;
        }
        boolean knownResource = resource != null && catalog.resources().contains(resource);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = "included." + entry.getKey();
            if (knownResource && !catalog.related(resource).contains(entry.getKey())) {
                errors.add(new FieldError(field, "invalid_field", "Not a resource the event catalogue relates to " + resource + "."));
            } else if (!entry.getValue().isObject()) {
                errors.add(new FieldError(field, "invalid_field", "Expected the resource's data, an object."));
            } else if (!related.containsKey(entry.getKey())) {
                errors.add(new FieldError(field, "invalid_field", "Give the resource's id in related." + entry.getKey() + " too."));
            } else {
                included.put(entry.getKey(), (ObjectNode) entry.getValue());
            }
        }
        return included;
    }

    private static Instant timestamp(JsonNode node, List<FieldError> errors) {
        String value = text(node, "occurred_at", errors);
        if (value == null) {
            return null;
        }
        try {
            if (TIMESTAMP.matcher(value).matches()) {
                return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            }
        } catch (DateTimeParseException e) {
            // falls through to the error: well-formed but not a date, e.g. month 13
        }
        errors.add(new FieldError("occurred_at", "invalid_field", "Expected an RFC 3339 date-time, e.g. 2026-11-23T10:30:00Z."));
        return null;
    }

    private static ObjectNode changes(JsonNode node, String trigger, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!EventType.UPDATE.equals(trigger)) {
            errors.add(new FieldError("changes", "invalid_field", "Only update events carry changes."));
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("changes", "invalid_field", "Expected an object of field to {from, to}."));
            return null;
        }
        boolean valid = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode change = entry.getValue();
            if (!change.isObject() || change.size() != 2 || !change.has("from") || !change.has("to")) {
                errors.add(new FieldError("changes." + entry.getKey(), "invalid_field", "Expected {\"from\": …, \"to\": …}."));
                valid = false;
            }
        }
        return valid ? (ObjectNode) node : null;
    }

    /** U+FFFE/U+FFFF parse from JSON escapes but are refused in SQS message bodies (Json refuses lone surrogates). */
    private static boolean hasUnsendableText(JsonNode node) {
        if (node.isTextual()) {
            return unsendable(node.asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (unsendable(entry.getKey()) || hasUnsendableText(entry.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (hasUnsendableText(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean unsendable(String text) {
        return text.indexOf('\uFFFE') >= 0 || text.indexOf('\uFFFF') >= 0;
    }

    /** {@code node} sits at level 2 of the message, whose own object is level 1. */
    private static void tooDeep(String field, JsonNode node, List<FieldError> errors) {
        if (node != null && 1 + depth(node) > MAX_DEPTH) {
            errors.add(new FieldError(field, "too_deep", "The message nests deeper than " + MAX_DEPTH + " levels."));
        }
    }

    /** Levels of nesting of a value, a scalar being 0 and an empty object or array 1. */
    private static int depth(JsonNode root) {
        int deepest = 0;
        Deque<Map.Entry<JsonNode, Integer>> pending = new ArrayDeque<>();
        pending.push(Map.entry(root, 1));
        while (!pending.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = pending.pop();
            if (next.getKey().isContainerNode()) {
                deepest = Math.max(deepest, next.getValue());
                next.getKey().forEach(child -> pending.push(Map.entry(child, next.getValue() + 1)));
            }
        }
        return deepest;
    }
}
