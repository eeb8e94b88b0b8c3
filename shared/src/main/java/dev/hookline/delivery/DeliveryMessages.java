package dev.hookline.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the delivery queue carries: fan-out's delivery messages ({@code dev.hookline.fanout.DeliveryMessage},
 * docs/delivery-payload.md) plus optional flags, alone or several of one event in a group
 * ({@code {"deliveries": [...]}}), and control commands that page through replays.
 */
public final class DeliveryMessages {

    /** Most deliveries in one group message: a batch of 10 messages then carries at most 50 concurrent POSTs. */
    public static final int MAX_GROUP = 5;

    private DeliveryMessages() {
    }

    public sealed interface Incoming {
    }

    /**
     * One delivery. {@code attempt} is the series the message belongs to (attempts made before it was sent);
     * {@code bypassCircuit} for pings and manual retries, which go out even while the circuit is open;
     * {@code deadLettered} on the copy sent to the dead-letter queue, so that moving it back re-sends the delivery
     * only if it is still failed in that series (docs/delivery.md, "Re-drive"); {@code resumed} on a retry split
     * off a group into a message of its own, which therefore has a record to read even on its first receive.
     */
    public record Delivery(String deliveryId, String webhookId, String companyId, String eventId, int attempt,
            ObjectNode payload, boolean test, boolean bypassCircuit, boolean deadLettered, boolean resumed)
            implements Incoming {

        public Delivery(String deliveryId, String webhookId, String companyId, String eventId, int attempt,
                ObjectNode payload, boolean test, boolean bypassCircuit) {
            this(deliveryId, webhookId, companyId, eventId, attempt, payload, test, bypassCircuit, false, false);
        }

        /** The copy for the dead-letter queue. */
        public Delivery deadLetterCopy() {
            return new Delivery(deliveryId, webhookId, companyId, eventId, attempt, payload, test, false, true, false);
        }

        /** This delivery's retry, split off its group into a message of its own. */
        public Delivery resumedCopy() {
            return new Delivery(deliveryId, webhookId, companyId, eventId, attempt, payload, test, bypassCircuit, false, true);
        }

        public String eventType() {
            JsonNode type = payload.get("type");
            return type != null && type.isTextual() ? type.asText() : "unknown";
        }

        public String toJson() {
            return Json.write(toJsonNode());
        }

        /** The delivery queue's message format; fan-out writes first attempts through it too. */
        public ObjectNode toJsonNode() {
            ObjectNode node = Json.object();
            node.put("delivery_id", deliveryId);
            node.put("webhook_id", webhookId);
            node.put("company_id", companyId);
            node.put("event_id", eventId);
            node.put("attempt", attempt);
            node.set("payload", payload);
            if (test) {
                node.put("test", true);
            }
            if (bypassCircuit) {
                node.put("bypass_circuit", true);
            }
            if (deadLettered) {
                node.put("dead_lettered", true);
            }
            if (resumed) {
                node.put("resumed", true);
            }
            return node;
        }
    }

    /** Several deliveries of one event in one message: SQS requests are paid per message, not per delivery. */
    public record Group(List<Delivery> deliveries) implements Incoming {
    }

    /** Re-send a page of a webhook's parked deliveries, then continue with {@code cursor}. */
    public record ReplayParked(String webhookId, String companyId, Optional<String> cursor) implements Incoming {
    }

    /** Probe a webhook whose circuit is open, if its probe is due (docs/delivery.md, "Circuit breaker"). */
    public record Probe(String webhookId, String companyId) implements Incoming {
    }

    /** Re-send a page of a webhook's failed deliveries created since {@code since}, then continue. */
    public record Recover(String webhookId, String companyId, Instant since, Optional<String> cursor) implements Incoming {
    }

    public static final class InvalidMessage extends RuntimeException {
        public InvalidMessage(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Incoming parse(String body) {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (Json.MalformedJsonException e) {
            throw new InvalidMessage("not JSON (" + e.code().code() + ")");
        }
        if (!node.isObject()) {
            throw new InvalidMessage("not a JSON object");
        }
        if (node.has("command")) {
            String command = node.path("command").asText();
            String webhookId = text(node, "webhook_id");
            String companyId = text(node, "company_id");
            Optional<String> cursor = Optional.ofNullable(node.get("cursor")).filter(JsonNode::isTextual).map(JsonNode::asText);
            return switch (command) {
                case "replay_parked" -> new ReplayParked(webhookId, companyId, cursor);
                case "recover" -> new Recover(webhookId, companyId, Instant.parse(text(node, "since")), cursor);
                case "probe" -> new Probe(webhookId, companyId);
                default -> throw new InvalidMessage("unknown command");
            };
        }
        JsonNode group = node.get("deliveries");
        if (group != null) {
            if (!group.isArray() || group.isEmpty() || group.size() > MAX_GROUP) {
                throw new InvalidMessage("deliveries is not an array of 1 to " + MAX_GROUP + " deliveries");
            }
            List<Delivery> deliveries = new ArrayList<>();
            for (JsonNode member : group) {
                if (!member.isObject() || member.has("deliveries") || member.has("command")) {
                    throw new InvalidMessage("a group holds delivery objects only");
                }
                deliveries.add(delivery(member));
            }
            return new Group(List.copyOf(deliveries));
        }
        return delivery(node);
    }

    private static Delivery delivery(JsonNode node) {
        JsonNode payload = node.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new InvalidMessage("payload is missing or not an object");
        }
        return new Delivery(text(node, "delivery_id"), text(node, "webhook_id"), text(node, "company_id"),
                text(node, "event_id"), node.path("attempt").asInt(0), (ObjectNode) payload,
                node.path("test").asBoolean(false), node.path("bypass_circuit").asBoolean(false),
                node.path("dead_lettered").asBoolean(false), node.path("resumed").asBoolean(false));
    }

    /** A group message of {@code deliveries}, each already written as a delivery message's JSON object. */
    public static String group(List<String> deliveries) {
        return "{\"deliveries\":[" + String.join(",", deliveries) + "]}";
    }

    public static String replayCommand(String webhookId, String companyId, Optional<String> cursor) {
        ObjectNode node = Json.object().put("command", "replay_parked").put("webhook_id", webhookId).put("company_id", companyId);
        cursor.ifPresent(c -> node.put("cursor", c));
        return Json.write(node);
    }

    public static String probeCommand(String webhookId, String companyId) {
        return Json.write(Json.object().put("command", "probe").put("webhook_id", webhookId).put("company_id", companyId));
    }

    /**
     * A signed ping to {@code webhook}: sent once, even while its circuit is open, and its success closes the
     * circuit. Tenants send it with {@code POST .../test}; the breaker sends it as its probe.
     */
    public static Delivery ping(String webhookId, String companyId, Instant now) {
        String eventId = "test_" + UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("type", "ping");
        payload.put("timestamp", now.toString());
        payload.put("event_id", eventId);
        payload.put("company_id", companyId);
        payload.putObject("webhook").put("id", webhookId);
        payload.putObject("data").put("success", true);
        return new Delivery(DeliveryIds.random(now), webhookId, companyId, eventId, 0, payload, true, true);
    }

    public static String recoverCommand(String webhookId, String companyId, Instant since, Optional<String> cursor) {
        ObjectNode node = Json.object().put("command", "recover").put("webhook_id", webhookId).put("company_id", companyId)
                .put("since", since.toString());
        cursor.ifPresent(c -> node.put("cursor", c));
        return Json.write(node);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidMessage(field + " is missing");
        }
        return value.asText();
    }
}
