package dev.hookline.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.Env;
import dev.hookline.json.Json;
import dev.hookline.model.ChangeFilter;
import dev.hookline.model.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resource × trigger catalogue, the resources each relates to, the propagation table and the derived event
 * types, as data. Validation, {@code /v1/event-types} and fan-out all read this one table.
 */
public final class EventCatalog {

    private static final String BUNDLED = "/dev/hookline/rules/event-catalog.json";

    /** One row of seed 001's propagation table: a trigger on {@code source} also reaches opted-in webhooks on {@code target}. */
    public record Propagation(String source, String target, Set<String> triggers) {
    }

    /**
     * A named kind of update (Helpdesk's {@code ticket.resolved}): webhooks subscribe to {@code type} like to a
     * pair, and get the {@code resource.update} events whose changes pass {@code changeFilter}.
     */
    public record DerivedType(EventType type, String description, ChangeFilter changeFilter) {

        public EventType base() {
            return new EventType(type.resource(), EventType.UPDATE);
        }
    }

    private final Map<String, String> descriptions;
    private final Map<String, Set<String>> ownTriggers;
    private final Map<String, Set<String>> relations;
    private final List<Propagation> propagations;
    private final Set<EventType> subscribable;
    private final Set<String> triggers;
    private final Map<EventType, DerivedType> derived;

    EventCatalog(JsonNode document) {
        this.descriptions = new LinkedHashMap<>();
        this.ownTriggers = new LinkedHashMap<>();
        this.relations = new LinkedHashMap<>();
        document.path("resources").properties().forEach(entry -> {
            descriptions.put(entry.getKey(), entry.getValue().path("description").asText(""));
            ownTriggers.put(entry.getKey(), Collections.unmodifiableSet(strings(entry.getValue().path("triggers"))));
            if (entry.getValue().has("related")) {
                relations.put(entry.getKey(), Collections.unmodifiableSet(strings(entry.getValue().path("related"))));
            }
        });
        relations.forEach((resource, related) -> {
            if (!ownTriggers.keySet().containsAll(related) || related.contains(resource)) {
                throw new IllegalArgumentException("Resource " + resource + " relates to itself or an unknown resource: " + related);
            }
        });
        List<Propagation> rows = new ArrayList<>();
        for (JsonNode row : document.path("propagation")) {
            Propagation propagation = new Propagation(row.path("source").asText(), row.path("target").asText(),
                    Collections.unmodifiableSet(strings(row.path("triggers"))));
            if (!ownTriggers.containsKey(propagation.source()) || !ownTriggers.containsKey(propagation.target())) {
                throw new IllegalArgumentException("Propagation row names an unknown resource: " + propagation);
            }
            if (!ownTriggers.get(propagation.source()).containsAll(propagation.triggers())) {
                throw new IllegalArgumentException("Propagation row uses a trigger its source never emits: " + propagation);
            }
            Set<String> related = relations.get(propagation.source());
            if (related != null && !related.contains(propagation.target())) {
                throw new IllegalArgumentException("Propagation row between resources that are not related: " + propagation);
            }
            rows.add(propagation);
        }
        this.propagations = List.copyOf(rows);
        // A catalogue written before relations existed (EVENT_CATALOG_FILE): a resource relates to where it propagates.
        ownTriggers.keySet().forEach(resource -> relations.computeIfAbsent(resource, source -> {
            Set<String> targets = new LinkedHashSet<>();
            rows.stream().filter(row -> row.source().equals(source)).forEach(row -> targets.add(row.target()));
            return Collections.unmodifiableSet(targets);
        }));
        Set<EventType> pairs = new TreeSet<>();
        ownTriggers.forEach((resource, own) -> own.forEach(trigger -> pairs.add(new EventType(resource, trigger))));
        propagations.forEach(p -> p.triggers().forEach(trigger -> pairs.add(new EventType(p.target(), trigger))));
        this.subscribable = Collections.unmodifiableSet(pairs);
        Set<String> allTriggers = new TreeSet<>();
        pairs.forEach(pair -> allTriggers.add(pair.trigger()));
        this.triggers = Collections.unmodifiableSet(allTriggers);
        this.derived = Collections.unmodifiableMap(derivedTypes(document.path("derived")));
    }

