package dev.hookline.storage;

import static dev.hookline.storage.Attributes.n;
import static dev.hookline.storage.Attributes.s;
import static dev.hookline.storage.Attributes.string;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Who processes which part of which ingested event, in the webhooks table. The first claim of a part wins, so a
 * producer's duplicate (same event id) and a redelivered continuation are fanned out once; a copy that arrives
 * while the part is in progress elsewhere waits (it is retried) rather than being dropped, because the holder
 * may still fail.
 *
 * <pre>
 * pk                          sk          item
 * EVT#{company}#{event id}    PART#{n}    status (in_progress|done), owner (SQS message id), expires_at (TTL)
 * </pre>
 *
 * An in-progress claim expires after its lease, so an event whose processing died for good (its message went to
 * the dead-letter queue) can be claimed again by a later copy; a done claim blocks copies for the dedupe window.
 */
public final class EventClaims {

    /** Part 0 is the producer's message; part n > 0 the n-th continuation of a large fan-out. */
    public record Key(String companyId, String eventId, int part) {
    }

    private static final String IN_PROGRESS = "in_progress";
    private static final String DONE = "done";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public EventClaims(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** The answer to a claim. */
    public enum Claim {
        /** The caller holds the part now. */
        CLAIMED,
        /** The part was processed within the dedupe window: a duplicate. */
        DONE,
        /** Another message holds the part and its lease runs: try again later. */
        HELD_ELSEWHERE
    }

    /**
     * Claims a part for the SQS message {@code owner}. Succeeds when nobody holds it, when the holder's claim
     * expired, or when the owner itself holds it in progress (SQS redelivered it after a failed attempt).
     */
    public Claim claim(Key key, String owner, Instant now, Duration lease) {
        try {
            dynamoDb.putItem(request -> request.tableName(tableName)
                    .item(Map.of(
                            "pk", partitionKey(key),
                            "sk", sortKey(key),
                            "status", s(IN_PROGRESS),
                            "owner", s(owner),
                            "claimed_at", s(now.toString()),
                            "expires_at", n(now.plus(lease).getEpochSecond())))
                    .conditionExpression("attribute_not_exists(pk) OR expires_at < :now"
                            + " OR (#status = :in_progress AND #owner = :owner)")
                    .expressionAttributeNames(Map.of("#status", "status", "#owner", "owner"))
                    .expressionAttributeValues(Map.of(
                            ":now", n(now.getEpochSecond()),
                            ":in_progress", s(IN_PROGRESS),
                            ":owner", s(owner)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Claim.CLAIMED;
        } catch (ConditionalCheckFailedException e) {
            return e.hasItem() && DONE.equals(string(e.item(), "status")) ? Claim.DONE : Claim.HELD_ELSEWHERE;
        }
    }

    /** Marks a claimed part done; copies arriving within {@code window} are then duplicates. */
    public void complete(Key key, int deliveries, Instant now, Duration window) {
        dynamoDb.updateItem(request -> request.tableName(tableName)
                .key(Map.of("pk", partitionKey(key), "sk", sortKey(key)))
                .updateExpression("SET #status = :done, expires_at = :expires, deliveries = :deliveries, completed_at = :now")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":done", s(DONE),
                        ":expires", n(now.plus(window).getEpochSecond()),
                        ":deliveries", n(deliveries),
                        ":now", s(now.toString()))));
    }

    private static AttributeValue partitionKey(Key key) {
        return s("EVT#" + key.companyId() + "#" + key.eventId());
    }

    private static AttributeValue sortKey(Key key) {
        return s("PART#" + key.part());
    }
}
