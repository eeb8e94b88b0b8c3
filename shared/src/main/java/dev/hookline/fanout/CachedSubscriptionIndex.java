package dev.hookline.fanout;

import dev.hookline.model.EventType;
import dev.hookline.storage.WebhookStore;
import dev.hookline.storage.WebhookStore.IndexPartition;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The subscription index, cached per container by index partition (a tenant's subscriptions to one event type,
 * direct or through related resources). Every lookup of an event used to be a Query; with the cache, a batch of
 * events to known types reads nothing but the tenant epoch, which the ledger read brings along.
 *
 * <p>A cached partition is used only under the epoch it was read under: any change to the tenant's index
 * increments the epoch in the same transaction, so the first batch read after the change misses the cache and
 * sees the change, as an uncached lookup would. Partitions larger than {@link #MAX_PARTITION_ENTRIES} (a tenant
 * with thousands of webhooks on one type) are not cached but streamed page by page; a continuation part resumes
 * after its last webhook id in either.
 */
public final class CachedSubscriptionIndex {

    /** Largest partition kept in memory; larger ones are streamed. */
    static final int MAX_PARTITION_ENTRIES = 1_000;
    /** Subscriptions kept in all, about 100 bytes each; the least recently used partitions go first. */
    static final int MAX_CACHED_ENTRIES = 100_000;

    private record PartitionKey(String companyId, EventType type, boolean viaPropagation) {
    }

    /** {@code partition} empty: too large to cache under this epoch. */
    private record Cached(long epoch, Optional<IndexPartition> partition) {

        int size() {
            return partition.map(IndexPartition::size).orElse(0);
        }
    }

    private final WebhookStore store;
    private final LinkedHashMap<PartitionKey, Cached> partitions = new LinkedHashMap<>(64, 0.75f, true);
    private int cachedEntries;

    public CachedSubscriptionIndex(WebhookStore store) {
        this.store = store;
    }

    /** The index as of {@code tenantEpochs} (tenant → epoch, read for the batch at hand). */
    public SubscriptionIndex at(Map<String, Long> tenantEpochs) {
        return (companyId, type, identifier, viaPropagation, afterWebhookId) -> {
            Long epoch = tenantEpochs.get(companyId);
            Optional<IndexPartition> partition = epoch == null ? Optional.empty()
                    : partition(new PartitionKey(companyId, type, viaPropagation), epoch);
            if (partition.isEmpty()) {
                return store.subscriptions(companyId, type, identifier, viaPropagation, afterWebhookId);
            }
            return partition.get().subscriptions(identifier, afterWebhookId).iterator();
        };
    }

    private Optional<IndexPartition> partition(PartitionKey key, long epoch) {
        synchronized (partitions) {
            Cached cached = partitions.get(key);
            if (cached != null && cached.epoch() == epoch) {
                return cached.partition();
            }
        }
        // Read outside the lock: two threads missing the same partition both read it, which is harmless.
        Cached read = new Cached(epoch, store.indexPartition(key.companyId(), key.type(), key.viaPropagation(),
                MAX_PARTITION_ENTRIES));
        synchronized (partitions) {
            Cached previous = partitions.put(key, read);
            cachedEntries += read.size() - (previous == null ? 0 : previous.size());
            Iterator<Map.Entry<PartitionKey, Cached>> eldest = partitions.entrySet().iterator();
            while (cachedEntries > MAX_CACHED_ENTRIES && eldest.hasNext()) {
                Map.Entry<PartitionKey, Cached> entry = eldest.next();
                if (entry.getKey().equals(key)) {
                    continue;
                }
                cachedEntries -= entry.getValue().size();
                eldest.remove();
            }
        }
        return read.partition();
    }
}
