package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;
import static dev.hookline.storage.Attributes.string;

import dev.hookline.delivery.WebhookHealth;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Each webhook's endpoint health ({@link WebhookHealth}), one small item beside the delivery log in the deliveries
 * table: {@code pk = W#{webhook id}}, {@code sk = HEALTH}. The delivery function writes it at most once per webhook
 * per SQS batch, and only when the batch changed something (docs/delivery.md, "State model").
 */
public final class EndpointHealthStore {

    private static final String HEALTH = "HEALTH";
    private static final String OPEN = "open";
    private static final String HALF_OPEN = "half_open";
    private static final String CLOSED = "closed";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public EndpointHealthStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    public WebhookHealth health(String webhookId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(key(webhookId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? WebhookHealth.closed(webhookId) : fromItem(webhookId, item);
    }

    /** The health of several webhooks at once (one BatchGetItem per 100), for listings. */
    public Map<String, WebhookHealth> healths(List<String> webhookIds) {
        Map<String, WebhookHealth> result = new HashMap<>();
        List<Map<String, AttributeValue>> keys = webhookIds.stream().map(EndpointHealthStore::key).toList();
        BatchItems.get(dynamoDb, tableName, keys, false).forEach(item -> {
            String id = string(item, "pk").substring(2);
            result.put(id, fromItem(id, item));
        });
        webhookIds.forEach(id -> result.putIfAbsent(id, WebhookHealth.closed(id)));
        return result;
    }

    /**
     * What one batch of attempts did to a webhook, in one write.
     *
     * @param reset           a success happened: the consecutive failures restart from {@code failures}
     * @param failures        failed attempts (after the batch's last success, when {@code reset})
     * @param firstFailureAt  when the first of those failures happened (ignored without failures): the start of
     *                        a new run of failures, kept if one is already running
     * @param backoffDelta    change of the webhook's deliveries in backoff (+1 into a retry, -1 out of one)
     */
    public WebhookHealth record(String webhookId, boolean reset, int failures, Instant firstFailureAt, int backoffDelta) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":failures", n(failures));
        values.put(":delta", n(backoffDelta));
        String update;
        if (reset && failures == 0) {
            update = "SET failure_count = :failures ADD in_backoff :delta REMOVE failing_since";
        } else if (reset) {
            update = "SET failure_count = :failures, failing_since = :since ADD in_backoff :delta";
            values.put(":since", s(firstFailureAt.toString()));
        } else if (failures > 0) {
            update = "SET failing_since = if_not_exists(failing_since, :since) ADD failure_count :failures, in_backoff :delta";
            values.put(":since", s(firstFailureAt.toString()));
        } else {
            update = "ADD failure_count :failures, in_backoff :delta";
        }
        UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(key(webhookId))
                .updateExpression(update)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        return fromItem(webhookId, response.attributes());
    }

    /**
     * Marks the endpoint slow until {@code until}: its deliveries go through the slow lane (docs/delivery.md,
     * "Fairness"). Written when an attempt runs past the slow threshold and the mark is missing or half used up.
     */
    public void markSlow(String webhookId, Instant until) {
        dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                .updateExpression("SET slow_until = :until")
                .expressionAttributeValues(Map.of(":until", s(until.toString()))));
    }

    /** Notes that deliveries were parked for the backlog cap, so the replay starts when the backlog halves. */
    public void markBacklogParked(String webhookId) {
        dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                .updateExpression("SET backlog_parked = :true")
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
    }

    /** Clears the backlog mark; true for the one caller that cleared it (and so queues the replay). */
    public boolean clearBacklogParked(String webhookId) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                    .updateExpression("REMOVE backlog_parked")
                    .conditionExpression("backlog_parked = :true")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Changes the count of deliveries in backoff (a delivery left backoff without an attempt: parked). */
    public WebhookHealth adjustBackoff(String webhookId, int delta) {
        UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                .updateExpression("ADD in_backoff :delta")
                .expressionAttributeValues(Map.of(":delta", n(delta)))
                .returnValues(ReturnValue.ALL_NEW));
        return fromItem(webhookId, response.attributes());
    }

    /** Opens the circuit, its first probe due at {@code firstProbeAt}; false if it already was open or half-open. */
    public boolean openCircuit(String webhookId, String reason, Instant now, Instant firstProbeAt) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                    .updateExpression("SET circuit_state = :open, disabled_at = :now, disabled_reason = :reason,"
                            + " next_probe_at = :probe, probes = :zero")
                    .conditionExpression("attribute_not_exists(circuit_state) OR circuit_state = :closed")
                    .expressionAttributeValues(Map.of(":open", s(OPEN), ":closed", s(CLOSED), ":now", s(now.toString()),
                            ":reason", s(reason), ":probe", s(firstProbeAt.toString()), ":zero", n(0))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Takes the probe due at {@code dueAt}: half-open, with the next probe (should this one fail) at
     * {@code nextProbeAt}. False if the circuit closed meanwhile or another copy of the probe took it.
     */
    public boolean startProbe(String webhookId, Instant dueAt, Instant nextProbeAt) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                    .updateExpression("SET circuit_state = :half, next_probe_at = :next ADD probes :one")
                    .conditionExpression("circuit_state = :open AND next_probe_at = :due")
                    .expressionAttributeValues(Map.of(":half", s(HALF_OPEN), ":open", s(OPEN), ":due", s(dueAt.toString()),
                            ":next", s(nextProbeAt.toString()), ":one", n(1))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** A probe failed: open again until the next probe (set when the probe started). */
    public void probeFailed(String webhookId) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                    .updateExpression("SET circuit_state = :open")
                    .conditionExpression("circuit_state = :half")
                    .expressionAttributeValues(Map.of(":open", s(OPEN), ":half", s(HALF_OPEN))));
        } catch (ConditionalCheckFailedException e) {
            // closed meanwhile (re-enabled, or a ping succeeded): nothing to undo
        }
    }

    /** Closes the circuit and resets the failure count; false if it was not open or half-open. */
    public boolean closeCircuit(String webhookId) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName).key(key(webhookId))
                    // The replay that follows also re-sends what the backlog cap parked.
                    .updateExpression("SET circuit_state = :closed, failure_count = :zero"
                            + " REMOVE disabled_at, disabled_reason, backlog_parked, failing_since, next_probe_at, probes")
                    .conditionExpression("circuit_state IN (:open, :half)")
                    .expressionAttributeValues(Map.of(":open", s(OPEN), ":half", s(HALF_OPEN), ":closed", s(CLOSED),
                            ":zero", n(0))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String webhookId) {
        return Map.of("pk", s("W#" + webhookId), "sk", s(HEALTH));
    }

    private static WebhookHealth fromItem(String webhookId, Map<String, AttributeValue> item) {
        String state = string(item, "circuit_state");
        boolean open = OPEN.equals(state) || HALF_OPEN.equals(state);
        return new WebhookHealth(webhookId, open, HALF_OPEN.equals(state),
                (int) Math.max(0, number(item, "failure_count", 0)), instant(item, "failing_since"),
                instant(item, "disabled_at"), string(item, "disabled_reason"), open ? instant(item, "next_probe_at") : null,
                (int) number(item, "probes", 0), (int) Math.max(0, number(item, "in_backoff", 0)),
                item.get("backlog_parked") != null && Boolean.TRUE.equals(item.get("backlog_parked").bool()),
                instant(item, "slow_until"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }
}
