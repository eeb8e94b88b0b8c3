package dev.hookline.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a subcommand in a process of its own that outlives this one ({@code --detach}): the same JVM, flags and
 * classpath, in its own session (so closing the terminal does not end it), output to a log file.
 */
final class Background {

    /** Set on a detached child: its output already goes to the log file, and it reports start-up races by exit code. */
    static final String DETACHED_PROPERTY = "hookline.detached";
    /** A detached runner found another one holding the data directory (a race it lost): not a failure. */
    static final int EXIT_ALREADY_RUNNING = 3;

    private Background() {
    }

    static boolean isDetachedChild() {
        return Boolean.getBoolean(DETACHED_PROPERTY);
    }

    static Process start(List<String> subcommandArgs, Path logFile) {
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + DETACHED_PROPERTY + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(subcommandArgs);
        try {
            Files.createDirectories(logFile.getParent());
            return new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(logFile.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", subcommandArgs), e);
        }
    }

    /** The last lines of a log, to show why a detached process did not start. */
    static String tail(Path logFile, int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    /**
     * Ends a process politely (SIGTERM, so shutdown hooks run), then by force after {@code grace}. Returns false when
     * there was nothing to stop.
     */
    static boolean stop(ProcessHandle process, Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return false;
        }
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            process.onExit().join();
        }
        return true;
    }

    /**
     * A pid file's line: the pid and the process's start time, so that a pid reused by another process after a
     * crash is never taken for ours (command lines can't tell: the kernel cuts long ones before the class name).
     */
    static String pidLine(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** The process a {@link #pidLine} names, if it still runs. */
    static Optional<ProcessHandle> fromPidLine(String line) {
        String[] parts = line.trim().split(" ");
        try {
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
            return ProcessHandle.of(Long.parseLong(parts[0]))
                    .filter(process -> process.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == started);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The command line of {@code command} run with {@code args}, less the flag that sent it to the background. */
    static List<String> commandWithout(String command, List<String> args, String flag) {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(args);
        line.remove(flag);
        return line;
    }
}
