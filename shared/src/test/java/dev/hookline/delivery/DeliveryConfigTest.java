package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings that make no sense stop the function at start, with the variable named. */
class DeliveryConfigTest {

    private static final DeliveryConfig DEFAULTS = DeliveryConfig.of("queue", "dlq", "table");

    @Test
    void aNegativeFailureSpanOrNoProbeWaitIsRefused() {
        String negative = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withCircuitTiming(Duration.ofSeconds(-1), DeliveryConfig.DEFAULT_PROBE_SCHEDULE)).getMessage();
        assertTrue(negative.contains("CIRCUIT_FAILURE_SPAN_SECONDS"), negative);
        String empty = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withCircuitTiming(Duration.ZERO, List.of())).getMessage();
        assertTrue(empty.contains("CIRCUIT_PROBE_SCHEDULE"), empty);
    }

    @Test
    void aSlowThresholdThatNoAttemptCouldReachIsRefused() {
        for (Duration threshold : List.of(Duration.ZERO, DeliveryConfig.DEFAULT_TOTAL_TIMEOUT)) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> DEFAULTS.withSlowLane("lane", threshold)).getMessage();
            assertTrue(message.contains("SLOW_ENDPOINT_THRESHOLD_MS"), message);
        }
    }

    @Test
    void aThresholdBelowOneIsRefused() {
        String message = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withCircuitThreshold(0)).getMessage();
        assertTrue(message.contains("CIRCUIT_FAILURE_THRESHOLD"), message);
    }
}
