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
     * {@code tenantEpoch} the tenant epoch its sender knew (docs/delivery.md, "Fresh webhooks"): a container
     * whose copy of the webhook was read under an older one reads it again. Flags: {@code bypassCircuit} for
     * pings and manual retries, which go out even while the circuit is open; {@code deadLettered} on the copy
     * sent to the dead-letter queue, so that moving it back re-sends the delivery only if it is still failed in
     * that series (docs/delivery.md, "Re-drive"); {@code resumed} on a copy that has a record to read even on its
     * first receive (a retry split off a group, a held-back delivery that had been tried); {@code slowLane} on a
     * delivery moved to the slow lane (it lives on that queue); {@code notBefore}, when set, is the rate-limit
     * second reserved for it (docs/delivery.md, "Fairness").
     */
    public record Delivery(String deliveryId, String webhookId, String companyId, String eventId, int attempt,
            ObjectNode payload, long tenantEpoch, boolean test, boolean bypassCircuit, boolean deadLettered,
            boolean resumed, boolean slowLane, Optional<Instant> notBefore) implements Incoming {

        public Delivery(String deliveryId, String webhookId, String companyId, String eventId, int attempt,
                ObjectNode payload, long tenantEpoch, boolean test, boolean bypassCircuit) {
            this(deliveryId, webhookId, companyId, eventId, attempt, payload, tenantEpoch, test, bypassCircuit, false,
                    false, false, Optional.empty());
        }

        /** The copy for the dead-letter queue. */
        public Delivery deadLetterCopy() {
            return new Delivery(deliveryId, webhookId, companyId, eventId, attempt, payload, tenantEpoch, test, false,
                    true, false, false, Optional.empty());
        }

        /**
         * This delivery in series {@code series}, as a message of its own on the queue of {@code slowLane}, that
         * starts in the rate-limit second {@code notBefore} (if set). {@code resumed} when it has a record to read.
         */
        public Delivery requeuedCopy(int series, boolean resumed, boolean slowLane, Optional<Instant> notBefore) {
            return new Delivery(deliveryId, webhookId, companyId, eventId, series, payload, tenantEpoch, test,
                    bypassCircuit, false, resumed, slowLane, notBefore);
        }

        /**
         * The request body for a webhook that asks for {@code includeResources}: the payload with only those of
         * its {@code included} resources, and without {@code included} when none of them came with the event.
         * The payload keeps them all, so a replay after the webhook changed its list sends what it asks for then.
         */
        public ObjectNode body(List<String> includeResources) {
            JsonNode included = payload.get("included");
            if (included == null) {
                return payload;
            }
            ObjectNode kept = Json.object();
            included.properties().forEach(entry -> {
                if (includeResources.contains(entry.getKey())) {
                    kept.set(entry.getKey(), entry.getValue());
                }
            });
            ObjectNode body = Json.object().setAll(payload);
            if (kept.isEmpty()) {
                body.remove("included");
            } else {
                body.set("included", kept);
            }
            return body;
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
            if (tenantEpoch > 0) {
                node.put("tenant_epoch", tenantEpoch);
            }
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
            if (slowLane) {
                node.put("slow_lane", true);
            }
            notBefore.ifPresent(at -> node.put("not_before", at.toString()));
            return node;
        }
    }

    /** Several deliveries of one event in one message: SQS requests are paid per message, not per delivery. */
    public record Group(List<Delivery> deliveries) implements Incoming {
    }

    /** Re-send a page of a webhook's parked deliveries, then continue with {@code cursor}. */
    public record ReplayParked(String webhookId, String companyId, long tenantEpoch, Optional<String> cursor)
            implements Incoming {
    }

    /** Probe a webhook whose circuit is open, if its probe is due (docs/delivery.md, "Circuit breaker"). */
    public record Probe(String webhookId, String companyId) implements Incoming {
    }

    /** Re-send a page of a webhook's failed deliveries created since {@code since}, then continue. */
    public record Recover(String webhookId, String companyId, long tenantEpoch, Instant since, Optional<String> cursor)
            implements Incoming {
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
            long tenantEpoch = node.path("tenant_epoch").asLong(0);
            return switch (command) {
                case "replay_parked" -> new ReplayParked(webhookId, companyId, tenantEpoch, cursor);
                case "recover" -> new Recover(webhookId, companyId, tenantEpoch, Instant.parse(text(node, "since")), cursor);
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
        JsonNode notBefore = node.get("not_before");
        return new Delivery(text(node, "delivery_id"), text(node, "webhook_id"), text(node, "company_id"),
                text(node, "event_id"), node.path("attempt").asInt(0), (ObjectNode) payload,
                node.path("tenant_epoch").asLong(0), node.path("test").asBoolean(false),
                node.path("bypass_circuit").asBoolean(false), node.path("dead_lettered").asBoolean(false),
                node.path("resumed").asBoolean(false), node.path("slow_lane").asBoolean(false),
                notBefore == null ? Optional.empty() : Optional.of(Instant.parse(text(node, "not_before"))));
    }

    /** A group message of {@code deliveries}, each already written as a delivery message's JSON object. */
    public static String group(List<String> deliveries) {
        return "{\"deliveries\":[" + String.join(",", deliveries) + "]}";
    }

    public static String replayCommand(String webhookId, String companyId, long tenantEpoch, Optional<String> cursor) {
        ObjectNode node = Json.object().put("command", "replay_parked").put("webhook_id", webhookId).put("company_id", companyId)
                .put("tenant_epoch", tenantEpoch);
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
    public static Delivery ping(String webhookId, String companyId, long tenantEpoch, Instant now) {
        String eventId = "test_" + UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("type", "ping");
        payload.put("timestamp", now.toString());
        payload.put("event_id", eventId);
        payload.put("company_id", companyId);
        payload.putObject("webhook").put("id", webhookId);
        payload.putObject("data").put("success", true);
        return new Delivery(DeliveryIds.random(now), webhookId, companyId, eventId, 0, payload, tenantEpoch, true, true);
    }

    public static String recoverCommand(String webhookId, String companyId, long tenantEpoch, Instant since,
            Optional<String> cursor) {
        ObjectNode node = Json.object().put("command", "recover").put("webhook_id", webhookId).put("company_id", companyId)
                .put("tenant_epoch", tenantEpoch).put("since", since.toString());
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
