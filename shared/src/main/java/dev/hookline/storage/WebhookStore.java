package dev.hookline.storage;

import static dev.hookline.storage.Attributes.bool;
import static dev.hookline.storage.Attributes.instant;
import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;
import static dev.hookline.storage.Attributes.string;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.Jitter;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.webhooks.WebhookVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Webhooks and their subscription index in one single-table design. Every write puts the webhook and its
 * index entries in one transaction, so fan-out's index never disagrees with the registry.
 *
 * <pre>
 * pk                                   sk                          item
 * T#{company}                          W#{webhook id}              the webhook
 * T#{company}                          IDEM#{idempotency key}      a create's idempotency record (TTL)
 * T#{company}                          V#{webhook id}#{version}    one change to the webhook (TTL; version 19 digits)
 * SUB#{company}#{resource}.{trigger}   {identifier|*}#{webhook id} direct subscription
 * PROP#{company}#{resource}.{trigger}  {identifier|*}#{webhook id} subscription through related resources
 * T#{company}                          INDEX_EPOCH                 the tenant epoch: +1 with every change of its webhooks
 * </pre>
 *
 * Every write also puts the webhook's {@link WebhookVersion} in the same transaction, so its history can
 * neither miss nor invent a change.
 *
 * <p>Only matchable (active, not deleted) webhooks have index entries, so fan-out needs no filter and no Scan. An
 * entry of an {@code update} type carries the webhook's change filter ({@code change_filter}, its JSON form), so
 * matching checks it without reading the webhook.
 * The tenant epoch lets containers cache a tenant's index and webhooks and still see every change at once:
 * every create and update increments it in the same transaction. Fan-out uses a cached index partition only
 * under the epoch read for the batch at hand, and stamps that epoch on the deliveries it sends; the delivery
 * function reads a webhook again when a message carries a newer epoch than its cached copy was read under (a
 * rotated secret signs the very next delivery).
 */
public final class WebhookStore {

    /** How long a webhook's versions are kept (DynamoDB TTL from the change) unless the deployment says otherwise. */
    public static final Duration DEFAULT_VERSION_RETENTION = Duration.ofDays(90);

    /** DynamoDB's limit on items in one transaction. */
    private static final int MAX_TRANSACTION_ITEMS = 100;
    private static final String WEBHOOK_PREFIX = "W#";
    private static final String IDEMPOTENCY_PREFIX = "IDEM#";
    private static final String VERSION_PREFIX = "V#";
    private static final String ANY_IDENTIFIER = "*";
    private static final String INDEX_EPOCH_KEY = "INDEX_EPOCH";
    /** Tries of a transaction that lost a race for the tenant epoch to another write of the same tenant. */
    private static final int MAX_TRANSACTION_TRIES = 5;

    /**
     * A webhook found through the index for an event of a given type; {@code changeFilter} is the one its index
     * entry carries, which matching checks in memory.
     */
    public record Subscription(String webhookId, EventType registeredOn, boolean viaPropagation,
            ChangeFilter changeFilter) {
    }

    public record IdempotencyRecord(String key, String fingerprint, String webhookId, Instant expiresAt) {
    }

    /** The idempotency key was taken by a concurrent create: the caller re-reads and replays it. */
    public static final class IdempotencyKeyTakenException extends RuntimeException {
        public IdempotencyKeyTakenException() {
            super("Idempotency key already used", null, false, false);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Duration versionRetention;

    public WebhookStore(DynamoDbClient dynamoDb, String tableName, Duration versionRetention) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.versionRetention = versionRetention;
    }

    /**
     * Upper bound of subscribed event types, so an update (webhook, its version, epoch, old index out, new index
     * in) fits one transaction.
     */
    public static int maxEventsPerWebhook() {
        return (MAX_TRANSACTION_ITEMS - 3) / 4;
    }

