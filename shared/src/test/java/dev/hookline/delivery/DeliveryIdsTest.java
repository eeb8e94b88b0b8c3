package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.storage.DeliveryLog;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The delivery key scheme of docs/scale.md: a hot webhook's writes spread evenly over its shards. */
class DeliveryIdsTest {

    /** DynamoDB's per-partition write limit, in write units per second. */
    private static final int PARTITION_WRITE_LIMIT = 1_000;

    @Test
    void aHotWebhooksDeliveriesSpreadEvenlyOverItsPartitionKeys() {
        // One second of the docs/scale.md hot webhook: 5,000 deliveries, one write each.
        int perSecond = 5_000;
        Instant start = Instant.parse("2026-11-29T12:00:00Z");
        Map<String, Integer> writesPerPartition = new HashMap<>();
        for (int i = 0; i < perSecond; i++) {
            String deliveryId = DeliveryIds.forEvent("evt-" + i, "hot-webhook", start.plus(Duration.ofMillis(i / 5)));
            writesPerPartition.merge(DeliveryLog.partitionOf("hot-webhook", deliveryId), 1, Integer::sum);
        }

        assertEquals(DeliveryIds.SHARDS, writesPerPartition.size());
        int even = perSecond / DeliveryIds.SHARDS;
        writesPerPartition.forEach((partition, writes) -> {
            assertTrue(Math.abs(writes - even) < even * 0.15, partition + " takes " + writes + " of " + perSecond);
            assertTrue(writes < PARTITION_WRITE_LIMIT, partition + " stays under a partition's write limit: " + writes);
        });
    }

    @Test
    void randomIdsSpreadLikeEventIds() {
        Map<Integer, Integer> perShard = new HashMap<>();
        Instant now = Instant.now();
        for (int i = 0; i < 8_000; i++) {
            perShard.merge(DeliveryIds.shard(DeliveryIds.random(now)), 1, Integer::sum);
        }
        assertEquals(DeliveryIds.SHARDS, perShard.size());
        perShard.values().forEach(count -> assertTrue(Math.abs(count - 1_000) < 150, perShard.toString()));
    }
}
