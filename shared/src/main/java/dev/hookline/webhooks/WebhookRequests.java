package dev.hookline.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.errors.FieldCode;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import dev.hookline.model.Webhook;
import dev.hookline.rules.EventCatalog;
import dev.hookline.security.UnsafeUrlException;
import dev.hookline.security.UrlGuard;
import dev.hookline.signing.SigningSecrets;
import dev.hookline.storage.WebhookStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns create and update bodies into webhook fields, enforcing the API's rules. Field names follow the
 * OpenTicket webhook API; {@code events}, {@code active}, {@code secret}, {@code description},
 * {@code method_type}, {@code metadata}, {@code reference}, {@code reference_origin} and {@code include_resources}
 * come from the Helpdesk, Tjar and Commerce Layer APIs, and {@code change_filter} generalises Helpdesk's
 * {@code ticket.resolved}.
 */
public final class WebhookRequests {

    public static final int DEFAULT_RETRIES = 7;
    public static final int MAX_RETRIES = 10;
    /** Deliveries per second: the upper bound of EventBridge API destinations' invocation rate limit. */
    public static final int MAX_RATE_LIMIT = 300;
    static final int MAX_NAME = 255;
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_REFERENCE = 255;
    static final int MAX_URL = 2048;
    static final int MAX_METADATA_ENTRIES = 20;
    static final int MAX_METADATA_KEY = 40;
    static final int MAX_METADATA_VALUE = 500;
    static final int MAX_CHANGE_CONDITIONS = 10;
    static final int MAX_CHANGE_FIELD = 128;
    static final int MAX_CHANGE_VALUE = 255;
    private static final Set<String> CHANGE_CONDITION_FIELDS = Set.of("field", "from", "to");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private static final Set<String> WRITABLE = Set.of("name", "description", "url", "method_type", "resource",
            "trigger", "events", "change_filter", "identifier", "triggered_by_child_resources", "retries",
            "rate_limit", "active", "metadata", "reference", "reference_origin", "include_resources", "secret");
    private static final Set<String> READ_ONLY = Set.of("id", "guid", "company_id", "created_at", "updated_at",
            "deleted_at", "version", "invocations", "nonce");

    /**
     * A validated create request. {@code changeFilter} is {@link ChangeFilter#NONE} when not given;
     * {@code rateLimit} is 0 for no limit; {@code reference} and {@code referenceOrigin} are null when not given;
     * {@code includeResources} is empty for none; {@code customSecret} is empty when Hookline should generate one.
     */
    public record NewWebhook(String name, String description, String url, String methodType, List<EventType> events,
            ChangeFilter changeFilter, String identifier, boolean triggeredByChildResources, int retries, int rateLimit,
            boolean active, Map<String, String> metadata, String reference, String referenceOrigin,
            List<String> includeResources,
            Optional<String> customSecret) {
    }

    private final EventCatalog catalog;
    private final UrlGuard urlGuard;

    public WebhookRequests(EventCatalog catalog, UrlGuard urlGuard) {
        this.catalog = catalog;
        this.urlGuard = urlGuard;
    }

    public NewWebhook parseCreate(JsonNode body) {
        FieldReader reader = new FieldReader(body);
        reader.rejectUnknown(WRITABLE, READ_ONLY);
        String name = reader.string("name", true, MAX_NAME);
        String description = reader.string("description", false, MAX_DESCRIPTION);
        String url = url(reader, true);
        String methodType = methodType(reader);
        List<EventType> events = events(reader, null);
        if (events == null && !reader.has("events") && !reader.has("resource") && !reader.has("trigger")) {
            reader.error("events", FieldCode.REQUIRED, "Give either resource and trigger, or events.");
        }
        ChangeFilter changeFilter = changeFilter(reader);
        if (events != null) {
            requireUpdateEvent(reader, events, changeFilter);
        }
        String identifier = identifier(reader);
        Boolean propagate = reader.bool("triggered_by_child_resources");
        Integer retries = reader.integer("retries", 0, MAX_RETRIES);
        int rateLimit = rateLimit(reader);
        Boolean active = reader.bool("active");
        Map<String, String> metadata = metadata(reader);
        String reference = reference(reader, "reference");
        String referenceOrigin = reference(reader, "reference_origin");
        List<String> includeResources = includeResources(reader);
        if (events != null && includeResources != null) {
            checkIncludable(reader, includeResources, events, Boolean.TRUE.equals(propagate), true);
        }
        String secret = reader.string("secret", false, 256);
        if (secret != null && !secret.startsWith("whsec_") && !SigningSecrets.isAcceptableCustomSecret(secret)) {
            reader.error("secret", FieldCode.WEAK_SECRET, "A custom secret needs 32 to 256 printable characters without spaces.");
        }
        if (secret != null && secret.startsWith("whsec_") && !validStandardSecret(secret)) {
            reader.error("secret", FieldCode.INVALID_SECRET, "A whsec_ secret must carry base64 of 24 to 64 bytes.");
        }
        reader.throwIfInvalid();
        return new NewWebhook(name, description, url, methodType == null ? Webhook.POST : methodType, events,
                changeFilter, identifier, Boolean.TRUE.equals(propagate), retries == null ? DEFAULT_RETRIES : retries,
                rateLimit, active == null || active, metadata == null ? Map.of() : metadata, reference, referenceOrigin,
                includeResources, Optional.ofNullable(secret));
    }

