package dev.hookline.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * How busy the rest of the machine was while a benchmark measured: the CPU all processes used (Linux
 * {@code /proc/stat}) minus this JVM's own, in cores. The load average cannot tell this, because a benchmark's
 * own threads (hundreds of pollers here) count in it too.
 */
public final class MachineLoad {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos;
    private final long processCpuNanos;
    private final OptionalDouble machineBusySeconds;

    private MachineLoad() {
        this.startNanos = System.nanoTime();
        this.processCpuNanos = OS.getProcessCpuTime();
        this.machineBusySeconds = machineBusySeconds();
    }

    public static MachineLoad start() {
        return new MachineLoad();
    }

    /** Cores the other processes kept busy on average since {@link #start()}, empty where /proc/stat is missing. */
    public OptionalDouble otherProcessesCores() {
        OptionalDouble busyNow = machineBusySeconds();
        if (machineBusySeconds.isEmpty() || busyNow.isEmpty()) {
            return OptionalDouble.empty();
        }
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double ownCpu = (OS.getProcessCpuTime() - processCpuNanos) / 1e9;
        return OptionalDouble.of(Math.max(0, (busyNow.getAsDouble() - machineBusySeconds.getAsDouble() - ownCpu) / wall));
    }

    /** {@link #otherProcessesCores()} as printed: "0.85 of 2 cores" or "n/a". */
    public String describeOthers() {
        OptionalDouble others = otherProcessesCores();
        return others.isPresent() ? BenchTable.format("%.2f of %d cores", others.getAsDouble(), OS.getAvailableProcessors())
                : "n/a";
    }

    /** Busy CPU seconds of the whole machine since boot: every state but idle and iowait. */
    private static OptionalDouble machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
            long[] ticks = Arrays.stream(cpu, 1, 9).mapToLong(Long::parseLong).toArray();
            long busy = Arrays.stream(ticks).sum() - ticks[3] - ticks[4];
            return OptionalDouble.of(busy / 100.0); // USER_HZ, 100 on Linux
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
