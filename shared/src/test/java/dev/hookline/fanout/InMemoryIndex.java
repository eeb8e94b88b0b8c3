package dev.hookline.fanout;

import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.storage.WebhookStore.Subscription;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The subscription index as WebhookStore lays it out (SUB# and PROP# partitions, sort key
 * {identifier|*}#{webhook id}, only matchable webhooks, an update type's entries with the webhook's change filter),
 * in memory, for matching tests without DynamoDB.
 */
final class InMemoryIndex implements SubscriptionIndex {

    private record Entry(String webhookId, ChangeFilter changeFilter) {
    }

    private final Map<String, NavigableMap<String, Entry>> partitions = new HashMap<>();

    InMemoryIndex add(Webhook webhook) {
        if (!webhook.matchable()) {
            return this;
        }
        String sortKey = webhook.identifierFilter().orElse("*") + "#" + webhook.id();
        for (EventType type : webhook.events()) {
            Entry entry = new Entry(webhook.id(), webhook.changeFilter(type));
            put("SUB#" + webhook.companyId() + "#" + type, sortKey, entry);
            if (webhook.triggeredByChildResources()) {
                put("PROP#" + webhook.companyId() + "#" + type, sortKey, entry);
            }
        }
        return this;
    }

    @Override
    public Iterator<Subscription> subscriptions(String companyId, EventType type, String identifier,
            boolean viaPropagation, String afterWebhookId) {
        String prefix = (identifier == null ? "*" : identifier) + "#";
        NavigableMap<String, Entry> partition = partitions.getOrDefault(
                (viaPropagation ? "PROP#" : "SUB#") + companyId + "#" + type, new TreeMap<>());
        NavigableMap<String, Entry> range = afterWebhookId == null
                ? partition.tailMap(prefix, true)
                : partition.tailMap(prefix + afterWebhookId, false);
        return range.entrySet().stream()
                .takeWhile(entry -> entry.getKey().startsWith(prefix))
                .map(entry -> new Subscription(entry.getValue().webhookId(), type, viaPropagation,
                        entry.getValue().changeFilter()))
                .iterator();
    }

    private void put(String partition, String sortKey, Entry entry) {
        partitions.computeIfAbsent(partition, key -> new TreeMap<>()).put(sortKey, entry);
    }

    static Webhook webhook(String id, String companyId, List<String> events, String identifier, boolean propagation) {
        Instant created = Instant.parse("2026-11-01T00:00:00Z");
        return new Webhook(id, companyId, "hook " + id, null, "https://hooks.example.com/" + id, Webhook.POST,
                events.stream().map(EventType::parse).toList(), ChangeFilter.NONE, identifier, propagation, 3, 0, true, Map.of(), null, null, List.of(),
                SecretRing.of(new EncryptedSecret("v1", "sealed")), 1, created, created, null);
    }
}
