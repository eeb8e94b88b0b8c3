package dev.hookline.local;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes the functions' environment variables as JVM system properties, which Hookline handlers read before
 * falling back to {@code System.getenv} (the process environment cannot be changed from Java).
 *
 * <p>All functions run in one JVM and so share one property namespace. That is fine as long as a variable name
 * means the same thing in every function that sets it, which {@link #apply} enforces: the same name with
 * different values in two functions is rejected. {@link #close()} restores the properties as they were.
 */
public final class SystemPropertyEnvironment implements AutoCloseable {

    private final Map<String, String> variables;
    private final Map<String, String> previous;

    private SystemPropertyEnvironment(Map<String, String> variables, Map<String, String> previous) {
        this.variables = variables;
        this.previous = previous;
    }

    /** @param variablesByFunction each function's resolved environment, keyed by function name */
    public static SystemPropertyEnvironment apply(Map<String, Map<String, String>> variablesByFunction) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> setBy = new HashMap<>();
        variablesByFunction.forEach((function, variables) -> variables.forEach((name, value) -> {
            String existing = merged.putIfAbsent(name, value);
            if (existing == null) {
                setBy.put(name, function);
            } else if (!existing.equals(value)) {
                throw new TemplateException("environment variable " + name + " is '" + existing + "' in function "
                        + setBy.get(name) + " but '" + value + "' in function " + function + ": locally all "
                        + "functions share one JVM and read it as the same system property, so a variable name "
                        + "must have one value across functions");
            }
        }));
        Map<String, String> previous = new HashMap<>();
        merged.forEach((name, value) -> {
            previous.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        return new SystemPropertyEnvironment(Map.copyOf(merged), previous);
    }

    public Map<String, String> variables() {
        return variables;
    }

    @Override
    public void close() {
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
