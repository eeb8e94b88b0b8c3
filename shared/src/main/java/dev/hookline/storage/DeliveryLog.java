package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;
import static dev.hookline.storage.Attributes.string;

import dev.hookline.delivery.DeliveryRecord;
import dev.hookline.delivery.DeliveryRecord.Attempt;
import dev.hookline.delivery.DeliveryRecord.Status;
import dev.hookline.delivery.WebhookHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The delivery log, parked deliveries and each webhook's circuit, in the deliveries table (docs/delivery.md).
 *
 * <pre>
 * pk              sk                item                                  GSI by_time (KEYS_ONLY)       GSI parked (KEYS_ONLY, sparse)
 * W#{webhook id}  D#{delivery id}   one delivery: state + attempt list    gsi1pk=W#{id}                 parked_pk=W#{id} while parked
 *                                                                         gsi1sk={created ms}#{delivery} parked_sk={created ms}#{delivery}
 * W#{webhook id}  HEALTH            circuit state, consecutive failures, last outcome
 * </pre>
 *
 * Every delivery item carries {@code expires_at} (TTL). The claim is one conditional UpdateItem that both
 * de-duplicates and leases the delivery, so a redelivered or duplicated message never POSTs a delivery twice.
 */
public final class DeliveryLog {

    public static final String BY_TIME_INDEX = "by_time";
    public static final String PARKED_INDEX = "parked";
    /** Response snippets kept per attempt in the log. */
    public static final int SNIPPET_CHARS = 256;
    private static final String DELIVERY_PREFIX = "D#";
    private static final String HEALTH = "HEALTH";
    private static final int MAX_BATCH_GET = 100;

    /** A successful claim: attempts made so far (this one included) and where the current series began. */
    public record Claim(int attempts, int seriesStart) {
        public int attemptInSeries() {
            return attempts - seriesStart;
        }
    }

    /** What parking did; {@link #FROM_BACKOFF} when the delivery had been waiting for a retry. */
    public enum Parked {
        NO, YES, FROM_BACKOFF
    }

    /** What a new delivery item starts with (the claim and parking create it when missing). */
    public record NewDelivery(String deliveryId, String webhookId, String companyId, String eventId, String eventType,
            int series) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Duration retention;

