package dev.hookline.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's subscription: where to send, which resource triggers it listens to, and how. Signing secrets
 * are only ever held sealed here; {@code version} drives optimistic concurrency (the ETag). {@code methodType}
 * is the HTTP method deliveries use, {@code POST} or {@code PUT}. {@code rateLimit} is the most deliveries per
 * second the webhook receives, 0 for no limit. {@code changeFilter} narrows its {@code update} event types to the
 * updates whose changes pass it ({@link ChangeFilter#NONE}: every update). {@code reference} and
 * {@code referenceOrigin} tie the webhook to a record elsewhere (Commerce Layer); null when not set.
 * {@code includeResources} names the related resources whose data its deliveries carry in {@code included}
 * (Commerce Layer's {@code include_resources}); empty for none.
 */
public record Webhook(
        String id,
        String companyId,
        String name,
        String description,
        String url,
        String methodType,
        List<EventType> events,
        ChangeFilter changeFilter,
        String identifier,
        boolean triggeredByChildResources,
        int retries,
        int rateLimit,
        boolean active,
        Map<String, String> metadata,
        String reference,
        String referenceOrigin,
        List<String> includeResources,
        SecretRing secrets,
        long version,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt) {

    /** Tjar's {@code method_type} values; deliveries use {@code POST} unless the tenant asks for {@code PUT}. */
    public static final String POST = "POST";
    public static final String PUT = "PUT";
    public static final List<String> METHOD_TYPES = List.of(POST, PUT);

    public Webhook {
        if (!METHOD_TYPES.contains(methodType)) {
            throw new IllegalArgumentException("methodType must be one of " + METHOD_TYPES + ", was " + methodType);
        }
        events = List.copyOf(events);
        metadata = Map.copyOf(metadata);
        includeResources = List.copyOf(includeResources);
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    public boolean rateLimited() {
        return rateLimit > 0;
    }

    /** Only active, not deleted webhooks are in the subscription index fan-out reads. */
    public boolean matchable() {
        return active && !deleted();
    }

    /**
     * The change filter of the webhook's subscription to {@code type}: its own on plain {@code update} types,
     * none on the others (derived types carry theirs in the catalogue).
     */
    public ChangeFilter changeFilter(EventType type) {
        return type.isUpdate() ? changeFilter : ChangeFilter.NONE;
    }

    public Optional<String> identifierFilter() {
        return identifier == null || identifier.isEmpty() ? Optional.empty() : Optional.of(identifier);
    }

    public String etag() {
        return "\"" + version + "\"";
    }

    /** Context bound into each sealed secret so it only opens for this webhook of this tenant. */
    public String secretContext() {
        return secretContext(companyId, id);
    }

    public static String secretContext(String companyId, String webhookId) {
        return "hookline/webhook-signing-secret/" + companyId + "/" + webhookId;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copy-with-changes for updates; keeps the canonical constructor the single place invariants live. */
    public static final class Builder {
        private String name;
        private String description;
        private String url;
        private String methodType;
        private List<EventType> events;
        private ChangeFilter changeFilter;
        private String identifier;
        private boolean triggeredByChildResources;
        private int retries;
        private int rateLimit;
        private boolean active;
        private Map<String, String> metadata;
        private String reference;
        private String referenceOrigin;
        private List<String> includeResources;
        private SecretRing secrets;
        private long version;
        private Instant updatedAt;
        private Instant deletedAt;
        private final Webhook from;

        private Builder(Webhook from) {
            this.from = from;
            this.name = from.name;
            this.description = from.description;
            this.url = from.url;
            this.methodType = from.methodType;
            this.events = from.events;
            this.changeFilter = from.changeFilter;
            this.identifier = from.identifier;
            this.triggeredByChildResources = from.triggeredByChildResources;
            this.retries = from.retries;
            this.rateLimit = from.rateLimit;
            this.active = from.active;
            this.metadata = from.metadata;
            this.reference = from.reference;
            this.referenceOrigin = from.referenceOrigin;
            this.includeResources = from.includeResources;
            this.secrets = from.secrets;
            this.version = from.version;
            this.updatedAt = from.updatedAt;
            this.deletedAt = from.deletedAt;
        }

        public Builder name(String value) { this.name = value; return this; }
        public Builder description(String value) { this.description = value; return this; }
        public Builder url(String value) { this.url = value; return this; }
        public Builder methodType(String value) { this.methodType = value; return this; }
        public Builder events(List<EventType> value) { this.events = value; return this; }
        public Builder changeFilter(ChangeFilter value) { this.changeFilter = value; return this; }
        public Builder identifier(String value) { this.identifier = value; return this; }
        public Builder triggeredByChildResources(boolean value) { this.triggeredByChildResources = value; return this; }
        public Builder retries(int value) { this.retries = value; return this; }
        public Builder rateLimit(int value) { this.rateLimit = value; return this; }
        public Builder active(boolean value) { this.active = value; return this; }
        public Builder metadata(Map<String, String> value) { this.metadata = value; return this; }
        public Builder reference(String value) { this.reference = value; return this; }
        public Builder referenceOrigin(String value) { this.referenceOrigin = value; return this; }
        public Builder includeResources(List<String> value) { this.includeResources = value; return this; }
        public Builder secrets(SecretRing value) { this.secrets = value; return this; }
        public Builder deletedAt(Instant value) { this.deletedAt = value; return this; }

        /** A new revision: version + 1 and a fresh updated_at. */
        public Webhook revise(Instant now) {
            this.version = from.version + 1;
            this.updatedAt = now;
            return new Webhook(from.id, from.companyId, name, description, url, methodType, events, changeFilter,
                    identifier, triggeredByChildResources, retries, rateLimit, active, metadata, reference,
                    referenceOrigin, includeResources, secrets, version, from.createdAt, updatedAt, deletedAt);
        }
    }
}
