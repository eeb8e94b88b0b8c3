package dev.hookline.engines;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * moto's {@code moto_server} as a child process on 127.0.0.1, used for Secrets Manager (no Java engine exists).
 *
 * <p>The process tree is killed on {@link #close()} and, should the caller never close it, by a shutdown hook,
 * so no orphaned Python server outlives the JVM. Its output goes to {@code target/moto_server-<port>.log}
 * under the working directory, never to the console.
 */
public final class MotoServer implements AutoCloseable {

    /** Names an explicit moto_server executable; wins over every other location. */
    public static final String EXECUTABLE_ENV = "HOOKLINE_MOTO_SERVER";

    private static final String EXECUTABLE = "moto_server";
    private static final Path VENV_EXECUTABLE = Path.of(".tools", "venv", "bin", EXECUTABLE);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** The free-port probe races with other processes; a lost race shows as an early exit and is retried. */
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 20;

    private final Process process;
    private final URI endpoint;
    private final Path log;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.endpoint = LoopbackPorts.httpEndpoint(port);
        this.log = log;
        this.shutdownHook = new Thread(this::destroyProcessTree, "moto-server-" + port + "-shutdown");
    }

    /**
     * Starts moto_server on a free loopback port and waits until it answers HTTP.
     *
     * @throws IllegalStateException if moto_server cannot be found (the message says to run {@code ./hookline setup})
     *     or does not come up
     */
    public static MotoServer start() {
        Path workingDir = Path.of("").toAbsolutePath();
        Path executable = locateExecutable(System.getenv(), workingDir);
        Path logDir = workingDir.resolve("target");
        EarlyExitException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(executable, LoopbackPorts.free(), logDir);
            } catch (EarlyExitException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    /** {@code http://127.0.0.1:<port>}; moto accepts any credentials and region. */
    public URI endpoint() {
        return endpoint;
    }

    /** The file moto_server's stdout and stderr go to. */
    public Path log() {
        return log;
    }

    /** Kills moto_server and any process it started, and waits for them to exit. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // The hook is running or about to; killing the tree again below is harmless.
        }
        destroyProcessTree();
    }

    /**
     * Resolves moto_server: {@value #EXECUTABLE_ENV}, then {@code <repo root>/.tools/venv/bin/moto_server}, then
     * PATH. The repo root is the nearest directory, from {@code workingDir} upwards, holding a {@code hookline}
     * script or a {@code .git} entry (a file in a git worktree).
     */
    static Path locateExecutable(Map<String, String> env, Path workingDir) {
        String explicit = env.get(EXECUTABLE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            if (!isExecutableFile(path)) {
                throw new IllegalStateException(EXECUTABLE_ENV + "=" + explicit + " is not an executable file;"
                        + " unset it to use the repo's .tools/venv, or run ./hookline setup");
            }
            return path;
        }
        return repoRoot(workingDir)
                .map(root -> root.resolve(VENV_EXECUTABLE))
                .filter(MotoServer::isExecutableFile)
                .or(() -> onPath(env.get("PATH")))
                .orElseThrow(() -> new IllegalStateException("moto_server not found (needed for the local Secrets"
                        + " Manager): run ./hookline setup to install it into .tools/venv, or set " + EXECUTABLE_ENV
                        + " to its path"));
    }

    private static Optional<Path> repoRoot(Path workingDir) {
        for (Path dir = workingDir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("hookline")) || Files.exists(dir.resolve(".git"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry, EXECUTABLE))
                .filter(MotoServer::isExecutableFile)
                .findFirst();
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private static MotoServer startOnce(Path executable, int port, Path logDir) {
        Path log = logDir.resolve("moto_server-" + port + ".log");
        Process process;
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(
                    executable.toString(), "-H", LoopbackPorts.HOST, "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("PYTHONUNBUFFERED", "1"); // so the log is current when we quote it
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        MotoServer server = new MotoServer(process, port, log);
        // Registered before waiting, so a JVM killed mid-start does not leak the child either.
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.awaitHttp();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitHttp() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new EarlyExitException("moto_server exited with status " + process.exitValue()
                        + " before answering on " + endpoint + describeLog());
            }
            if (answersHttp()) {
                return;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
        }
        throw new IllegalStateException("moto_server did not answer on " + endpoint + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s" + describeLog());
    }

    /** Any HTTP status will do: it only shows that the server is accepting requests. */
    private boolean answersHttp() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(200);
            connection.setReadTimeout(1_000);
            connection.getResponseCode();
            return true;
        } catch (IOException notYet) {
            return false;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private String describeLog() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return " (log " + log + " is empty)";
            }
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "; last lines of " + log + ":\n" + String.join("\n", tail);
        } catch (IOException e) {
            return " (log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Descendants are listed before anyone is signalled: once the server dies, they can no longer be found via it. */
    private void destroyProcessTree() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            } catch (Exception notStopped) {
                handle.destroyForcibly();
            }
        }
    }

    /** moto_server died before it answered: typically the probed port was taken in the meantime. */
    private static final class EarlyExitException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EarlyExitException(String message) {
            super(message);
        }
    }
}
