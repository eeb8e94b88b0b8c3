package dev.hookline.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Delivery ids ({@code webhook-id} for receivers): {@code msg_}, 12 hex digits of the event's time in epoch
 * milliseconds, then 20 hex digits that tell the delivery apart. Because they start with the time, the delivery
 * log's own sort key lists a webhook's deliveries newest first with no index to write. An event's deliveries
 * take the event's {@code occurred_at} and a digest of (event id, webhook id), so re-processing the event yields
 * the same ids and receivers can de-duplicate on them.
 */
public final class DeliveryIds {

    /** Writes of one webhook's deliveries spread over this many partition keys (docs/scale.md). */
    public static final int SHARDS = 8;
    private static final Pattern SHAPE = Pattern.compile("msg_[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeliveryIds() {
    }

    /** The id of delivering event {@code eventId} to {@code webhookId}; the same inputs give the same id. */
    public static String forEvent(String eventId, String webhookId, Instant occurredAt) {
        try {
            // Length-prefixed, so no two (event, webhook) pairs collide by concatenation.
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((eventId.length() + ":" + eventId + webhookId).getBytes(StandardCharsets.UTF_8));
            return of(occurredAt, Arrays.copyOf(digest, 10));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A fresh id at {@code now}, for deliveries that belong to no event (test pings). */
    public static String random(Instant now) {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return of(now, bytes);
    }

    public static boolean isValid(String deliveryId) {
        return deliveryId != null && SHAPE.matcher(deliveryId).matches();
    }

    /** The time an id starts with: its event's time (or the ping's). */
    public static Instant time(String deliveryId) {
        return Instant.ofEpochMilli(Long.parseLong(deliveryId.substring(4, 16), 16));
    }

    /** The smallest id at {@code at}: every id of a delivery at or after it sorts at or after this. */
    public static String lowerBound(Instant at) {
        return "msg_" + String.format("%012x", Math.max(0, at.toEpochMilli()));
    }

    /** Which of the webhook's {@link #SHARDS} partition keys holds the delivery: even, and stable across JVMs. */
    public static int shard(String deliveryId) {
        return Integer.parseInt(deliveryId.substring(deliveryId.length() - 2), 16) % SHARDS;
    }

    private static String of(Instant at, byte[] distinct) {
        return "msg_" + String.format("%012x", Math.max(0, at.toEpochMilli())) + HexFormat.of().formatHex(distinct);
    }
}
