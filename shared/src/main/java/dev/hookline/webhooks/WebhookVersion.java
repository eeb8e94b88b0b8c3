package dev.hookline.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One change to a webhook (Commerce Layer's {@code versions}): the operation that made it, when, with which API
 * key (its id, never the key) and which fields changed from what to what. {@code version} is the webhook's
 * version (its ETag) after the change, so a webhook's versions are 1, 2, 3, ... without gaps. {@code changes}
 * maps each changed field of the webhook's representation to {@code {"from", "to"}}, metadata per key as
 * {@code metadata.<key>}; a secret never appears, a rotation shows as {@code "secret": "rotated"}.
 */
public record WebhookVersion(String webhookId, long version, Action action, Instant changedAt, String apiKeyId,
        ObjectNode changes) {

    /** The API operation behind a version. */
    public enum Action {
        CREATE, UPDATE, ROTATE_SECRET, DELETE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action parse(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    public static final String ROTATED = "rotated";

    /**
     * Fields of the representation no request sets: identity and bookkeeping, and {@code resource}/{@code trigger},
     * which only restate {@code events}. {@code metadata} is compared per key instead.
     */
    private static final Set<String> NOT_COMPARED = Set.of("id", "guid", "company_id", "resource", "trigger",
            "metadata", "version", "created_at", "updated_at", "deleted_at");

    /** The version {@code action} made: {@code before} is null for a create. */
    public static WebhookVersion of(Action action, String apiKeyId, Webhook before, Webhook after) {
        Map<String, JsonNode> from = before == null ? Map.of() : comparedFields(before);
        Map<String, JsonNode> to = comparedFields(after);
        ObjectNode changes = Json.object();
        to.forEach((field, value) -> {
            JsonNode previous = from.getOrDefault(field, NullNode.instance);
            if (!previous.equals(value)) {
                change(changes, field, previous, value);
            }
        });
        // Metadata keys the change removed.
        from.forEach((field, previous) -> {
            if (!to.containsKey(field)) {
                change(changes, field, previous, NullNode.instance);
            }
        });
        if (before != null && !before.secrets().current().equals(after.secrets().current())) {
            changes.put("secret", ROTATED);
        }
        return new WebhookVersion(after.id(), after.version(), action, after.updatedAt(), apiKeyId, changes);
    }

    /** The representation's fields that requests change, in its order, then each metadata key in key order. */
    private static Map<String, JsonNode> comparedFields(Webhook webhook) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        WebhookJson.render(webhook).properties().forEach(entry -> {
            if (!NOT_COMPARED.contains(entry.getKey())) {
                fields.put(entry.getKey(), entry.getValue());
            }
        });
        new TreeMap<>(webhook.metadata()).forEach((key, value) -> fields.put("metadata." + key, TextNode.valueOf(value)));
        return fields;
    }

    private static void change(ObjectNode changes, String field, JsonNode from, JsonNode to) {
        ObjectNode change = changes.putObject(field);
        change.set("from", from);
        change.set("to", to);
    }
}