    private Map<EventType, DerivedType> derivedTypes(JsonNode rows) {
        Map<EventType, DerivedType> types = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            DerivedType type = new DerivedType(EventType.parse(row.path("type").asText()),
                    row.path("description").asText(""), ChangeFilter.fromJson(row.path("change_filter")));
            // A derived name that is also a trigger would make "trigger" mean two things.
            if (triggers.contains(type.type().trigger()) || !subscribable.contains(type.base())) {
                throw new IllegalArgumentException("A derived type needs a new name on a subscribable update: " + type);
            }
            if (type.changeFilter().isNone() || types.put(type.type(), type) != null) {
                throw new IllegalArgumentException("A derived type needs a change filter and a name of its own: " + type);
            }
        }
        return types;
    }

    /** The bundled table, or the file named by {@code EVENT_CATALOG_FILE}. Loaded once per container. */
    public static EventCatalog standard() {
        return Holder.STANDARD;
    }

    public static EventCatalog fromJson(JsonNode document) {
        return new EventCatalog(document);
    }

    public Set<String> resources() {
        return ownTriggers.keySet();
    }

    public Set<String> triggers() {
        return triggers;
    }

    /** Triggers a webhook may name: every trigger, and the names of the derived types. */
    public Set<String> subscribableTriggers() {
        Set<String> names = new TreeSet<>(triggers);
        derived.keySet().forEach(type -> names.add(type.trigger()));
        return names;
    }

    /**
     * Types a webhook may subscribe to: a resource's own triggers plus those propagated to it, and the derived
     * types.
     */
    public boolean isSubscribable(EventType type) {
        return subscribable.contains(type) || derived.containsKey(type);
    }

    /** Pairs a producer may publish: only a resource's own triggers. */
    public boolean isEmitted(EventType type) {
        return ownTriggers.getOrDefault(type.resource(), Set.of()).contains(type.trigger());
    }

    /** Target resources an event of this type also reaches through "triggered by child resources". */
    public List<String> propagationTargets(EventType source) {
        List<String> targets = new ArrayList<>();
        for (Propagation row : propagations) {
            if (row.source().equals(source.resource()) && row.triggers().contains(source.trigger())) {
                targets.add(row.target());
            }
        }
        return targets;
    }

    /** The resources {@code resource} relates to: those whose data its events may attach in {@code included}. */
    public Set<String> related(String resource) {
        return relations.getOrDefault(resource, Set.of());
    }

    /**
     * The resources a webhook on {@code types} may ask to have included: those related to the resource of any
     * event that reaches it, directly or, with {@code viaPropagation}, through "triggered by child resources". A
     * derived type is reached by (some of) the events of its base update, so it may include what its base may.
     */
    public Set<String> includable(Collection<EventType> types, boolean viaPropagation) {
        Set<String> includable = new TreeSet<>();
        for (EventType subscribed : types) {
            EventType type = derived.containsKey(subscribed) ? derived.get(subscribed).base() : subscribed;
            if (isEmitted(type)) {
                includable.addAll(related(type.resource()));
            }
            if (viaPropagation) {
                propagations.stream()
                        .filter(p -> p.target().equals(type.resource()) && p.triggers().contains(type.trigger()))
                        .forEach(p -> includable.addAll(related(p.source())));
            }
        }
        return includable;
    }

    public List<Propagation> propagations() {
        return propagations;
    }

    /** The derived types on {@code base}: webhooks on them get the {@code base} events their filters pass. */
    public List<DerivedType> derivedFrom(EventType base) {
        return derived.values().stream().filter(type -> type.base().equals(base)).toList();
    }

    /** The catalogue as served by {@code GET /v1/event-types}. */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ArrayNode types = root.putArray("data");
        for (EventType type : subscribable) {
            ObjectNode node = types.addObject();
            node.put("type", type.toString());
            node.put("resource", type.resource());
            node.put("trigger", type.trigger());
            node.put("emitted_by_resource", isEmitted(type));
            ArrayNode from = node.putArray("propagated_from");
            propagations.stream()
                    .filter(p -> p.target().equals(type.resource()) && p.triggers().contains(type.trigger()))
                    .forEach(p -> from.add(p.source()));
        }
        ArrayNode resources = root.putArray("resources");
        ownTriggers.forEach((resource, own) -> {
            ObjectNode node = resources.addObject();
            node.put("resource", resource);
            node.put("description", descriptions.get(resource));
            own.forEach(node.putArray("triggers")::add);
            relations.get(resource).forEach(node.putArray("related")::add);
        });
        ArrayNode table = root.putArray("propagation");
        for (Propagation row : propagations) {
            ObjectNode node = table.addObject();
            node.put("source", row.source());
            node.put("target", row.target());
            row.triggers().forEach(node.putArray("triggers")::add);
        }
        ArrayNode derivedTypes = root.putArray("derived");
        for (DerivedType type : derived.values()) {
            ObjectNode node = derivedTypes.addObject();
            node.put("type", type.type().toString());
            node.put("resource", type.type().resource());
            node.put("trigger", type.type().trigger());
            node.put("base", type.base().toString());
            node.put("description", type.description());
            node.set("change_filter", type.changeFilter().toJson());
        }
        return root;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static final class Holder {
        static final EventCatalog STANDARD = load();

        private static EventCatalog load() {
            try {
                var file = Env.optional("EVENT_CATALOG_FILE");
                if (file.isPresent()) {
                    try (InputStream in = Files.newInputStream(Path.of(file.get()))) {
                        return new EventCatalog(Json.read(in));
                    }
                }
                try (InputStream in = EventCatalog.class.getResourceAsStream(BUNDLED)) {
                    return new EventCatalog(Json.read(in));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
