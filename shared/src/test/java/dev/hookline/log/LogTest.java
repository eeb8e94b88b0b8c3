package dev.hookline.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogTest {

    @Test
    void aMetricLineIsEmbeddedMetricFormatThatCountsOneInTheHooklineNamespace() {
        Instant at = Instant.parse("2024-05-01T12:00:00Z");
        ObjectNode line = Log.metric(Log.info("Delivery attempt failed").put("company_id", "c1"), "DeliveriesDeadLettered", at);

        JsonNode aws = line.get("_aws");
        assertEquals(at.toEpochMilli(), aws.get("Timestamp").asLong());
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertEquals("Hookline", directive.get("Namespace").asText());
        assertEquals("[[]]", Json.write(directive.get("Dimensions")), "no dimensions: tenants are not metric dimensions");
        assertEquals("DeliveriesDeadLettered", directive.get("Metrics").get(0).get("Name").asText());
        assertEquals("Count", directive.get("Metrics").get(0).get("Unit").asText());
        assertEquals(1, line.get("DeliveriesDeadLettered").asInt());
        assertEquals("c1", line.get("company_id").asText(), "the line keeps its fields for Logs Insights");
    }

    @Test
    void aFailureEntryNamesTheExceptionClassButNeverItsMessage() {
        ObjectNode entry = Log.failure("Recording failed", new IllegalStateException("whsec_secret-from-a-body"));

        assertEquals("ERROR", entry.get("level").asText());
        assertEquals(IllegalStateException.class.getName(), entry.get("error_class").asText());
        assertTrue(entry.get("stack_trace").asText().contains("LogTest"));
        assertFalse(Json.write(entry).contains("whsec_secret"));
    }
}
