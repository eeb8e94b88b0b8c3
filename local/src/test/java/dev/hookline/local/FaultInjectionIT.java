package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Zero loss under faults, at CI scale (5 webhooks x 40 events, a few minutes): receivers answering 5xx, hanging past
 * the deadline and resetting connections, delivery messages handed out twice, the runner stalled past the delivery
 * visibility timeout, and killed with kill -9 and restarted on its data directory ({@link FaultInjection}). The
 * same run at 20,000 deliveries is {@link FaultInjectionBenchmark}.
 */
class FaultInjectionIT {

    @Test
    void everyEventEndsDeliveredOrResendablyFailedAtEveryWebhookDespiteDuplicatesAStallAndAKill() throws Exception {
        FaultInjection.Plan plan = new FaultInjection.Plan(5, 40,
                new FaultyReceiver.Faults(0.10, 0.03, 0.05, Duration.ZERO), 0.15, "1s,2s,4s", Duration.ofSeconds(30),
                Duration.ofMinutes(4), Long.getLong("hookline.faults.seed", System.currentTimeMillis()));
        // Under target/ rather than a @TempDir: the runner's logs (runner-N.log) explain a failure.
        Path dataDir = Path.of("target", "fault-injection", "it-" + plan.seed()).toAbsolutePath();

        FaultInjection.Report report = FaultInjection.run(plan, dataDir, System.out);
        report.print(System.out);

        assertTrue(report.problems().isEmpty(), () -> report.problems().size()
                + " (event, webhook) pairs were lost, stuck, doubled or not re-sendable (runner logs in " + dataDir
                + "):\n" + report.problems().stream().map(Object::toString).collect(Collectors.joining("\n")));
    }
}