    public DeliveryLog(DynamoDbClient dynamoDb, String tableName, Duration retention) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.retention = retention;
    }

    /**
     * Leases the delivery for one attempt. Refused (empty) when it already succeeded, failed, was aborted or
     * parked, when another copy holds the lease (or its retry is not yet due), or when the message belongs to an
     * older series than the record (a stale copy after a manual retry).
     */
    public Optional<Claim> claim(NewDelivery delivery, Instant now, Duration lease) {
        Map<String, AttributeValue> values = creationValues(delivery, now);
        values.put(":sending", s(Status.SENDING.wire()));
        values.put(":lease", n(now.plus(lease).toEpochMilli()));
        values.put(":one", n(1));
        values.put(":nowms", n(now.toEpochMilli()));
        values.put(":retrying", s(Status.RETRYING.wire()));
        values.put(":queued", s(Status.QUEUED.wire()));
        try {
            UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(delivery.webhookId(), delivery.deliveryId()))
                    .updateExpression(CREATION + ", #status = :sending, lease_until = :lease,"
                            + " attempts = if_not_exists(attempts, :series) + :one")
                    .conditionExpression("attribute_not_exists(pk) OR (series_start = :series"
                            + " AND #status IN (:sending, :retrying, :queued) AND lease_until < :nowms)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            Map<String, AttributeValue> item = response.attributes();
            return Optional.of(new Claim((int) number(item, "attempts", 1), (int) number(item, "series_start", 0)));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Appends an attempt and moves the delivery on. {@code leaseUntil} (the next due time of a retry) keeps early
     * duplicates out; {@code payload} is stored when the delivery ends failed, so recover can re-send it.
     */
    public void recordAttempt(String webhookId, String deliveryId, Attempt attempt, Status status, Instant nextAttemptAt,
            String lastError, Optional<String> payload, Instant now) {
        Map<String, AttributeValue> entry = new HashMap<>();
        entry.put("n", n(attempt.number()));
        entry.put("at", n(attempt.at().toEpochMilli()));
        entry.put("status", n(attempt.status()));
        entry.put("latency_ms", n(attempt.latencyMillis()));
        if (attempt.errorClass() != null) {
            entry.put("error", s(attempt.errorClass()));
        }
        String snippet = attempt.snippet() == null ? "" : attempt.snippet();
        if (!snippet.isEmpty()) {
            entry.put("snippet", s(snippet.length() > SNIPPET_CHARS ? snippet.substring(0, SNIPPET_CHARS) : snippet));
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(status.wire()));
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":lease", n(nextAttemptAt == null ? 0 : nextAttemptAt.minusSeconds(1).toEpochMilli()));
        StringBuilder update = new StringBuilder("SET #status = :status, updated_at = :now, lease_until = :lease,"
                + " attempt_log = list_append(if_not_exists(attempt_log, :empty), :entry)");
        List<String> removals = new ArrayList<>();
        if (nextAttemptAt != null) {
            update.append(", next_attempt_at = :next");
            values.put(":next", n(nextAttemptAt.toEpochMilli()));
        } else {
            removals.add("next_attempt_at");
        }
        if (lastError != null) {
            update.append(", last_error = :error");
            values.put(":error", s(lastError));
        }
        if (payload.isPresent()) {
            update.append(", payload = :payload");
            values.put(":payload", s(payload.get()));
        }
        if (!removals.isEmpty()) {
            update.append(" REMOVE ").append(String.join(", ", removals));
        }
        dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(key(webhookId, deliveryId))
                .updateExpression(update.toString())
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values));
    }

    /**
     * Holds a delivery while its webhook's circuit is open: no attempt, the payload kept, listed in the sparse
     * parked index. Refused (false) for a delivery that is already final or parked (a duplicate).
     */
    public Parked park(NewDelivery delivery, String payload, String reason, Instant now) {
        Map<String, AttributeValue> values = creationValues(delivery, now);
        values.put(":parked", s(Status.PARKED.wire()));
        values.put(":payload", s(payload));
        values.put(":reason", s(reason));
        values.put(":retrying", s(Status.RETRYING.wire()));
        values.put(":queued", s(Status.QUEUED.wire()));
        values.put(":sending", s(Status.SENDING.wire()));
        values.put(":nowms", n(now.toEpochMilli()));
        values.put(":psk", s(timeKey(now, delivery.deliveryId())));
        values.put(":ppk", s(partition(delivery.webhookId())));
        values.put(":zero", n(0));
        try {
            UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(delivery.webhookId(), delivery.deliveryId()))
                    .updateExpression(CREATION + ", #status = :parked, payload = :payload, last_error = :reason,"
                            + " parked_pk = :ppk, parked_sk = :psk, lease_until = :zero,"
                            + " attempts = if_not_exists(attempts, :series)")
                    .conditionExpression("attribute_not_exists(pk) OR (series_start = :series"
                            + " AND #status IN (:sending, :retrying, :queued) AND lease_until < :nowms)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.UPDATED_OLD));
            return Status.RETRYING.wire().equals(string(response.attributes(), "status")) ? Parked.FROM_BACKOFF : Parked.YES;
        } catch (ConditionalCheckFailedException e) {
            return Parked.NO;
        }
    }

    /**
     * Starts a new series for a delivery about to be re-sent (manual retry, recover, replay of parked): status
     * queued, {@code series_start = attempts}, out of the parked index, payload dropped (the message carries it).
     *
     * @return the new series start (the {@code attempt} of the message to send), empty if the delivery is not in
     *         one of {@code from} any more (someone else re-sent it)
     */
    public Optional<Integer> requeue(String webhookId, String deliveryId, Set<Status> from, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":queued", s(Status.QUEUED.wire()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":zero", n(0));
        values.put(":expires", n(now.plus(retention).getEpochSecond()));
        List<String> placeholders = new ArrayList<>();
        int i = 0;
        for (Status status : from) {
            values.put(":from" + i, s(status.wire()));
            placeholders.add(":from" + i++);
        }
        try {
            UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(webhookId, deliveryId))
                    .updateExpression("SET #status = :queued, updated_at = :now, series_start = attempts,"
                            + " lease_until = :zero, expires_at = :expires REMOVE parked_pk, parked_sk, payload, next_attempt_at")
                    .conditionExpression("#status IN (" + String.join(", ", placeholders) + ")")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.UPDATED_NEW));
            return Optional.of((int) number(response.attributes(), "series_start", 0));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    public Optional<DeliveryRecord> find(String webhookId, String deliveryId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(key(webhookId, deliveryId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of a webhook's deliveries, newest first, keeping those with a status in {@code statuses} (all when
     * empty). Reads on until the page is full, the index ends, or {@code maxScanned} keys were looked at.
     */
    public Page<DeliveryRecord> list(String webhookId, Set<Status> statuses, Optional<String> cursor, int limit) {
        return page(webhookId, BY_TIME_INDEX, "gsi1pk", "gsi1sk", null, false, statuses, cursor, limit);
    }

    /** Deliveries created at or after {@code since}, oldest first, with a status in {@code statuses}. */
    public Page<DeliveryRecord> since(String webhookId, Instant since, Set<Status> statuses, Optional<String> cursor,
            int limit) {
        return page(webhookId, BY_TIME_INDEX, "gsi1pk", "gsi1sk", timeKey(since, ""), true, statuses, cursor, limit);
    }

    /** Parked deliveries, oldest first. */
    public Page<DeliveryRecord> parked(String webhookId, Optional<String> cursor, int limit) {
        return page(webhookId, PARKED_INDEX, "parked_pk", "parked_sk", null, true, Set.of(Status.PARKED), cursor, limit);
    }

    private Page<DeliveryRecord> page(String webhookId, String index, String pkName, String skName, String from,
            boolean ascending, Set<Status> statuses, Optional<String> cursor, int limit) {
        List<DeliveryRecord> out = new ArrayList<>();
        Map<String, AttributeValue> start = cursor.map(c -> {
            String sk = Cursors.decode(c, "");
            Map<String, AttributeValue> key = new HashMap<>();
            key.put(pkName, s(partition(webhookId)));
            key.put(skName, s(sk));
            key.put("pk", s(partition(webhookId)));
            key.put("sk", s(DELIVERY_PREFIX + sk.substring(sk.indexOf('#') + 1)));
            return key;
        }).orElse(null);
        int scanned = 0;
        int maxScanned = Math.max(limit * 20, 500);
        while (true) {
            Map<String, AttributeValue> exclusiveStart = start;
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":pk", s(partition(webhookId)));
            String condition = "#pk = :pk";
            if (from != null) {
                condition += " AND #sk >= :from";
                values.put(":from", s(from));
            }
            String keyCondition = condition;
            QueryResponse response = dynamoDb.query(QueryRequest.builder().tableName(tableName).indexName(index)
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeNames(from != null ? Map.of("#pk", pkName, "#sk", skName) : Map.of("#pk", pkName))
                    .expressionAttributeValues(values)
                    .scanIndexForward(ascending)
                    .exclusiveStartKey(exclusiveStart)
                    .limit(Math.min(MAX_BATCH_GET, Math.max(limit, 25)))
                    .build());
            List<Map<String, AttributeValue>> keys = response.items();
            scanned += keys.size();
            Map<String, Map<String, AttributeValue>> items = batchGet(keys);
            for (int i = 0; i < keys.size(); i++) {
                Map<String, AttributeValue> item = items.get(string(keys.get(i), "sk"));
                if (item != null) {
                    DeliveryRecord record = fromItem(item);
                    if (statuses.isEmpty() || statuses.contains(record.status())) {
                        out.add(record);
                    }
                }
                boolean last = i == keys.size() - 1 && !response.hasLastEvaluatedKey();
                if (out.size() == limit || (i == keys.size() - 1 && scanned >= maxScanned && !last)) {
                    return new Page<>(out, last ? Optional.empty() : Optional.of(Cursors.encode(string(keys.get(i), skName))));
                }
            }
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                return new Page<>(out, Optional.empty());
            }
            start = response.lastEvaluatedKey();
        }
    }

    private Map<String, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        List<Map<String, AttributeValue>> pending = keys.stream()
                .map(k -> Map.of("pk", k.get("pk"), "sk", k.get("sk"))).distinct().toList();
        for (int round = 0; !pending.isEmpty() && round < 10; round++) {
            List<Map<String, AttributeValue>> request = pending;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(
                    Map.of(tableName, KeysAndAttributes.builder().keys(request).build())));
            response.responses().getOrDefault(tableName, List.of()).forEach(item -> found.put(string(item, "sk"), item));
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
            pending = unprocessed == null ? List.of() : unprocessed.keys();
        }
        return found;
    }

    // ------------------------------------------------------------------ circuit

    public WebhookHealth health(String webhookId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? WebhookHealth.closed(webhookId) : healthFromItem(webhookId, item);
    }

    /** The circuits of several webhooks at once (one BatchGetItem per 100), for listings. */
    public Map<String, WebhookHealth> healths(List<String> webhookIds) {
        Map<String, WebhookHealth> result = new HashMap<>();
        for (int i = 0; i < webhookIds.size(); i += MAX_BATCH_GET) {
            List<Map<String, AttributeValue>> keys = webhookIds.subList(i, Math.min(webhookIds.size(), i + MAX_BATCH_GET))
                    .stream().distinct().map(id -> Map.of("pk", s(partition(id)), "sk", s(HEALTH))).toList();
            for (int round = 0; !keys.isEmpty() && round < 10; round++) {
                List<Map<String, AttributeValue>> request = keys;
                BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(
                        Map.of(tableName, KeysAndAttributes.builder().keys(request).build())));
                response.responses().getOrDefault(tableName, List.of()).forEach(item -> {
                    String id = string(item, "pk").substring(2);
                    result.put(id, healthFromItem(id, item));
                });
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
                keys = unprocessed == null ? List.of() : unprocessed.keys();
            }
        }
        webhookIds.forEach(id -> result.putIfAbsent(id, WebhookHealth.closed(id)));
        return result;
    }

    /**
     * One more consecutive failure; returns the state after it.
     *
     * @param backoffDelta change of the webhook's deliveries in backoff (+1 into a retry, -1 out of one)
     */
    public WebhookHealth recordFailure(String webhookId, WebhookHealth.LastOutcome outcome, int backoffDelta) {
        Map<String, AttributeValue> values = outcomeValues(outcome);
        values.put(":one", n(1));
        values.put(":delta", n(backoffDelta));
        UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                .updateExpression("SET last_outcome = :last, written_at = :written ADD failure_count :one, in_backoff :delta")
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        return healthFromItem(webhookId, response.attributes());
    }

    /** Resets the consecutive failures (the circuit's state is left alone); {@code backoffDelta} as for failures. */
    public WebhookHealth recordSuccess(String webhookId, WebhookHealth.LastOutcome outcome, int backoffDelta) {
        Map<String, AttributeValue> values = outcomeValues(outcome);
        values.put(":zero", n(0));
        values.put(":delta", n(backoffDelta));
        UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                .updateExpression("SET last_outcome = :last, written_at = :written, failure_count = :zero ADD in_backoff :delta")
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        return healthFromItem(webhookId, response.attributes());
    }

    /** Changes the count of deliveries in backoff (a delivery left backoff without an attempt: parked). */
    public WebhookHealth adjustBackoff(String webhookId, int delta) {
        UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                .updateExpression("ADD in_backoff :delta")
                .expressionAttributeValues(Map.of(":delta", n(delta)))
                .returnValues(ReturnValue.ALL_NEW));
        return healthFromItem(webhookId, response.attributes());
    }

    /** Notes that deliveries were parked for the backlog cap, so the replay starts when the backlog halves. */
    public void markBacklogParked(String webhookId) {
        dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                .updateExpression("SET backlog_parked = :true")
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
    }

    /** Clears the backlog mark; true for the one caller that cleared it (and so queues the replay). */
    public boolean clearBacklogParked(String webhookId) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                    .updateExpression("REMOVE backlog_parked")
                    .conditionExpression("backlog_parked = :true")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Opens the circuit; false if it already was open (someone else opened it). */
    public boolean openCircuit(String webhookId, String reason, Instant now) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                    .updateExpression("SET circuit_state = :open, disabled_at = :now, disabled_reason = :reason")
                    .conditionExpression("attribute_not_exists(circuit_state) OR circuit_state <> :open")
                    .expressionAttributeValues(Map.of(":open", s("open"), ":now", s(now.toString()), ":reason", s(reason))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Closes the circuit and resets the failure count; false if it was not open. */
    public boolean closeCircuit(String webhookId) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(Map.of("pk", s(partition(webhookId)), "sk", s(HEALTH)))
                    // The replay that follows also re-sends what the backlog cap parked.
                    .updateExpression("SET circuit_state = :closed, failure_count = :zero"
                            + " REMOVE disabled_at, disabled_reason, backlog_parked")
                    .conditionExpression("circuit_state = :open")
                    .expressionAttributeValues(Map.of(":open", s("open"), ":closed", s("closed"), ":zero", n(0))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ mapping

    private static final String CREATION = "SET delivery_id = :id, webhook_id = :webhook, company_id = :company,"
            + " event_id = :event, event_type = :type, updated_at = :now, expires_at = :expires,"
            + " created_at = if_not_exists(created_at, :now), series_start = if_not_exists(series_start, :series),"
            + " gsi1pk = :gpk, gsi1sk = if_not_exists(gsi1sk, :gsk)";

    private Map<String, AttributeValue> creationValues(NewDelivery delivery, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":id", s(delivery.deliveryId()));
        values.put(":webhook", s(delivery.webhookId()));
        values.put(":company", s(delivery.companyId()));
        values.put(":event", s(delivery.eventId()));
        values.put(":type", s(delivery.eventType()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":expires", n(now.plus(retention).getEpochSecond()));
        values.put(":series", n(delivery.series()));
        values.put(":gpk", s(partition(delivery.webhookId())));
        values.put(":gsk", s(timeKey(now, delivery.deliveryId())));
        return values;
    }

    private static Map<String, AttributeValue> outcomeValues(WebhookHealth.LastOutcome outcome) {
        Map<String, AttributeValue> last = new LinkedHashMap<>();
        last.put("delivery_id", s(outcome.deliveryId()));
        last.put("status", s(outcome.status()));
        last.put("http_status", n(outcome.httpStatus()));
        if (outcome.error() != null) {
            last.put("error", s(outcome.error()));
        }
        last.put("at", s(outcome.at().toString()));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":last", AttributeValue.fromM(last));
        values.put(":written", s(outcome.at().toString()));
        return values;
    }

    private static WebhookHealth healthFromItem(String webhookId, Map<String, AttributeValue> item) {
        Optional<WebhookHealth.LastOutcome> last = Optional.ofNullable(item.get("last_outcome")).filter(AttributeValue::hasM)
                .map(AttributeValue::m)
                .map(m -> new WebhookHealth.LastOutcome(string(m, "delivery_id"), string(m, "status"),
                        (int) number(m, "http_status", 0), string(m, "error"), Instant.parse(string(m, "at"))));
        String disabledAt = string(item, "disabled_at");
        String writtenAt = string(item, "written_at");
        return new WebhookHealth(webhookId, "open".equals(string(item, "circuit_state")),
                (int) number(item, "failure_count", 0), disabledAt == null ? null : Instant.parse(disabledAt),
                string(item, "disabled_reason"), last, writtenAt == null ? null : Instant.parse(writtenAt),
                (int) Math.max(0, number(item, "in_backoff", 0)), item.get("backlog_parked") != null
                        && Boolean.TRUE.equals(item.get("backlog_parked").bool()));
    }

    static DeliveryRecord fromItem(Map<String, AttributeValue> item) {
        List<Attempt> attempts = new ArrayList<>();
        AttributeValue log = item.get("attempt_log");
        if (log != null && log.hasL()) {
            for (AttributeValue value : log.l()) {
                Map<String, AttributeValue> m = value.m();
                attempts.add(new Attempt((int) number(m, "n", 0), Instant.ofEpochMilli(number(m, "at", 0)),
                        (int) number(m, "status", 0), number(m, "latency_ms", 0), string(m, "error"),
                        Optional.ofNullable(string(m, "snippet")).orElse("")));
            }
        }
        long next = number(item, "next_attempt_at", -1);
        return new DeliveryRecord(string(item, "delivery_id"), string(item, "webhook_id"), string(item, "company_id"),
                string(item, "event_id"), string(item, "event_type"),
                Status.parse(string(item, "status")).orElse(Status.SENDING),
                (int) number(item, "attempts", 0), (int) number(item, "series_start", 0),
                Instant.ofEpochMilli(number(item, "created_at", 0)), Instant.ofEpochMilli(number(item, "updated_at", 0)),
                next < 0 ? null : Instant.ofEpochMilli(next), string(item, "last_error"), attempts,
                Optional.ofNullable(string(item, "payload")));
    }

    private static Map<String, AttributeValue> key(String webhookId, String deliveryId) {
        return Map.of("pk", s(partition(webhookId)), "sk", s(DELIVERY_PREFIX + deliveryId));
    }

    private static String partition(String webhookId) {
        return "W#" + webhookId;
    }

    /** Fixed-width epoch milliseconds, so the index sorts by time. */
    static String timeKey(Instant at, String deliveryId) {
        return String.format("%013d#%s", at.toEpochMilli(), deliveryId);
    }
}
