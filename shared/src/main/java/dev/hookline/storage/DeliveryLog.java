package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;
import static dev.hookline.storage.Attributes.string;

import dev.hookline.delivery.DeliveryIds;
import dev.hookline.delivery.DeliveryRecord;
import dev.hookline.delivery.DeliveryRecord.Attempt;
import dev.hookline.delivery.DeliveryRecord.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The delivery log: one item per delivery, in the deliveries table (docs/delivery.md, "State model").
 *
 * <pre>
 * pk                      sk                 item                                       GSI parked (KEYS_ONLY, sparse)
 * W#{webhook id}#{shard}  D#{delivery id}    state, attempts, attempt list, payload     parked_pk = pk, parked_sk = sk
 *                                            (payload only while failed or parked)      only while parked
 * </pre>
 *
 * A delivery id starts with its event's time ({@link DeliveryIds}), so each shard's sort key is in time order and
 * a listing merges the {@link DeliveryIds#SHARDS} shards; the shards spread a busy webhook's writes over several
 * partitions. Nothing is written before an attempt: SQS holds a delivery until its outcome is recorded here, a
 * first-attempt success costs one item write (batched per SQS batch), and every later write is conditional on
 * the delivery's series and on its not having ended, so a stale or duplicated message can never move it back.
 */
public final class DeliveryLog {

    public static final String PARKED_INDEX = "parked";
    /** Response snippets kept per attempt in the log. */
    public static final int SNIPPET_CHARS = 256;
    private static final String DELIVERY_PREFIX = "D#";
    /** A filtered listing looks at no more deliveries than this per page, and hands back a cursor. */
    private static final int MAX_EXAMINED = 1_000;

    /** What a new record of a delivery is made of. */
    public record NewDelivery(String deliveryId, String webhookId, String companyId, String eventId, String eventType,
            int series) {
    }

    /** The answer to a conditional write: written, or refused with the state that refused it. */
    public sealed interface Write {
    }

    public record Written() implements Write {
    }

    /** The delivery had ended (or was parked) in this series: the caller's copy is a duplicate. */
    public record AlreadyEnded(Status status) implements Write {
    }

    /** A newer series (a retry, recover or replay) owns the delivery: the caller's copy is stale. */
    public record Superseded(int series) implements Write {
    }

    /** What parking did; {@link #FROM_BACKOFF} when the delivery had been waiting for a retry. */
    public enum Parked {
        NO, YES, FROM_BACKOFF
    }

    /**
     * How long records are kept (DynamoDB TTL from their last write): successes for {@code succeeded}, every
     * other record (failed, parked, in progress) for {@code other}. Successes are most of the table and least
     * looked at, so keeping them shorter is most of what storage costs.
     */
    public record Retention(Duration succeeded, Duration other) {

        public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(30));

        public Retention {
            if (succeeded.compareTo(Duration.ofDays(1)) < 0 || other.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("delivery log retention is at least one day");
            }
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Retention retention;

    public DeliveryLog(DynamoDbClient dynamoDb, String tableName, Retention retention) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.retention = retention;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Records first-attempt successes, one unconditional item each, in as few BatchWriteItem calls as fit. Only a
     * delivery's first message on its first receive gets here, so no earlier state exists but for a rare
     * duplicate copy, which this success truthfully replaces.
     */
    public void recordFirstSuccesses(List<NewDelivery> deliveries, List<Attempt> attempts, Instant now) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < deliveries.size(); i++) {
            NewDelivery delivery = deliveries.get(i);
            Map<String, AttributeValue> item = new HashMap<>(creation(delivery, now));
            item.putAll(key(delivery.webhookId(), delivery.deliveryId()));
            item.put("status", s(Status.SUCCEEDED.wire()));
            item.put("expires_at", n(now.plus(retention.succeeded()).getEpochSecond()));
            item.put("attempts", n(1));
            item.put("attempt_log", AttributeValue.fromL(List.of(AttributeValue.fromM(attemptEntry(attempts.get(i))))));
            items.add(item);
        }
        BatchItems.put(dynamoDb, tableName, items);
    }

    /**
     * Appends an attempt and moves the delivery on, unless it ended or was parked in this series, or a newer
     * series owns it. {@code nextAttemptAt} is when a retry is due; {@code payload} is kept when the delivery
     * ends failed, so a retry or recover can re-send it.
     */
    public Write recordAttempt(NewDelivery delivery, Attempt attempt, Status status, Instant nextAttemptAt,
            String lastError, Optional<String> payload, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(creationValues(delivery, now));
        values.put(":status", s(status.wire()));
        if (status == Status.SUCCEEDED) {
            values.put(":expires", n(now.plus(retention.succeeded()).getEpochSecond()));
        }
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(attemptEntry(attempt)))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        values.put(":one", n(1));
        values.put(":zero", n(0));
        StringBuilder update = new StringBuilder(CREATION + ", #status = :status,"
                + " attempts = if_not_exists(attempts, :zero) + :one,"
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
        return conditionally(delivery, update.toString(), values);
    }

    /**
     * Holds a delivery while its webhook is disabled or over its backlog: no attempt, the payload kept, listed in
     * the sparse parked index. Refused for a delivery that ended or was parked in this series (a duplicate).
     */
    public Parked park(NewDelivery delivery, String payload, String reason, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>(creationValues(delivery, now));
        Map<String, AttributeValue> key = key(delivery.webhookId(), delivery.deliveryId());
        values.put(":parked", s(Status.PARKED.wire()));
        values.put(":payload", s(payload));
        values.put(":reason", s(reason));
        values.put(":ppk", key.get("pk"));
        values.put(":psk", key.get("sk"));
        values.put(":zero", n(0));
        Status before = Status.QUEUED;
        try {
            UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName).key(key)
                    .updateExpression(CREATION + ", #status = :parked, payload = :payload, last_error = :reason,"
                            + " parked_pk = :ppk, parked_sk = :psk, attempts = if_not_exists(attempts, :zero)"
                            + " REMOVE next_attempt_at")
                    .conditionExpression(OPEN_IN_SERIES)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(withOpenStatuses(values))
                    .returnValues(ReturnValue.UPDATED_OLD));
            before = Status.parse(string(response.attributes(), "status")).orElse(Status.QUEUED);
        } catch (ConditionalCheckFailedException e) {
            return Parked.NO;
        }
        return before == Status.RETRYING ? Parked.FROM_BACKOFF : Parked.YES;
    }

    /**
     * Starts a new series for a delivery about to be re-sent (manual retry, recover, replay of parked, re-drive
     * from the dead-letter queue): status queued, {@code series_start = attempts}, out of the parked index,
     * payload dropped (the message carries it).
     *
     * @param series when present, only if the delivery is still in that series (a re-drive's copy)
     * @return the new series (the {@code attempt} of the message to send); empty if the delivery is not in one of
     *         {@code from} (or that series) any more: someone else re-sent it
     */
    public Optional<Integer> requeue(String webhookId, String deliveryId, Set<Status> from, Optional<Integer> series,
            Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":queued", s(Status.QUEUED.wire()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":expires", n(now.plus(retention.other()).getEpochSecond()));
        List<String> placeholders = new ArrayList<>();
        for (Status status : from) {
            values.put(":from" + placeholders.size(), s(status.wire()));
            placeholders.add(":from" + placeholders.size());
        }
        String condition = "#status IN (" + String.join(", ", placeholders) + ")";
        if (series.isPresent()) {
            condition += " AND series_start = :series";
            values.put(":series", n(series.get()));
        }
        String finalCondition = condition;
        try {
            UpdateItemResponse response = dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(webhookId, deliveryId))
                    .updateExpression("SET #status = :queued, updated_at = :now, series_start = attempts,"
                            + " expires_at = :expires REMOVE parked_pk, parked_sk, payload, next_attempt_at")
                    .conditionExpression(finalCondition)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.UPDATED_NEW));
            return Optional.of((int) number(response.attributes(), "series_start", 0));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ reads

    /** One delivery, read strongly consistent (the delivery function asks only when a message comes back). */
    public Optional<DeliveryRecord> find(String webhookId, String deliveryId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(key(webhookId, deliveryId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** A page of a webhook's deliveries, newest first, keeping those with a status in {@code statuses} (all when empty). */
    public Page<DeliveryRecord> list(String webhookId, Set<Status> statuses, Optional<String> cursor, int limit) {
        return merged(webhookId, false, cursor.map(c -> Cursors.decode(c, DELIVERY_PREFIX)).orElse(null), null,
                withStatus(statuses), limit);
    }

    /** Deliveries of events at or after {@code since}, oldest first, with a status in {@code statuses}. */
    public Page<DeliveryRecord> since(String webhookId, Instant since, Set<Status> statuses, Optional<String> cursor,
            int limit) {
        return merged(webhookId, true, cursor.map(c -> Cursors.decode(c, DELIVERY_PREFIX)).orElse(null),
                DELIVERY_PREFIX + DeliveryIds.lowerBound(since), withStatus(statuses), limit);
    }

    /** The newest delivery of each webhook (its last outcome), read in parallel. */
    public Map<String, DeliveryRecord> latest(List<String> webhookIds) {
        Map<String, DeliveryRecord> latest = new HashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<Page<DeliveryRecord>>> pages = new LinkedHashMap<>();
            for (String webhookId : webhookIds) {
                pages.put(webhookId, executor.submit(() -> merged(webhookId, false, null, null, record -> true, 1)));
            }
            for (Map.Entry<String, Future<Page<DeliveryRecord>>> page : pages.entrySet()) {
                List<DeliveryRecord> items = page.getValue().get().items();
                if (!items.isEmpty()) {
                    latest.put(page.getKey(), items.get(0));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
        return latest;
    }

    /** Parked deliveries, oldest first: the index gives their keys, a BatchGetItem their payloads. */
    public Page<DeliveryRecord> parked(String webhookId, Optional<String> cursor, int limit) {
        List<ShardReader> readers = new ArrayList<>();
        String after = cursor.map(c -> Cursors.decode(c, DELIVERY_PREFIX)).orElse(null);
        for (int shard = 0; shard < DeliveryIds.SHARDS; shard++) {
            readers.add(new ShardReader(partition(webhookId, shard), PARKED_INDEX, "parked_pk", "parked_sk", true,
                    after, null, limit));
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        Optional<String> next = merge(readers, true, limit, keys::add, key -> true);
        Map<String, Map<String, AttributeValue>> items = batchGet(keys);
        List<DeliveryRecord> records = new ArrayList<>();
        for (Map<String, AttributeValue> key : keys) {
            Map<String, AttributeValue> item = items.get(string(key, "sk"));
            if (item != null && Status.PARKED.wire().equals(string(item, "status"))) {
                records.add(fromItem(item));
            }
        }
        return new Page<>(records, next);
    }

    private static Predicate<Map<String, AttributeValue>> withStatus(Set<Status> statuses) {
        return item -> statuses.isEmpty() || Status.parse(string(item, "status")).map(statuses::contains).orElse(false);
    }

    private Page<DeliveryRecord> merged(String webhookId, boolean ascending, String after, String from,
            Predicate<Map<String, AttributeValue>> keep, int limit) {
        List<ShardReader> readers = new ArrayList<>();
        for (int shard = 0; shard < DeliveryIds.SHARDS; shard++) {
            readers.add(new ShardReader(partition(webhookId, shard), null, "pk", "sk", ascending, after, from, limit));
        }
        List<DeliveryRecord> records = new ArrayList<>();
        Optional<String> next = merge(readers, ascending, limit, item -> records.add(fromItem(item)), keep);
        return new Page<>(records, next);
    }

    /**
     * Takes items from the shards in sort-key order until {@code limit} were kept or {@link #MAX_EXAMINED} looked
     * at. Every item before the last one taken has been seen in every shard, so that item's sort key is a correct
     * cursor for the next page.
     */
    private static Optional<String> merge(List<ShardReader> readers, boolean ascending, int limit,
            Consumer<Map<String, AttributeValue>> out, Predicate<Map<String, AttributeValue>> keep) {
        Comparator<ShardReader> order = Comparator.comparing(ShardReader::headKey);
        Comparator<ShardReader> first = ascending ? order : order.reversed();
        int kept = 0;
        int examined = 0;
        while (true) {
            ShardReader best = null;
            for (ShardReader reader : readers) {
                if (reader.hasNext() && (best == null || first.compare(reader, best) < 0)) {
                    best = reader;
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            Map<String, AttributeValue> item = best.next();
            examined++;
            if (keep.test(item)) {
                out.accept(item);
                kept++;
            }
            if (kept == limit || examined >= MAX_EXAMINED) {
                boolean more = readers.stream().anyMatch(ShardReader::hasNext);
                return more ? Optional.of(Cursors.encode(string(item, best.sortKey))) : Optional.empty();
            }
        }
    }

    /** One shard's items in sort-key order, read a page at a time as the merge asks for them. */
    private final class ShardReader {
        private final String partitionKey;
        private final String index;
        private final String partitionAttribute;
        private final String sortKey;
        private final boolean ascending;
        private final String after;
        private final String from;
        private final int pageSize;
        private final Deque<Map<String, AttributeValue>> buffer = new ArrayDeque<>();
        private Map<String, AttributeValue> resumeKey;
        private boolean exhausted;

        ShardReader(String partitionKey, String index, String partitionAttribute, String sortKey, boolean ascending,
                String after, String from, int limit) {
            this.partitionKey = partitionKey;
            this.index = index;
            this.partitionAttribute = partitionAttribute;
            this.sortKey = sortKey;
            this.ascending = ascending;
            this.after = after;
            this.from = from;
            this.pageSize = Math.min(BatchItems.MAX_GET_KEYS, Math.max(limit, 10));
        }

        boolean hasNext() {
            if (buffer.isEmpty() && !exhausted) {
                fetch();
            }
            return !buffer.isEmpty();
        }

        Map<String, AttributeValue> next() {
            return buffer.removeFirst();
        }

        String headKey() {
            return string(buffer.peekFirst(), sortKey);
        }

        private void fetch() {
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":pk", s(partitionKey));
            // Only deliveries live under a shard's partition key, so one bound (or none) is the whole condition.
            String condition;
            if (after != null && (from == null || after.compareTo(from) >= 0)) {
                condition = ascending ? "#pk = :pk AND #sk > :bound" : "#pk = :pk AND #sk < :bound";
                values.put(":bound", s(after));
            } else if (from != null) {
                condition = "#pk = :pk AND #sk >= :bound";
                values.put(":bound", s(from));
            } else {
                condition = "#pk = :pk";
            }
            QueryResponse response = dynamoDb.query(QueryRequest.builder().tableName(tableName).indexName(index)
                    .keyConditionExpression(condition)
                    .expressionAttributeNames(condition.contains("#sk")
                            ? Map.of("#pk", partitionAttribute, "#sk", sortKey) : Map.of("#pk", partitionAttribute))
                    .expressionAttributeValues(values)
                    .scanIndexForward(ascending)
                    .exclusiveStartKey(resumeKey)
                    .limit(pageSize)
                    .build());
            buffer.addAll(response.items());
            resumeKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            exhausted = resumeKey == null;
        }
    }

    private Map<String, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        List<Map<String, AttributeValue>> itemKeys = keys.stream().map(k -> Map.of("pk", k.get("pk"), "sk", k.get("sk"))).toList();
        BatchItems.get(dynamoDb, tableName, itemKeys, false).forEach(item -> found.put(string(item, "sk"), item));
        return found;
    }

    // ------------------------------------------------------------------ mapping

    /** Open in the caller's series: not ended, not parked, and no newer series started. */
    private static final String OPEN_IN_SERIES = "attribute_not_exists(pk) OR (series_start = :series"
            + " AND NOT #status IN (:succeeded, :failed, :aborted, :parked_status))";

    private static final String CREATION = "SET delivery_id = :id, webhook_id = :webhook, company_id = :company,"
            + " event_id = :event, event_type = :type, updated_at = :now, expires_at = :expires,"
            + " series_start = if_not_exists(series_start, :series)";

    private Write conditionally(NewDelivery delivery, String update, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(request -> request.tableName(tableName)
                    .key(key(delivery.webhookId(), delivery.deliveryId()))
                    .updateExpression(update)
                    .conditionExpression(OPEN_IN_SERIES)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(withOpenStatuses(values))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Written();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
            int series = (int) number(old, "series_start", delivery.series());
            return series != delivery.series() ? new Superseded(series)
                    : new AlreadyEnded(Status.parse(string(old, "status")).orElse(Status.SUCCEEDED));
        }
    }

    private static Map<String, AttributeValue> withOpenStatuses(Map<String, AttributeValue> values) {
        values.put(":succeeded", s(Status.SUCCEEDED.wire()));
        values.put(":failed", s(Status.FAILED.wire()));
        values.put(":aborted", s(Status.ABORTED.wire()));
        values.put(":parked_status", s(Status.PARKED.wire()));
        return values;
    }

    private Map<String, AttributeValue> creation(NewDelivery delivery, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("delivery_id", s(delivery.deliveryId()));
        item.put("webhook_id", s(delivery.webhookId()));
        item.put("company_id", s(delivery.companyId()));
        item.put("event_id", s(delivery.eventId()));
        item.put("event_type", s(delivery.eventType()));
        item.put("updated_at", n(now.toEpochMilli()));
        item.put("expires_at", n(now.plus(retention.other()).getEpochSecond()));
        item.put("series_start", n(delivery.series()));
        return item;
    }

    private Map<String, AttributeValue> creationValues(NewDelivery delivery, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        creation(delivery, now).forEach((name, value) -> values.put(":" + switch (name) {
            case "delivery_id" -> "id";
            case "webhook_id" -> "webhook";
            case "company_id" -> "company";
            case "event_id" -> "event";
            case "event_type" -> "type";
            case "updated_at" -> "now";
            case "expires_at" -> "expires";
            case "series_start" -> "series";
            default -> throw new IllegalStateException(name);
        }, value));
        return values;
    }

    private static Map<String, AttributeValue> attemptEntry(Attempt attempt) {
        Map<String, AttributeValue> entry = new HashMap<>();
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
        return entry;
    }

    static DeliveryRecord fromItem(Map<String, AttributeValue> item) {
        List<Attempt> attempts = new ArrayList<>();
        AttributeValue log = item.get("attempt_log");
        if (log != null && log.hasL()) {
            for (AttributeValue value : log.l()) {
                Map<String, AttributeValue> m = value.m();
                // Numbered by position: the list holds every recorded attempt, in order.
                attempts.add(new Attempt(attempts.size() + 1, Instant.ofEpochMilli(number(m, "at", 0)),
                        (int) number(m, "status", 0), number(m, "latency_ms", 0), string(m, "error"),
                        Optional.ofNullable(string(m, "snippet")).orElse("")));
            }
        }
        long next = number(item, "next_attempt_at", -1);
        String deliveryId = string(item, "delivery_id");
        return new DeliveryRecord(deliveryId, string(item, "webhook_id"), string(item, "company_id"),
                string(item, "event_id"), string(item, "event_type"),
                Status.parse(string(item, "status")).orElse(Status.QUEUED),
                (int) number(item, "attempts", 0), (int) number(item, "series_start", 0),
                DeliveryIds.time(deliveryId), Instant.ofEpochMilli(number(item, "updated_at", 0)),
                next < 0 ? null : Instant.ofEpochMilli(next), string(item, "last_error"), attempts,
                Optional.ofNullable(string(item, "payload")));
    }

    private static Map<String, AttributeValue> key(String webhookId, String deliveryId) {
        return Map.of("pk", s(partition(webhookId, DeliveryIds.shard(deliveryId))), "sk", s(DELIVERY_PREFIX + deliveryId));
    }

    /** The partition key of one of a webhook's shards; visible for the key-spread test. */
    public static String partition(String webhookId, int shard) {
        return "W#" + webhookId + "#" + shard;
    }

    /** The partition key a delivery's item is written under. */
    public static String partitionOf(String webhookId, String deliveryId) {
        return partition(webhookId, DeliveryIds.shard(deliveryId));
    }
}
