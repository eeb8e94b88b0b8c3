package dev.hookline.config;

import java.util.Optional;

/**
 * Reads deployment configuration. A JVM system property of the same name wins over the process
 * environment so that the local runner, which hosts every function in one JVM, can hand each handler
 * the environment that template.yaml gives it.
 */
public final class Env {

    private Env() {
    }

    public static Optional<String> optional(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Fails fast during init, naming the variable, rather than with an NPE on the first request. */
    public static String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException("Missing required environment variable " + name));
    }

    public static boolean flag(String name) {
        return optional(name).map(Boolean::parseBoolean).orElse(false);
    }

    public static int integer(String name, int defaultValue) {
        return optional(name).map(Integer::parseInt).orElse(defaultValue);
    }
}
