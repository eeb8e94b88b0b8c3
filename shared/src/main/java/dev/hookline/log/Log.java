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

    /** The CloudWatch namespace of every metric Hookline emits; template.yaml's alarms and dashboard read it. */
    public static final String NAMESPACE = "Hookline";

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
        emit(failure(message, failure));
    }

    /** The entry {@link #error(String, Throwable)} writes, for callers that add fields (or a metric) first. */
    public static ObjectNode failure(String message, Throwable failure) {
        ObjectNode entry = error(message);
        entry.put("error_class", failure.getClass().getName());
        StringBuilder trace = new StringBuilder();
        for (StackTraceElement frame : failure.getStackTrace()) {
            trace.append(frame).append('\n');
        }
        entry.put("stack_trace", trace.toString());
        return entry;
    }

    /**
     * Makes {@code entry} count one of metric {@code name} in namespace Hookline, by CloudWatch embedded metric format:
     * CloudWatch Logs extracts it from the line, without a PutMetricData call. No dimensions: per-tenant views come
     * from the line's own fields (company_id, webhook_id), by Contributor Insights and Logs Insights (docs/operations.md).
     */
    public static ObjectNode metric(ObjectNode entry, String name, Instant at) {
        ObjectNode aws = entry.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray();
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", "Count");
        entry.put(name, 1);
        return entry;
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
