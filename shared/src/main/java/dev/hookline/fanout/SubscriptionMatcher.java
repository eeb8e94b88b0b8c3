package dev.hookline.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.model.EventType;
import dev.hookline.rules.EventCatalog;
import dev.hookline.storage.WebhookStore.Subscription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Which webhooks an event reaches (docs/fanout.md):
 * <ul>
 *   <li>direct: subscribed to the event's (resource, trigger), without identifier or with identifier = resource_id;
 *   <li>propagation, one hop, for each target the catalogue's table gives the event's type: subscribed to
 *       (target, same trigger) with triggered_by_child_resources, without identifier or with identifier = the id
 *       of the related target resource;
 *   <li>either way, subscribed to a derived type of that (resource, trigger) whose change filter the event passes
 *       (checked once per derived type, before its lookups), and only where the index entry's own change filter
 *       passes too (checked in memory as the entries stream by).
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
        EventType type = event.type();
        List<Iterator<Subscription>> lookups = new ArrayList<>();
        lookUp(lookups, event, type, event.resourceId(), false, afterWebhookId);
        for (String target : catalog.propagationTargets(type)) {
            lookUp(lookups, event, new EventType(target, type.trigger()), event.related().get(target), true,
                    afterWebhookId);
        }
        return new Merged(lookups, event.changes());
    }

    /**
     * Adds the lookups of webhooks on {@code registeredOn} and on those of its derived types the event passes,
     * each without identifier and, if {@code identifier} is known, with it.
     */
    private void lookUp(List<Iterator<Subscription>> lookups, ResourceEvent event, EventType registeredOn,
            String identifier, boolean viaPropagation, String afterWebhookId) {
        List<EventType> types = new ArrayList<>(List.of(registeredOn));
        catalog.derivedFrom(registeredOn).stream()
                .filter(derived -> derived.changeFilter().matches(event.changes()))
                .forEach(derived -> types.add(derived.type()));
        for (EventType type : types) {
            lookups.add(index.subscriptions(event.companyId(), type, null, viaPropagation, afterWebhookId));
            if (identifier != null) {
                lookups.add(index.subscriptions(event.companyId(), type, identifier, viaPropagation, afterWebhookId));
            }
        }
    }

    /**
     * A k-way merge of sorted lookups that skips entries whose change filter the event's changes fail and drops
     * repeated webhook ids, keeping the earliest lookup's. Skipping before merging lets a webhook that one entry
     * filters out still match through another.
     */
    private static final class Merged implements Iterator<Subscription> {

        private record Head(Subscription subscription, int rank, Iterator<Subscription> rest) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing((Head head) -> head.subscription().webhookId()).thenComparingInt(Head::rank));
        private final Optional<ObjectNode> changes;
        private String lastWebhookId;

        Merged(List<Iterator<Subscription>> lookups, Optional<ObjectNode> changes) {
            this.changes = changes;
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
            while (lookup.hasNext()) {
                Subscription next = lookup.next();
                if (next.changeFilter().matches(changes)) {
                    heads.add(new Head(next, rank, lookup));
                    return;
                }
            }
        }
    }
}
