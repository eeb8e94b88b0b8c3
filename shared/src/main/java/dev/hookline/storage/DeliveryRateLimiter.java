package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.number;
import static dev.hookline.storage.Attributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Per-webhook rate limits, enforced across every delivery function instance: a fixed-window counter per webhook
 * in the deliveries table ({@code pk = RATE#{webhook id}}, {@code sk = RATE}: the second being filled and how many
 * deliveries it holds). A delivery reserves the first second at or after its earliest start that still has room;
 * at most {@code perSecond} deliveries are given any one second. Only rate-limited webhooks read or write it.
 *
 * <p>Reservations of one webhook in one container are made together: while one thread reads and writes the
 * counter, the others queue, and the next round reserves for all of them with one strongly consistent read and
 * one conditional write (again when another instance wrote in between). A burst of a thousand deliveries costs a
 * few dozen round trips, not a thousand.
 */
public final class DeliveryRateLimiter {

    private static final String RATE = "RATE";
    /** Counter items expire a while after their second (DynamoDB TTL on {@code expires_at}). */
    private static final Duration KEEP = Duration.ofHours(1);

    /** One thread's request, filled in by whichever thread makes the round that includes it. */
    private static final class Request {
        final Instant earliest;
        Instant second;

        Request(Instant earliest) {
            this.earliest = earliest;
        }
    }

    /** A webhook's waiting requests and the lock of the thread reserving for them. */
    private record Webhook(ReentrantLock lock, Queue<Request> waiting) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Map<String, Webhook> webhooks = new ConcurrentHashMap<>();

    public DeliveryRateLimiter(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * Reserves one delivery of {@code webhookId} in the first second at or after {@code earliest} with room left
     * under {@code perSecond}, and returns that second's start. When the first second with room lies beyond
     * {@code horizon} from {@code earliest}, returns it without reserving it: the caller waits and asks again.
     */
    public Instant reserve(String webhookId, int perSecond, Instant earliest, Duration horizon) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be positive");
        }
        Webhook webhook = webhooks.computeIfAbsent(webhookId, id -> new Webhook(new ReentrantLock(), new ConcurrentLinkedQueue<>()));
        Request request = new Request(earliest);
        webhook.waiting().add(request);
        webhook.lock().lock();
        try {
            if (request.second == null) {
                List<Request> round = new ArrayList<>();
                for (Request next; (next = webhook.waiting().poll()) != null; ) {
                    round.add(next);
                }
                reserveAll(webhookId, perSecond, horizon, round);
            }
            return request.second;
        } finally {
            webhook.lock().unlock();
        }
    }

    /** Gives each request its second, in order, with one read and one write per try. */
    private void reserveAll(String webhookId, int perSecond, Duration horizon, List<Request> round) {
        while (true) {
            Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                    .key(key(webhookId)).consistentRead(true)).item();
            boolean exists = item != null && !item.isEmpty();
            long storedSecond = exists ? number(item, "second", 0) : 0;
            long storedUsed = exists ? number(item, "used", 0) : 0;
            long second = storedSecond;
            long used = storedUsed;
            boolean reserved = false;
            for (Request request : round) {
                long candidate = Math.max(second, request.earliest.getEpochSecond());
                long inCandidate = candidate == second ? used : 0;
                if (inCandidate >= perSecond) {
                    candidate++;
                    inCandidate = 0;
                }
                request.second = Instant.ofEpochSecond(candidate);
                if (candidate <= request.earliest.plus(horizon).getEpochSecond()) {
                    second = candidate;
                    used = inCandidate + 1;
                    reserved = true;
                }
            }
            if (!reserved || claim(webhookId, exists, storedSecond, storedUsed, second, used)) {
                return;
            }
            // Another instance reserved first: read again.
        }
    }

    private boolean claim(String webhookId, boolean exists, long storedSecond, long storedUsed, long second, long used) {
        Map<String, AttributeValue> item = new HashMap<>(key(webhookId));
        item.put("second", n(second));
        item.put("used", n(used));
        item.put("expires_at", n(second + KEEP.toSeconds()));
        try {
            dynamoDb.putItem(request -> {
                request.tableName(tableName).item(item);
                if (exists) {
                    request.conditionExpression("#second = :second AND #used = :used")
                            .expressionAttributeNames(Map.of("#second", "second", "#used", "used"))
                            .expressionAttributeValues(Map.of(":second", n(storedSecond), ":used", n(storedUsed)));
                } else {
                    request.conditionExpression("attribute_not_exists(pk)");
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String webhookId) {
        return Map.of("pk", s("RATE#" + webhookId), "sk", s(RATE));
    }
}
