package dev.hookline.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.Env;
import dev.hookline.json.Json;
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
 * The resource × trigger catalogue, the resources each relates to and the propagation table, as data.
 * Validation, {@code /v1/event-types} and fan-out all read this one table.
 */
public final class EventCatalog {

    private static final String BUNDLED = "/dev/hookline/rules/event-catalog.json";

    /** One row of seed 001's propagation table: a trigger on {@code source} also reaches opted-in webhooks on {@code target}. */
    public record Propagation(String source, String target, Set<String> triggers) {
    }

    private final Map<String, String> descriptions;
    private final Map<String, Set<String>> ownTriggers;
    private final Map<String, Set<String>> relations;
    private final List<Propagation> propagations;
    private final Set<EventType> subscribable;
    private final Set<String> triggers;

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

    /** Pairs a webhook may subscribe to: a resource's own triggers plus those propagated to it. */
    public boolean isSubscribable(EventType type) {
        return subscribable.contains(type);
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
     * event that reaches it, directly or, with {@code viaPropagation}, through "triggered by child resources".
     */
    public Set<String> includable(Collection<EventType> types, boolean viaPropagation) {
        Set<String> includable = new TreeSet<>();
        for (EventType type : types) {
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
