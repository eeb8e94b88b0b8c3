package dev.hookline.local;

import java.util.List;
import java.util.Map;

/** Typed reads of parsed template values, failing with the template location in the message. */
final class Values {

    private Values() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String where) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new TemplateException(where + " must be a mapping, got " + describe(value));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new TemplateException(where + " must be a list, got " + describe(value));
    }

    /** A literal string: intrinsic functions are not accepted where this is used. */
    static String string(Object value, String where) {
        if (value instanceof String text) {
            return text;
        }
        throw new TemplateException(where + " must be a literal string, got " + describe(value));
    }

    static String optionalString(Object value, String where) {
        return value == null ? null : string(value, where);
    }

    static int integer(Object value, int defaultValue, String where) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(string(value, where).trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " must be an integer, got '" + value + "'");
        }
    }

    static boolean bool(Object value, boolean defaultValue, String where) {
        if (value == null) {
            return defaultValue;
        }
        return switch (string(value, where).trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new TemplateException(where + " must be true or false, got '" + value + "'");
        };
    }

    static boolean isIntrinsic(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Object key = map.keySet().iterator().next();
            return key instanceof String name && (name.equals("Ref") || name.startsWith("Fn::"));
        }
        return false;
    }

    static String describe(Object value) {
        if (isIntrinsic(value)) {
            return "intrinsic " + value;
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return value == null ? "nothing" : "'" + value + "'";
    }
}
