package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which parts of which ingested events were fanned out, in the webhooks table, so a producer's duplicate (same
 * event id) is dropped for the dedupe window. Written only after every delivery of the part is on the delivery
 * queue: a part whose processing died has no entry, so its retry, a producer's copy or a copy re-driven from the
 * dead-letter queue (whatever its message id) fans it out again, with the same delivery ids. Two copies processed
 * at the same moment may both fan out; receivers de-duplicate that rare repeat by {@code webhook-id}.
 *
 * <p>Fan-out reads and writes the ledger once per batch, not per event: one BatchGetItem that also brings the
 * batch's tenants' epochs (they live in the same table, see {@link WebhookStore}), and one BatchWriteItem.
 *
 * <pre>
 * pk                          sk          item
 * EVT#{company}#{event id}    PART#{n}    deliveries, fanned_out_at, expires_at (TTL)
 * </pre>
 */
public final class FanoutLedger {

    /** Part 0 is the producer's message; part n > 0 the n-th continuation of a large fan-out. */
    public record Key(String companyId, String eventId, int part) {
    }

    /** A part to record as fanned out. */
    public record Entry(Key key, int deliveries) {
    }

    /**
     * What one read found: the parts fanned out within the dedupe window, and each tenant's epoch (0 before
     * the tenant's first index change).
     */
    public record Seen(Set<Key> fannedOut, Map<String, Long> tenantEpochs) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public FanoutLedger(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * One strongly consistent BatchGetItem (per 100 keys) for the parts and their tenants' epochs. Strongly
     * consistent because a cached index is trusted only under the epoch read here.
     */
    public Seen read(Collection<Key> keys, Instant now) {
        List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
        Map<Map<String, AttributeValue>, Key> partsByItemKey = new HashMap<>();
        Set<String> companies = new HashSet<>();
        for (Key key : keys) {
            itemKeys.add(key(key));
            partsByItemKey.put(key(key), key);
            if (companies.add(key.companyId())) {
                itemKeys.add(WebhookStore.tenantEpochKey(key.companyId()));
            }
        }
        Set<Key> fannedOut = new HashSet<>();
        Map<String, Long> epochs = new HashMap<>();
        companies.forEach(company -> epochs.put(company, 0L));
        for (Map<String, AttributeValue> item : BatchItems.get(dynamoDb, tableName, itemKeys, true)) {
            String epochCompany = WebhookStore.tenantEpochCompany(item);
            if (epochCompany != null) {
                epochs.put(epochCompany, WebhookStore.tenantEpoch(item));
            } else if (number(item, "expires_at", 0) >= now.getEpochSecond()) {
                fannedOut.add(partsByItemKey.get(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
            }
        }
        return new Seen(fannedOut, epochs);
    }

    /** Records fanned-out parts in one BatchWriteItem (per 25); copies arriving within {@code window} are then duplicates. */
    public void record(List<Entry> entries, Instant now, Duration window) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (Entry entry : entries) {
            Map<String, AttributeValue> item = new HashMap<>(key(entry.key()));
            item.put("deliveries", n(entry.deliveries()));
            item.put("fanned_out_at", s(now.toString()));
            item.put("expires_at", n(now.plus(window).getEpochSecond()));
            items.add(item);
        }
        BatchItems.put(dynamoDb, tableName, items);
    }

    private static Map<String, AttributeValue> key(Key key) {
        return Map.of("pk", s("EVT#" + key.companyId() + "#" + key.eventId()), "sk", s("PART#" + key.part()));
    }
}
