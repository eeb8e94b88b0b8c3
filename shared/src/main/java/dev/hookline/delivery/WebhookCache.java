package dev.hookline.delivery;

import dev.hookline.model.Webhook;
import dev.hookline.storage.EndpointHealthStore;
import dev.hookline.storage.WebhookStore;
import dev.hookline.webhooks.WebhookService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Per-container cache of what a delivery needs about its webhook: the webhook, its opened signing secrets and its
 * circuit. An entry is read again when a message carries a newer tenant epoch than the one it was read under (a
 * change the message's sender saw: a rotated secret signs the very next delivery), and after {@code ttl} in any
 * case (changes of the endpoint's health made by other containers); this container's own circuit changes apply
 * at once.
 */
public final class WebhookCache {

    /** A webhook as delivery sees it; {@code webhook} is empty when it does not exist (or was deleted). */
    public record Entry(Optional<Webhook> webhook, List<String> secrets, WebhookHealth health, long tenantEpoch,
            Instant loadedAt) {
        public Entry withHealth(WebhookHealth value) {
            return new Entry(webhook, secrets, value, tenantEpoch, loadedAt);
        }
    }

    private final WebhookStore webhooks;
    private final WebhookService service;
    private final EndpointHealthStore health;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public WebhookCache(WebhookStore webhooks, WebhookService service, EndpointHealthStore health, Duration ttl, Clock clock) {
        this.webhooks = webhooks;
        this.service = service;
        this.health = health;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The entry, read again if it is older than {@code ttl} or than {@code tenantEpoch} (0: any epoch will do). */
    public Entry get(String companyId, String webhookId, long tenantEpoch) {
        Instant now = clock.instant();
        Entry cached = entries.get(key(companyId, webhookId));
        return cached != null && cached.loadedAt().plus(ttl).isAfter(now) && cached.tenantEpoch() >= tenantEpoch
                ? cached : load(companyId, webhookId, now);
    }

    /**
     * The entry as loaded at or after {@code since}, read again if the cached one is older: for a decision that
     * must not rest on a view older than the message it acts on (parking). A delivery that starts after another's
     * read shares it.
     */
    public Entry loadedSince(String companyId, String webhookId, Instant since) {
        Entry cached = entries.get(key(companyId, webhookId));
        return cached != null && !cached.loadedAt().isBefore(since) ? cached : load(companyId, webhookId, clock.instant());
    }

    private Entry load(String companyId, String webhookId, Instant now) {
        WebhookStore.Current current = webhooks.current(companyId, webhookId);
        Optional<Webhook> webhook = current.webhook().filter(w -> !w.deleted());
        List<String> secrets = webhook.map(w -> service.signingSecrets(w, now)).orElse(List.of());
        Entry entry = new Entry(webhook, secrets, health.health(webhookId), current.tenantEpoch(), now);
        entries.put(key(companyId, webhookId), entry);
        return entry;
    }

    /** Applies a circuit change this container made (or learned) to its cached entry. */
    public void updateHealth(String companyId, String webhookId, UnaryOperator<WebhookHealth> change) {
        entries.computeIfPresent(key(companyId, webhookId), (k, entry) -> entry.withHealth(change.apply(entry.health())));
    }

    public void invalidate(String companyId, String webhookId) {
        entries.remove(key(companyId, webhookId));
    }

    private static String key(String companyId, String webhookId) {
        return companyId + "/" + webhookId;
    }
}