    public void create(Webhook webhook, WebhookVersion version, Optional<IdempotencyRecord> idempotency) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(put -> put.tableName(tableName)
                .item(toItem(webhook))
                .conditionExpression("attribute_not_exists(pk)")).build());
        idempotency.ifPresent(record -> writes.add(TransactWriteItem.builder().put(put -> put.tableName(tableName)
                .item(toItem(webhook.companyId(), record))
                .conditionExpression("attribute_not_exists(pk) OR expires_at < :now")
                .expressionAttributeValues(Map.of(":now", n(Instant.now().getEpochSecond())))).build()));
        Map<String, Map<String, AttributeValue>> index = indexKeys(webhook);
        index.forEach((key, item) -> writes.add(TransactWriteItem.builder()
                .put(put -> put.tableName(tableName).item(item)).build()));
        writes.add(putVersion(webhook.companyId(), version));
        writes.add(nextTenantEpoch(webhook.companyId()));
        try {
            transact(writes);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (idempotency.isPresent() && reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new IdempotencyKeyTakenException();
            }
            throw new ConcurrentModificationException("Webhook id collision or concurrent create");
        }
    }

    /**
     * Replaces {@code current} with {@code next} if nobody changed it since it was read, and moves its index
     * entries and records {@code version} in the same transaction.
     */
    public void update(Webhook current, Webhook next, WebhookVersion version) {
        Map<String, Map<String, AttributeValue>> before = indexKeys(current);
        Map<String, Map<String, AttributeValue>> after = indexKeys(next);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(put -> put.tableName(tableName)
                .item(toItem(next))
                .conditionExpression("version = :expected")
                .expressionAttributeValues(Map.of(":expected", n(current.version())))).build());
        before.forEach((id, item) -> {
            if (!after.containsKey(id)) {
                writes.add(TransactWriteItem.builder().delete(delete -> delete.tableName(tableName)
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))).build());
            }
        });
        after.forEach((id, item) -> {
            // An entry whose key stays can still change: its change filter.
            if (!item.equals(before.get(id))) {
                writes.add(TransactWriteItem.builder().put(put -> put.tableName(tableName).item(item)).build());
            }
        });
        writes.add(putVersion(next.companyId(), version));
        writes.add(nextTenantEpoch(next.companyId()));
        try {
            transact(writes);
        } catch (TransactionCanceledException e) {
            throw new ConcurrentModificationException("Webhook changed since it was read");
        }
    }

    /**
     * Runs the transaction, again after a short random pause when it only lost a race with another write of the
     * same tenant (both increment the tenant epoch): a tenant creating webhooks in parallel gets them all.
     */
    private void transact(List<TransactWriteItem> writes) {
        for (int tries = 1; ; tries++) {
            try {
                dynamoDb.transactWriteItems(request -> request.transactItems(writes));
                return;
            } catch (TransactionCanceledException e) {
                boolean conflict = e.hasCancellationReasons()
                        && e.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()))
                        && e.cancellationReasons().stream().noneMatch(r -> "ConditionalCheckFailed".equals(r.code()));
                if (!conflict || tries == MAX_TRANSACTION_TRIES) {
                    throw e;
                }
                try {
                    Thread.sleep(Jitter.below(10L << tries));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private TransactWriteItem putVersion(String companyId, WebhookVersion version) {
        return TransactWriteItem.builder().put(put -> put.tableName(tableName).item(toItem(companyId, version))).build();
    }

    private TransactWriteItem nextTenantEpoch(String companyId) {
        return TransactWriteItem.builder().update(update -> update.tableName(tableName)
                .key(tenantEpochKey(companyId))
                .updateExpression("ADD epoch :one")
                .expressionAttributeValues(Map.of(":one", n(1)))).build();
    }

    /** The key of a tenant's epoch item, which fan-out reads with its ledger entries in one call. */
    static Map<String, AttributeValue> tenantEpochKey(String companyId) {
        return Map.of("pk", s(tenantKey(companyId)), "sk", s(INDEX_EPOCH_KEY));
    }

    /** The company of a tenant epoch item, or null when {@code item} is something else. */
    static String tenantEpochCompany(Map<String, AttributeValue> item) {
        String pk = string(item, "pk");
        return INDEX_EPOCH_KEY.equals(string(item, "sk")) && pk != null && pk.startsWith("T#") ? pk.substring(2) : null;
    }

    static long tenantEpoch(Map<String, AttributeValue> item) {
        return number(item, "epoch", 0);
    }

    /** A webhook (if it exists, soft-deleted included) and the tenant epoch it is current as of. */
    public record Current(Optional<Webhook> webhook, long tenantEpoch) {
    }

    /**
     * The webhook and its tenant's epoch from one snapshot (TransactGetItems): the webhook reflects every change
     * up to that epoch, which is what lets a cache compare it with the epoch a message carries.
     */
    public Current current(String companyId, String webhookId) {
        List<ItemResponse> items = dynamoDb.transactGetItems(request -> request.transactItems(
                TransactGetItem.builder().get(get -> get.tableName(tableName).key(tenantEpochKey(companyId))).build(),
                TransactGetItem.builder().get(get -> get.tableName(tableName)
                        .key(Map.of("pk", s(tenantKey(companyId)), "sk", s(WEBHOOK_PREFIX + webhookId)))).build()))
                .responses();
        Map<String, AttributeValue> epoch = items.get(0).item();
        Map<String, AttributeValue> webhook = items.get(1).item();
        return new Current(webhook == null || webhook.isEmpty() ? Optional.empty() : Optional.of(fromItem(webhook)),
                epoch == null || epoch.isEmpty() ? 0 : tenantEpoch(epoch));
    }

    /** The tenant's current epoch (strongly consistent): senders of API commands stamp it on their messages. */
    public long tenantEpoch(String companyId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(tenantEpochKey(companyId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? 0 : tenantEpoch(item);
    }

    /** Includes soft-deleted webhooks: the system keeps them for their delivery history. */
    public Optional<Webhook> find(String companyId, String webhookId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(tenantKey(companyId)), "sk", s(WEBHOOK_PREFIX + webhookId)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of a tenant's webhooks, in id order, keeping those {@code filter} accepts. Reads on until the page
     * is full or the partition ends, so filters never produce short pages in the middle of a listing.
     */
    public Page<Webhook> list(String companyId, Optional<String> cursor, int limit, Predicate<Webhook> filter) {
        List<Webhook> page = new ArrayList<>();
        Map<String, AttributeValue> startKey = cursor
                .map(c -> Map.of("pk", s(tenantKey(companyId)), "sk", s(Cursors.decode(c, WEBHOOK_PREFIX))))
                .orElse(null);
        while (true) {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse response = dynamoDb.query(request -> request.tableName(tableName)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(tenantKey(companyId)), ":prefix", s(WEBHOOK_PREFIX)))
                    .exclusiveStartKey(exclusiveStart)
                    .limit(Math.max(limit * 2, 25)));
            List<Map<String, AttributeValue>> items = response.items();
            for (int i = 0; i < items.size(); i++) {
                Webhook webhook = fromItem(items.get(i));
                if (filter.test(webhook)) {
                    page.add(webhook);
                }
                boolean lastOfPartition = i == items.size() - 1 && !response.hasLastEvaluatedKey();
                if (page.size() == limit) {
                    return new Page<>(page, lastOfPartition ? Optional.empty()
                            : Optional.of(Cursors.encode(string(items.get(i), "sk"))));
                }
            }
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                return new Page<>(page, Optional.empty());
            }
            startKey = response.lastEvaluatedKey();
        }
    }

    /**
     * A page of a webhook's versions, newest first. Strongly consistent, so a change just answered is listed.
     * Versions past their retention stay listed until DynamoDB's TTL deletes them.
     */
    public Page<WebhookVersion> versions(String companyId, String webhookId, Optional<String> cursor, int limit) {
        String prefix = versionPrefix(webhookId);
        QueryRequest.Builder request = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(tenantKey(companyId)), ":prefix", s(prefix)))
                .scanIndexForward(false)
                .consistentRead(true)
                // One more than the page: a next cursor only when there is a next version.
                .limit(limit + 1);
        cursor.ifPresent(c -> request.exclusiveStartKey(
                Map.of("pk", s(tenantKey(companyId)), "sk", s(Cursors.decode(c, prefix)))));
        List<Map<String, AttributeValue>> items = dynamoDb.queryPaginator(request.build()).items().stream()
                .limit(limit + 1L).toList();
        List<Map<String, AttributeValue>> page = items.subList(0, Math.min(limit, items.size()));
        return new Page<>(page.stream().map(WebhookStore::versionFromItem).toList(), items.size() > limit
                ? Optional.of(Cursors.encode(string(page.getLast(), "sk"))) : Optional.empty());
    }

    public Optional<IdempotencyRecord> findIdempotencyRecord(String companyId, String key, Instant now) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(Map.of("pk", s(tenantKey(companyId)), "sk", s(IDEMPOTENCY_PREFIX + key)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Instant expiresAt = Instant.ofEpochSecond(number(item, "expires_at", 0));
        // TTL deletion lags by up to days; an expired record must not replay.
        if (!expiresAt.isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(new IdempotencyRecord(key, string(item, "fingerprint"), string(item, "webhook_id"), expiresAt));
    }

    /**
     * Streams the webhooks subscribed to {@code type} for a resource with id {@code resourceId} (null when the
     * event carries none): those without an identifier and those whose identifier equals it. Pages through
     * the index, so memory stays bounded however many webhooks match.
     */
    public void forEachSubscription(String companyId, EventType type, String resourceId, boolean viaPropagation,
            Consumer<Subscription> consumer) {
        subscriptions(companyId, type, null, viaPropagation, null).forEachRemaining(consumer);
        if (resourceId != null && !resourceId.isEmpty()) {
            subscriptions(companyId, type, resourceId, viaPropagation, null).forEachRemaining(consumer);
        }
    }

    /**
     * The webhooks subscribed to {@code type} with exactly this identifier filter ({@code null}: those without
     * one), in ascending webhook id order, starting strictly after {@code afterWebhookId} (null: from the first).
     * Lazy: a page is queried only when the iterator reaches it, so fan-out can stop part-way and resume later
     * from the last id it took.
     */
    public Iterator<Subscription> subscriptions(String companyId, EventType type, String identifier,
            boolean viaPropagation, String afterWebhookId) {
        String partition = (viaPropagation ? "PROP#" : "SUB#") + companyId + "#" + type;
        String prefix = (identifier == null || identifier.isEmpty() ? ANY_IDENTIFIER : identifier) + "#";
        QueryRequest.Builder request = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(partition), ":prefix", s(prefix)))
                .projectionExpression("webhook_id, change_filter");
        if (afterWebhookId != null) {
            // Sort keys are {identifier|*}#{webhook id}, so this start key resumes right after that webhook.
            request.exclusiveStartKey(Map.of("pk", s(partition), "sk", s(prefix + afterWebhookId)));
        }
        return dynamoDb.queryPaginator(request.build()).items().stream()
                .map(item -> new Subscription(string(item, "webhook_id"), type, viaPropagation, changeFilter(item)))
                .iterator();
    }

    /**
     * One index partition (the subscriptions to {@code type}, direct or through related resources) whole, for
     * fan-out's per-container cache; empty when it holds more than {@code limit} entries, which are then only
     * streamed. Strongly consistent, so a partition cached under an epoch holds every change up to that epoch.
     */
    public Optional<IndexPartition> indexPartition(String companyId, EventType type, boolean viaPropagation, int limit) {
        String partition = (viaPropagation ? "PROP#" : "SUB#") + companyId + "#" + type;
        Map<String, List<Subscription>> byIdentifier = new HashMap<>();
        int entries = 0;
        QueryRequest request = QueryRequest.builder().tableName(tableName)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(partition)))
                .projectionExpression("sk, webhook_id, change_filter")
                .consistentRead(true)
                .build();
        for (Map<String, AttributeValue> item : dynamoDb.queryPaginator(request).items()) {
            if (++entries > limit) {
                return Optional.empty();
            }
            String sortKey = string(item, "sk");
            String identifier = sortKey.substring(0, sortKey.lastIndexOf('#'));
            byIdentifier.computeIfAbsent(identifier, i -> new ArrayList<>())
                    .add(new Subscription(string(item, "webhook_id"), type, viaPropagation, changeFilter(item)));
        }
        byIdentifier.replaceAll((identifier, subscriptions) -> List.copyOf(subscriptions));
        return Optional.of(new IndexPartition(Map.copyOf(byIdentifier), entries));
    }

    /**
     * An index partition read whole, its subscriptions grouped by identifier filter, each group ascending by
     * webhook id (the sort key order).
     */
    public record IndexPartition(Map<String, List<Subscription>> byIdentifier, int size) {

        /** As {@link #subscriptions}: exactly this identifier filter ({@code null}: none), after {@code afterWebhookId}. */
        public List<Subscription> subscriptions(String identifier, String afterWebhookId) {
            List<Subscription> group = byIdentifier.getOrDefault(
                    identifier == null || identifier.isEmpty() ? ANY_IDENTIFIER : identifier, List.of());
            if (afterWebhookId == null) {
                return group;
            }
            return group.stream().filter(subscription -> subscription.webhookId().compareTo(afterWebhookId) > 0).toList();
        }
    }

    private Map<String, Map<String, AttributeValue>> indexKeys(Webhook webhook) {
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        if (!webhook.matchable()) {
            return keys;
        }
        String sortKey = webhook.identifierFilter().orElse(ANY_IDENTIFIER) + "#" + webhook.id();
        for (EventType type : webhook.events()) {
            List<String> partitions = new ArrayList<>(List.of("SUB#" + webhook.companyId() + "#" + type));
            if (webhook.triggeredByChildResources()) {
                partitions.add("PROP#" + webhook.companyId() + "#" + type);
            }
            for (String partition : partitions) {
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("pk", s(partition));
                item.put("sk", s(sortKey));
                item.put("webhook_id", s(webhook.id()));
                putChangeFilter(item, webhook.changeFilter(type));
                keys.put(partition + "|" + sortKey, item);
            }
        }
        return keys;
    }

    private static void putChangeFilter(Map<String, AttributeValue> item, ChangeFilter filter) {
        if (!filter.isNone()) {
            item.put("change_filter", s(Json.write(filter.toJson())));
        }
    }

    /** Items without the attribute (all of them before change filters existed) are unfiltered. */
    private static ChangeFilter changeFilter(Map<String, AttributeValue> item) {
        String filter = string(item, "change_filter");
        return filter == null ? ChangeFilter.NONE : ChangeFilter.fromJson(Json.parse(filter));
    }

    private static String tenantKey(String companyId) {
        return "T#" + companyId;
    }

    private static String versionPrefix(String webhookId) {
        return VERSION_PREFIX + webhookId + "#";
    }

    /** Versions are zero-padded in the sort key, so its order is their order. */
    private Map<String, AttributeValue> toItem(String companyId, WebhookVersion version) {
        return Map.of(
                "pk", s(tenantKey(companyId)),
                "sk", s(versionPrefix(version.webhookId()) + "%019d".formatted(version.version())),
                "webhook_id", s(version.webhookId()),
                "version", n(version.version()),
                "action", s(version.action().wire()),
                "changed_at", instant(version.changedAt()),
                "api_key_id", s(version.apiKeyId()),
                "changes", s(Json.write(version.changes())),
                "expires_at", n(version.changedAt().plus(versionRetention).getEpochSecond()));
    }

    private static WebhookVersion versionFromItem(Map<String, AttributeValue> item) {
        return new WebhookVersion(string(item, "webhook_id"), number(item, "version", 0),
                WebhookVersion.Action.parse(string(item, "action")), instant(item, "changed_at"),
                string(item, "api_key_id"), (ObjectNode) Json.parse(string(item, "changes")));
    }

    private static Map<String, AttributeValue> toItem(String companyId, IdempotencyRecord record) {
        return Map.of(
                "pk", s(tenantKey(companyId)),
                "sk", s(IDEMPOTENCY_PREFIX + record.key()),
                "fingerprint", s(record.fingerprint()),
                "webhook_id", s(record.webhookId()),
                "expires_at", n(record.expiresAt().getEpochSecond()));
    }

    static Map<String, AttributeValue> toItem(Webhook webhook) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(tenantKey(webhook.companyId())));
        item.put("sk", s(WEBHOOK_PREFIX + webhook.id()));
        item.put("id", s(webhook.id()));
        item.put("company_id", s(webhook.companyId()));
        item.put("name", s(webhook.name()));
        if (webhook.description() != null) {
            item.put("description", s(webhook.description()));
        }
        item.put("url", s(webhook.url()));
        item.put("method_type", s(webhook.methodType()));
        item.put("events", AttributeValue.fromL(webhook.events().stream().map(e -> s(e.toString())).toList()));
        putChangeFilter(item, webhook.changeFilter());
        if (webhook.identifier() != null) {
            item.put("identifier", s(webhook.identifier()));
        }
        item.put("triggered_by_child_resources", bool(webhook.triggeredByChildResources()));
        item.put("retries", n(webhook.retries()));
        if (webhook.rateLimited()) {
            item.put("rate_limit", n(webhook.rateLimit()));
        }
        item.put("active", bool(webhook.active()));
        Map<String, AttributeValue> metadata = new HashMap<>();
        webhook.metadata().forEach((k, v) -> metadata.put(k, s(v)));
        item.put("metadata", AttributeValue.fromM(metadata));
        if (webhook.reference() != null) {
            item.put("reference", s(webhook.reference()));
        }
        if (webhook.referenceOrigin() != null) {
            item.put("reference_origin", s(webhook.referenceOrigin()));
        }
        if (!webhook.includeResources().isEmpty()) {
            item.put("include_resources", AttributeValue.fromL(webhook.includeResources().stream().map(Attributes::s).toList()));
        }
        item.put("secret_key_version", s(webhook.secrets().current().keyVersion()));
        item.put("secret_sealed", s(webhook.secrets().current().sealed()));
        item.put("retired_secrets", AttributeValue.fromL(webhook.secrets().retired().stream()
                .map(r -> AttributeValue.fromM(Map.of(
                        "key_version", s(r.secret().keyVersion()),
                        "sealed", s(r.secret().sealed()),
                        "valid_until", instant(r.validUntil()))))
                .toList()));
        item.put("version", n(webhook.version()));
        item.put("created_at", instant(webhook.createdAt()));
        item.put("updated_at", instant(webhook.updatedAt()));
        if (webhook.deletedAt() != null) {
            item.put("deleted_at", instant(webhook.deletedAt()));
        }
        return item;
    }

    static Webhook fromItem(Map<String, AttributeValue> item) {
        List<EventType> events = item.get("events").l().stream().map(v -> EventType.parse(v.s())).toList();
        Map<String, String> metadata = new LinkedHashMap<>();
        AttributeValue metadataValue = item.get("metadata");
        if (metadataValue != null && metadataValue.hasM()) {
            metadataValue.m().forEach((k, v) -> metadata.put(k, v.s()));
        }
        List<SecretRing.Retired> retired = new ArrayList<>();
        AttributeValue retiredValue = item.get("retired_secrets");
        if (retiredValue != null && retiredValue.hasL()) {
            for (AttributeValue value : retiredValue.l()) {
                Map<String, AttributeValue> m = value.m();
                retired.add(new SecretRing.Retired(
                        new EncryptedSecret(string(m, "key_version"), string(m, "sealed")), instant(m, "valid_until")));
            }
        }
        SecretRing secrets = new SecretRing(
                new EncryptedSecret(string(item, "secret_key_version"), string(item, "secret_sealed")), retired);
        return new Webhook(
                string(item, "id"),
                string(item, "company_id"),
                string(item, "name"),
                string(item, "description"),
                string(item, "url"),
                // Items written before method_type existed are POST webhooks.
                Optional.ofNullable(string(item, "method_type")).orElse(Webhook.POST),
                events,
                changeFilter(item),
                string(item, "identifier"),
                bool(item, "triggered_by_child_resources"),
                (int) number(item, "retries", 0),
                (int) number(item, "rate_limit", 0),
                bool(item, "active"),
                metadata,
                string(item, "reference"),
                string(item, "reference_origin"),
                // Absent on items that include nothing, and on those stored before include_resources existed.
                Optional.ofNullable(item.get("include_resources")).map(v -> v.l().stream().map(AttributeValue::s).toList())
                        .orElse(List.of()),
                secrets,
                number(item, "version", 0),
                instant(item, "created_at"),
                instant(item, "updated_at"),
                instant(item, "deleted_at"));
    }
}
