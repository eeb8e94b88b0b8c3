package dev.hookline.model;

/** A resource and one of its triggers, written {@code resource.trigger} on the wire (e.g. {@code ticket.create}). */
public record EventType(String resource, String trigger) implements Comparable<EventType> {

    /** The trigger whose events carry {@code changes}, and so the one change filters apply to. */
    public static final String UPDATE = "update";

    public static EventType parse(String value) {
        int dot = value.indexOf('.');
        if (dot <= 0 || dot != value.lastIndexOf('.') || dot == value.length() - 1) {
            throw new IllegalArgumentException("Expected resource.trigger");
        }
        return new EventType(value.substring(0, dot), value.substring(dot + 1));
    }

    /** Whether events of this type carry {@code changes}, which change filters select on. */
    public boolean isUpdate() {
        return UPDATE.equals(trigger);
    }

    @Override
    public String toString() {
        return resource + "." + trigger;
    }

    @Override
    public int compareTo(EventType other) {
        return toString().compareTo(other.toString());
    }
}
