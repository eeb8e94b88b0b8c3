package dev.hookline.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.time.Instant;

/**
 * One JSON object per line on stdout, which Lambda ships to CloudWatch Logs (queryable with Logs Insights),
 * in the spirit of Powertools' structured logging without its weight. Callers never log secrets, request
 * bodies or exception messages from outside code.
 */
public final class Log {

    private Log() {
    }

    public static ObjectNode info(String message) {
        return entry("INFO", message);
    }

    public static ObjectNode warn(String message) {
        return entry("WARN", message);
    }

    public static ObjectNode error(String message) {
        return entry("ERROR", message);
    }

    /** Writes a prepared entry; fields are added by the caller between {@code info(...)} and {@code emit}. */
    public static void emit(ObjectNode entry) {
        // Looked up per line, not kept: a runtime (or the local runner) may replace stdout after this class loads.
        System.out.println(Json.write(entry));
    }

    /**
     * Logs a failure by class and stack trace only: exception messages can quote input (a JSON parser echoes
     * the body it choked on, which may hold a signing secret), so they stay out of the logs.
     */
    public static void error(String message, Throwable failure) {
        ObjectNode entry = error(message);
        entry.put("error_class", failure.getClass().getName());
        StringBuilder trace = new StringBuilder();
        for (StackTraceElement frame : failure.getStackTrace()) {
            trace.append(frame).append('\n');
        }
        entry.put("stack_trace", trace.toString());
        emit(entry);
    }

    private static ObjectNode entry(String level, String message) {
        ObjectNode node = Json.object();
        node.put("timestamp", Instant.now().toString());
        node.put("level", level);
        node.put("message", message);
        node.put("service", "hookline");
        return node;
    }
}
