package dev.hookline.fanout;

import dev.hookline.model.EventType;
import dev.hookline.rules.EventCatalog;
import dev.hookline.storage.WebhookStore.Subscription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Which webhooks an event reaches (docs/fanout.md):
 * <ul>
 *   <li>direct: subscribed to the event's (resource, trigger), without identifier or with identifier = resource_id;
 *   <li>propagation, one hop, for each target the catalogue's table gives the event's type: subscribed to
 *       (target, same trigger) with triggered_by_child_resources, without identifier or with identifier = the id
 *       of the related target resource.
 * </ul>
 * Every lookup is an index range read in webhook id order, so the lookups are merged rather than collected:
 * memory stays at one page per lookup, a webhook found by several lookups is seen once (the direct match, else
 * the first table row, wins), and "everything up to webhook id X is done" is a complete resume position.
 */
public final class SubscriptionMatcher {

    private final EventCatalog catalog;
    private final SubscriptionIndex index;

    public SubscriptionMatcher(EventCatalog catalog, SubscriptionIndex index) {
        this.catalog = catalog;
        this.index = index;
    }

    /** The matching webhooks after {@code afterWebhookId} (null: all), each once, ascending by webhook id. */
    public Iterator<Subscription> matches(ResourceEvent event, String afterWebhookId) {
        String company = event.companyId();
        EventType type = event.type();
        List<Iterator<Subscription>> lookups = new ArrayList<>();
        lookups.add(index.subscriptions(company, type, null, false, afterWebhookId));
        lookups.add(index.subscriptions(company, type, event.resourceId(), false, afterWebhookId));
        for (String target : catalog.propagationTargets(type)) {
            EventType registeredOn = new EventType(target, type.trigger());
            lookups.add(index.subscriptions(company, registeredOn, null, true, afterWebhookId));
            String relatedId = event.related().get(target);
            if (relatedId != null) {
                lookups.add(index.subscriptions(company, registeredOn, relatedId, true, afterWebhookId));
            }
        }
        return new Merged(lookups);
    }

    /** A k-way merge of sorted lookups that drops repeated webhook ids, keeping the earliest lookup's. */
    private static final class Merged implements Iterator<Subscription> {

        private record Head(Subscription subscription, int rank, Iterator<Subscription> rest) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing((Head head) -> head.subscription().webhookId()).thenComparingInt(Head::rank));
        private String lastWebhookId;

        Merged(List<Iterator<Subscription>> lookups) {
            for (int rank = 0; rank < lookups.size(); rank++) {
                advance(lookups.get(rank), rank);
            }
        }

        @Override
        public boolean hasNext() {
            dropRepeats();
            return !heads.isEmpty();
        }

        @Override
        public Subscription next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Head head = heads.poll();
            advance(head.rest(), head.rank());
            lastWebhookId = head.subscription().webhookId();
            return head.subscription();
        }

        private void dropRepeats() {
            while (!heads.isEmpty() && heads.peek().subscription().webhookId().equals(lastWebhookId)) {
                Head repeat = heads.poll();
                advance(repeat.rest(), repeat.rank());
            }
        }

        private void advance(Iterator<Subscription> lookup, int rank) {
            if (lookup.hasNext()) {
                heads.add(new Head(lookup.next(), rank, lookup));
            }
        }
    }
}