    /**
     * Applies a partial update (PATCH, and PUT with the same partial meaning). Absent fields keep their value;
     * {@code null} clears the optional ones. The secret changes only through rotation.
     */
    public Webhook.Builder applyPatch(Webhook current, JsonNode body) {
        FieldReader reader = new FieldReader(body);
        Set<String> writable = new LinkedHashSet<>(WRITABLE);
        writable.remove("secret");
        Set<String> readOnly = new LinkedHashSet<>(READ_ONLY);
        readOnly.add("secret");
        reader.rejectUnknown(writable, readOnly);
        Webhook.Builder next = current.toBuilder();
        if (reader.has("name")) {
            Optional.ofNullable(reader.string("name", true, MAX_NAME)).ifPresent(next::name);
        }
        if (reader.has("description")) {
            next.description(reader.string("description", false, MAX_DESCRIPTION));
        }
        if (reader.has("url")) {
            Optional.ofNullable(url(reader, true)).ifPresent(next::url);
        }
        if (reader.has("method_type")) {
            Optional.ofNullable(methodType(reader)).ifPresent(next::methodType);
        }
        // The events and propagation the webhook ends up with, to check change_filter and include_resources
        // against; null events when the given ones are invalid.
        List<EventType> events = current.events();
        if (reader.has("events") || reader.has("resource") || reader.has("trigger")) {
            events = events(reader, current.events());
            Optional.ofNullable(events).ifPresent(next::events);
        }
        ChangeFilter changeFilter = current.changeFilter();
        if (reader.has("change_filter")) {
            changeFilter = changeFilter(reader);
            next.changeFilter(changeFilter);
        }
        if (events != null) {
            requireUpdateEvent(reader, events, changeFilter);
        }
        if (reader.has("identifier")) {
            next.identifier(identifier(reader));
        }
        boolean propagate = current.triggeredByChildResources();
        if (reader.has("triggered_by_child_resources")) {
            Boolean value = reader.bool("triggered_by_child_resources");
            if (value != null) {
                propagate = value;
                next.triggeredByChildResources(value);
            }
        }
        if (reader.has("retries")) {
            Optional.ofNullable(reader.integer("retries", 0, MAX_RETRIES)).ifPresent(next::retries);
        }
        if (reader.has("rate_limit")) {
            next.rateLimit(rateLimit(reader));
        }
        if (reader.has("active")) {
            Optional.ofNullable(reader.bool("active")).ifPresent(next::active);
        }
        if (reader.has("metadata")) {
            next.metadata(Optional.ofNullable(metadata(reader)).orElse(Map.of()));
        }
        if (reader.has("reference")) {
            next.reference(reference(reader, "reference"));
        }
        if (reader.has("reference_origin")) {
            next.referenceOrigin(reference(reader, "reference_origin"));
        }
        boolean given = reader.has("include_resources");
        List<String> includeResources = given ? includeResources(reader) : current.includeResources();
        boolean reshaped = reader.has("events") || reader.has("resource") || reader.has("trigger")
                || reader.has("triggered_by_child_resources");
        if (includeResources != null && events != null && (given || reshaped)) {
            next.includeResources(includeResources);
            checkIncludable(reader, includeResources, events, propagate, given);
        }
        reader.throwIfInvalid();
        return next;
    }

