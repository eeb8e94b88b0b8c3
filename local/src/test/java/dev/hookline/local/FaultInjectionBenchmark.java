package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultInjectionIT}'s run at benchmark scale: 20 webhooks x 1,000 events = 20,000 deliveries by default
 * ({@code -Dhookline.faults.webhooks=N -Dhookline.faults.events=M} change it). Runs only under {@code -Pbench}:
 * {@code mvn -B -Pbench -pl local -am test -Dtest=FaultInjectionBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * It prints the summary table and fails, like the IT, on any pair lost, stuck, doubled or not re-sendable.
 */
class FaultInjectionBenchmark {

    @Test
    void twentyThousandDeliveriesThroughDuplicatesAStallAndAKill() throws Exception {
        FaultInjection.Plan plan = new FaultInjection.Plan(Integer.getInteger("hookline.faults.webhooks", 20),
                Integer.getInteger("hookline.faults.events", 1_000),
                new FaultyReceiver.Faults(0.05, 0.005, 0.02, Duration.ZERO), 0.02, "1s,2s,4s", Duration.ofSeconds(30),
                Duration.ofMinutes(60), Long.getLong("hookline.faults.seed", System.currentTimeMillis()));
        Path dataDir = Path.of("target", "fault-injection", "bench-" + plan.seed()).toAbsolutePath();

        FaultInjection.Report report = FaultInjection.run(plan, dataDir, System.out);
        report.print(System.out);

        assertTrue(report.problems().isEmpty(), report.problems().size()
                + " (event, webhook) pairs were lost, stuck, doubled or not re-sendable (listed above; runner logs in "
                + dataDir + ")");
    }
}
