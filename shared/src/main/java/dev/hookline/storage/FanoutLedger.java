package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which parts of which ingested events were fanned out, in the webhooks table, so a producer's duplicate (same
 * event id) is dropped for the dedupe window. One write per part, made only after every delivery of the part is on
 * the delivery queue: a part whose processing died has no entry, so its retry, a producer's copy or a copy re-driven
 * from the dead-letter queue (whatever its message id) fans it out again, with the same delivery ids. Two copies
 * processed at the same moment may both fan out; the delivery function's conditional records keep that to a rare
 * repeated POST, which receivers de-duplicate by {@code webhook-id}.
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

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public FanoutLedger(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * True when the part was fanned out within the dedupe window. An eventually consistent read (half a read
     * unit): a copy racing the first one may miss it, which costs a repeat, never a loss.
     */
    public boolean fannedOut(Key key, Instant now) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName).key(key(key))).item();
        return item != null && !item.isEmpty() && number(item, "expires_at", 0) >= now.getEpochSecond();
    }

    /** Records a fanned-out part; copies arriving within {@code window} are then duplicates. */
    public void record(Key key, int deliveries, Instant now, Duration window) {
        Map<String, AttributeValue> item = new HashMap<>(key(key));
        item.put("deliveries", n(deliveries));
        item.put("fanned_out_at", s(now.toString()));
        item.put("expires_at", n(now.plus(window).getEpochSecond()));
        dynamoDb.putItem(request -> request.tableName(tableName).item(item));
    }

    private static Map<String, AttributeValue> key(Key key) {
        return Map.of("pk", s("EVT#" + key.companyId() + "#" + key.eventId()), "sk", s("PART#" + key.part()));
    }
}
