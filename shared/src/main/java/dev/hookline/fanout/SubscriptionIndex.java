package dev.hookline.fanout;

import dev.hookline.model.EventType;
import dev.hookline.storage.WebhookStore;
import dev.hookline.storage.WebhookStore.Subscription;
import java.util.Iterator;

/** The subscription index as matching reads it: {@link WebhookStore#subscriptions} in production. */
@FunctionalInterface
public interface SubscriptionIndex {

    /**
     * Matchable webhooks subscribed to {@code type} with exactly this identifier filter ({@code null}: those
     * without one), ascending by webhook id, strictly after {@code afterWebhookId} (null: from the first).
     */
    Iterator<Subscription> subscriptions(String companyId, EventType type, String identifier, boolean viaPropagation,
            String afterWebhookId);
}