    /**
     * The webhook's {@code change_filter}: 1 to {@value #MAX_CHANGE_CONDITIONS} conditions, any of which an update
     * must pass; {@link ChangeFilter#NONE} when absent, null or invalid (the errors are recorded). An empty list is
     * refused so that "no filter" has one spelling.
     */
    private static ChangeFilter changeFilter(FieldReader reader) {
        JsonNode node = reader.node("change_filter");
        if (node == null || node.isNull()) {
            return ChangeFilter.NONE;
        }
        if (!node.isArray()) {
            reader.error("change_filter", FieldCode.INVALID_TYPE,
                    "Expected an array of {\"field\", \"from\", \"to\"} conditions, or null.");
            return ChangeFilter.NONE;
        }
        if (node.isEmpty() || node.size() > MAX_CHANGE_CONDITIONS) {
            reader.error("change_filter", FieldCode.OUT_OF_RANGE,
                    "Give 1 to " + MAX_CHANGE_CONDITIONS + " conditions, or null for none.");
            return ChangeFilter.NONE;
        }
        Set<ChangeFilter.Condition> conditions = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "change_filter[" + i + "]";
            ChangeFilter.Condition condition = changeCondition(reader, node.get(i), field);
            if (condition != null && !conditions.add(condition)) {
                reader.error(field, FieldCode.DUPLICATE, "Listed more than once.");
            }
        }
        return reader.hasErrors() ? ChangeFilter.NONE : new ChangeFilter(new ArrayList<>(conditions));
    }

    /** One condition: the changed field (a key of the event's {@code changes}, exactly), optional from and to. */
    private static ChangeFilter.Condition changeCondition(FieldReader reader, JsonNode node, String at) {
        if (!node.isObject()) {
            reader.error(at, FieldCode.INVALID_TYPE, "Expected {\"field\": …} with an optional \"from\" and \"to\".");
            return null;
        }
        boolean valid = true;
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!CHANGE_CONDITION_FIELDS.contains(name)) {
                reader.error(at + "." + name, FieldCode.UNKNOWN_FIELD, "A condition has field, from and to only.");
                valid = false;
            }
        }
        JsonNode field = node.get("field");
        if (field == null || field.isNull() || (field.isTextual() && field.asText().isEmpty())) {
            reader.error(at + ".field", FieldCode.REQUIRED, "Name the changed field, a key of the event's changes.");
            valid = false;
        } else if (!field.isTextual()) {
            reader.error(at + ".field", FieldCode.INVALID_TYPE, "Expected a string.");
            valid = false;
        } else {
            valid &= changeText(reader, field.asText(), at + ".field", MAX_CHANGE_FIELD);
        }
        valid &= changeValue(reader, node.get("from"), at + ".from");
        valid &= changeValue(reader, node.get("to"), at + ".to");
        return valid ? new ChangeFilter.Condition(field.asText(), Optional.ofNullable(node.get("from")),
                Optional.ofNullable(node.get("to"))) : null;
    }

    /** Absent: any value. Given: a scalar ({@code null} included), which the change's value must equal. */
    private static boolean changeValue(FieldReader reader, JsonNode value, String field) {
        if (value == null) {
            return true;
        }
        if (!value.isValueNode()) {
            reader.error(field, FieldCode.INVALID_TYPE, "Expected a string, number, boolean or null.");
            return false;
        }
        return !value.isTextual() || changeText(reader, value.asText(), field, MAX_CHANGE_VALUE);
    }

    private static boolean changeText(FieldReader reader, String text, String field, int maxLength) {
        if (FieldReader.hasControlCharacters(text)) {
            reader.controlCharacters(field);
            return false;
        }
        if (text.length() > maxLength) {
            reader.error(field, FieldCode.TOO_LONG, "At most " + maxLength + " characters.");
            return false;
        }
        return true;
    }

    /**
     * A change filter narrows a webhook's {@code update} event types (derived types carry their own filter), so a
     * webhook with a filter needs one. The error names what the request changed: the filter or the events.
     */
    private static void requireUpdateEvent(FieldReader reader, List<EventType> events, ChangeFilter changeFilter) {
        if (changeFilter.isNone() || events.stream().anyMatch(EventType::isUpdate)) {
            return;
        }
        String field = reader.has("change_filter") ? "change_filter" : reader.has("events") ? "events" : "trigger";
        reader.error(field, FieldCode.CONFLICTING_FIELDS, "change_filter applies to update event types (e.g. "
                + "ticket.update): subscribe to one, or set change_filter to null.");
    }

    /**
     * Deliveries per second, 0 for no limit: {@code null} or absence. A given 0 is refused so that "no limit" has
     * one spelling; an invalid value's 0 is never used, as its error makes the request fail.
     */
    private static int rateLimit(FieldReader reader) {
        if (reader.isNull("rate_limit")) {
            return 0;
        }
        Integer rateLimit = reader.integer("rate_limit", 1, MAX_RATE_LIMIT);
        return rateLimit == null ? 0 : rateLimit;
    }

    /**
     * Tjar's {@code method_type}, exactly as it spells it: {@code "POST"} or {@code "PUT"}. Null when absent or
     * invalid (the error is recorded); there is no null to send, as every webhook has a method.
     */
    private static String methodType(FieldReader reader) {
        JsonNode node = reader.node("method_type");
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || !Webhook.METHOD_TYPES.contains(node.asText())) {
            reader.error("method_type", FieldCode.INVALID_VALUE, "One of " + String.join(", ", Webhook.METHOD_TYPES)
                    + " (upper case).");
            return null;
        }
        return node.asText();
    }

    /**
     * Commerce Layer's {@code reference} and {@code reference_origin}: 1 to {@value #MAX_REFERENCE} characters,
     * null when absent, given as null or invalid (the error is recorded). An empty one is refused so that "not
     * set" has one spelling.
     */
    private static String reference(FieldReader reader, String field) {
        String reference = reader.string(field, false, MAX_REFERENCE);
        if (reference != null && reference.isEmpty()) {
            reader.error(field, FieldCode.INVALID_VALUE, "Give 1 to " + MAX_REFERENCE + " characters, or null for none.");
            return null;
        }
        return reference;
    }

    /**
     * Commerce Layer's {@code include_resources}: resources of the catalogue, each named once. Absent, null and
     * {@code []} all mean none; null when invalid (the error is recorded).
     */
    private List<String> includeResources(FieldReader reader) {
        JsonNode node = reader.node("include_resources");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            reader.error("include_resources", FieldCode.INVALID_TYPE, "Expected an array of resource names.");
            return null;
        }
        if (node.size() > catalog.resources().size()) {
            reader.error("include_resources", FieldCode.OUT_OF_RANGE, "At most " + catalog.resources().size() + " resources.");
            return null;
        }
        Set<String> resources = new LinkedHashSet<>();
        int invalid = 0;
        for (int i = 0; i < node.size(); i++) {
            String field = "include_resources[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                reader.error(field, FieldCode.INVALID_TYPE, "Expected a resource name.");
                invalid++;
            } else if (!catalog.resources().contains(element.asText())) {
                reader.error(field, FieldCode.UNKNOWN_RESOURCE, "Unknown resource; one of " + catalog.resources() + ".");
                invalid++;
            } else if (!resources.add(element.asText())) {
                reader.error(field, FieldCode.DUPLICATE, "Listed more than once.");
                invalid++;
            }
        }
        return invalid == 0 ? List.copyOf(resources) : null;
    }

    /**
     * Refuses a resource no event reaching the webhook relates to: no delivery could ever carry it. A kept list
     * (a PATCH of the events alone) is named as a whole, since the request did not send it.
     */
    private void checkIncludable(FieldReader reader, List<String> includeResources, List<EventType> events,
            boolean propagate, boolean given) {
        Set<String> includable = catalog.includable(events, propagate);
        for (int i = 0; i < includeResources.size(); i++) {
            String resource = includeResources.get(i);
            if (!includable.contains(resource)) {
                reader.error(given ? "include_resources[" + i + "]" : "include_resources", FieldCode.UNRELATED_RESOURCE,
                        "'" + resource + "' is not related to any event this webhook receives; it may include "
                                + includable + " (see GET /v1/event-types).");
            }
        }
    }

    private String url(FieldReader reader, boolean required) {
        String url = reader.string("url", required, MAX_URL);
        if (url == null) {
            return null;
        }
        try {
            return urlGuard.check(url).toString();
        } catch (UnsafeUrlException e) {
            reader.error("url", e.code(), e.getMessage());
            return null;
        }
    }

    /**
     * Either the OpenTicket pair ({@code resource} + {@code trigger}) or a list ({@code events}). On update,
     * a lone {@code resource} or {@code trigger} changes one half of a single-pair subscription.
     */
    private List<EventType> events(FieldReader reader, List<EventType> current) {
        boolean pair = reader.has("resource") || reader.has("trigger");
        if (pair && reader.has("events")) {
            reader.error("events", FieldCode.CONFLICTING_FIELDS, "Give either resource and trigger, or events, not both.");
            return null;
        }
        if (reader.has("events")) {
            return eventList(reader);
        }
        if (!pair) {
            return null;
        }
        String resource = reader.string("resource", current == null, 32);
        String trigger = reader.string("trigger", current == null, 32);
        if (current != null && (resource == null || trigger == null)) {
            if (current.size() != 1) {
                reader.error(resource == null ? "resource" : "trigger", FieldCode.REQUIRED,
                        "This webhook has several events: give both resource and trigger, or events.");
                return null;
            }
            resource = resource == null && !reader.has("resource") ? current.get(0).resource() : resource;
            trigger = trigger == null && !reader.has("trigger") ? current.get(0).trigger() : trigger;
        }
        if (resource == null || trigger == null) {
            return null;
        }
        boolean known = true;
        if (!catalog.resources().contains(resource)) {
            reader.error("resource", FieldCode.UNKNOWN_RESOURCE, "Unknown resource; one of " + catalog.resources() + ".");
            known = false;
        }
        if (!catalog.subscribableTriggers().contains(trigger)) {
            reader.error("trigger", FieldCode.UNKNOWN_TRIGGER,
                    "Unknown trigger; one of " + catalog.subscribableTriggers() + ".");
            known = false;
        }
        EventType type = new EventType(resource, trigger);
        if (known && !catalog.isSubscribable(type)) {
            reader.error("trigger", FieldCode.UNSUPPORTED_EVENT_TYPE,
                    "Resource '" + resource + "' has no trigger '" + trigger + "'; see GET /v1/event-types.");
            return null;
        }
        return known ? List.of(type) : null;
    }

    private List<EventType> eventList(FieldReader reader) {
        JsonNode node = reader.node("events");
        if (!node.isArray()) {
            reader.error("events", FieldCode.INVALID_TYPE, "Expected an array of \"resource.trigger\" strings.");
            return null;
        }
        int max = WebhookStore.maxEventsPerWebhook();
        if (node.isEmpty() || node.size() > max) {
            reader.error("events", FieldCode.OUT_OF_RANGE, "Give between 1 and " + max + " event types.");
            return null;
        }
        Set<EventType> types = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "events[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                reader.error(field, FieldCode.INVALID_TYPE, "Expected a \"resource.trigger\" string.");
                continue;
            }
            EventType type;
            try {
                type = EventType.parse(element.asText());
            } catch (IllegalArgumentException e) {
                reader.error(field, FieldCode.INVALID_EVENT_TYPE, "Expected \"resource.trigger\", e.g. \"ticket.create\".");
                continue;
            }
            if (!catalog.isSubscribable(type)) {
                reader.error(field, FieldCode.UNSUPPORTED_EVENT_TYPE, "Unknown event type '" + type + "'; see GET /v1/event-types.");
            } else if (!types.add(type)) {
                reader.error(field, FieldCode.DUPLICATE, "Listed more than once.");
            }
        }
        return reader.hasErrors() ? null : new ArrayList<>(types);
    }

    /** The OpenTicket API uses "" for "no identifier"; both it and null mean every resource. */
    private String identifier(FieldReader reader) {
        String identifier = reader.string("identifier", false, 128);
        if (identifier == null || identifier.isEmpty()) {
            return null;
        }
        if (!IDENTIFIER.matcher(identifier).matches()) {
            reader.error("identifier", FieldCode.INVALID_IDENTIFIER, "Letters, digits and _ . : - only (a resource GUID).");
            return null;
        }
        return identifier;
    }

    private Map<String, String> metadata(FieldReader reader) {
        JsonNode node = reader.node("metadata");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            reader.error("metadata", FieldCode.INVALID_TYPE, "Expected an object of string values.");
            return null;
        }
        if (node.size() > MAX_METADATA_ENTRIES) {
            reader.error("metadata", FieldCode.TOO_MANY_ENTRIES, "At most " + MAX_METADATA_ENTRIES + " entries.");
            return null;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        node.properties().forEach(entry -> {
            String field = "metadata." + entry.getKey();
            if (entry.getKey().isEmpty() || entry.getKey().length() > MAX_METADATA_KEY) {
                reader.error(field, FieldCode.INVALID_KEY, "Keys have 1 to " + MAX_METADATA_KEY + " characters.");
            } else if (FieldReader.hasControlCharacters(entry.getKey())) {
                reader.controlCharacters(field);
            } else if (!entry.getValue().isTextual()) {
                reader.error(field, FieldCode.INVALID_TYPE, "Expected a string.");
            } else if (FieldReader.hasControlCharacters(entry.getValue().asText())) {
                reader.controlCharacters(field);
            } else if (entry.getValue().asText().length() > MAX_METADATA_VALUE) {
                reader.error(field, FieldCode.TOO_LONG, "At most " + MAX_METADATA_VALUE + " characters.");
            } else {
                metadata.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return metadata;
    }

    private static boolean validStandardSecret(String secret) {
        try {
            int length = SigningSecrets.keyBytes(secret).length;
            return length >= 24 && length <= 64;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
