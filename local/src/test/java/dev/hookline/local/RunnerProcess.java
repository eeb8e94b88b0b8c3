package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.RepoFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ./hookline local --persist} as a child process, on this JVM's classpath (in a reactor build: the modules'
 * target/classes, so the child runs the code under test, never jars from ~/.m2), which can be stalled
 * (SIGSTOP/SIGCONT), killed with SIGKILL and started again on the same data directory. Each start logs to
 * {@code DIR/runner-N.log}.
 */
final class RunnerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Path dataDir;
    private final Map<String, String> parameters;
    private volatile Process process;
    private int starts;

    /** @param parameters template parameters ({@code --parameters}) */
    RunnerProcess(Path dataDir, Map<String, String> parameters) {
        this.dataDir = dataDir;
        this.parameters = parameters;
        // A test JVM that ends without close() (Ctrl-C, a surefire timeout) must not leave a runner behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process != null) {
                process.destroyForcibly();
            }
        }, "runner-process-kill"));
    }

    /** Starts the runner and returns its state file once its API answers. */
    JsonNode start() throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // what ./hookline passes: JDK 24+ warns about sun.misc.Unsafe in Pekko and sqlite4java otherwise
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-XX:+IgnoreUnrecognizedVMOptions",
                "-Dhookline.root=" + RepoFiles.root(),
                // its output goes to the log below, and it exits at once if the directory is still locked
                "-D" + Background.DETACHED_PROPERTY + "=true"));
        String nativeDir = System.getProperty("sqlite4java.tmpdir");
        if (nativeDir != null) {
            command.add("-Dsqlite4java.tmpdir=" + nativeDir);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "local",
                "--data-dir", dataDir.toString(), "--port", "0", "--persist"));
        if (!parameters.isEmpty()) {
            command.add("--parameters");
            command.add(parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(",")));
        }
        Path log = dataDir.resolve("runner-" + (++starts) + ".log");
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the runner", e);
        }
        return awaitState(process, log);
    }

    /**
     * The state file once this child has written it (its pid in it; the file of a killed runner stays behind).
     * Not {@link LocalStacks#awaitRunning}: its probe takes the data directory's lock for an instant, and a runner
     * starting at that instant finds the lock held and exits.
     */
    private JsonNode awaitState(Process child, Path log) throws InterruptedException {
        Path stateFile = dataDir.resolve("state.json");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (child.isAlive() && System.nanoTime() < deadline) {
            if (Files.isRegularFile(stateFile)) {
                try {
                    JsonNode state = StateFile.read(stateFile);
                    if (state != null && state.path("pid").asLong() == child.pid()) {
                        return state;
                    }
                } catch (UncheckedIOException e) {
                    // being written
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the runner did not start (exit " + (child.isAlive() ? "-" : child.exitValue())
                + "):\n" + Background.tail(log, 30));
    }

    long pid() {
        return process.pid();
    }

    /** SIGSTOP for {@code duration}, then SIGCONT: the whole JVM (functions, engines, API) freezes, as a stalled host. */
    void stall(Duration duration) throws InterruptedException {
        signal("STOP");
        try {
            Thread.sleep(duration);
        } finally {
            signal("CONT");
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            signal("CONT"); // a stopped JVM cannot act on SIGTERM
            Background.stop(process.toHandle(), STOP_GRACE);
        }
    }

    private void signal(String name) throws InterruptedException {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        }
    }
}
