package dev.hookline.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A producer's resource event, validated (see docs/producer-contract.md).
 *
 * @param related ids of related resources by resource name, e.g. {@code {"event": "…"}} for a ticket
 * @param changes {@code {field: {from, to}}} of an update, absent otherwise
 * @param included the current data of related resources by resource name, for webhooks that ask for them
 */
public record ResourceEvent(
        String eventId,
        String companyId,
        EventType type,
        String resourceId,
        Map<String, String> related,
        Instant occurredAt,
        ObjectNode data,
        Optional<ObjectNode> changes,
        Map<String, ObjectNode> included) {

    public ResourceEvent {
        // Sorted, so payloads built from the event are byte-identical on every run.
        related = Collections.unmodifiableMap(new TreeMap<>(related));
        included = Collections.unmodifiableMap(new TreeMap<>(included));
    }

    /** The event in the producer contract's shape, event id filled in: what a continuation carries forward. */
    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("event_id", eventId);
        node.put("company_id", companyId);
        node.put("resource", type.resource());
        node.put("trigger", type.trigger());
        node.put("resource_id", resourceId);
        ObjectNode relatedNode = node.putObject("related");
        related.forEach(relatedNode::put);
        node.put("occurred_at", occurredAt.toString());
        node.set("data", data);
        changes.ifPresent(value -> node.set("changes", value));
        if (!included.isEmpty()) {
            included.forEach(node.putObject("included")::set);
        }
        return node;
    }
}
