package dev.hookline.engines;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.amazonaws.services.dynamodbv2.model.ListTablesRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * DynamoDB Local 2.6.1, in this JVM, listening on 127.0.0.1 only: in memory, or in a database file that a restart
 * opens again ({@link #startPersistent}).
 *
 * <p>DynamoDB Local's own {@code ServerRunner}/{@code DynamoDBProxyServer} bind 0.0.0.0, reject port 0 and
 * send start-up telemetry. This class wires the same request handler chain ServerRunner builds
 * ({@code LocalDynamoDBRequestHandler} inside {@code LocalDynamoDBServerHandler} inside a {@code ContextHandler})
 * into a Jetty server of its own with one connector on 127.0.0.1:0. DynamoDBProxyServer.start() is the only
 * place that emits telemetry and it is never called, so nothing phones home.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    /** Where DynamoDB Local's SQLiteLibraryLoader extracts libsqlite4java; it falls back to java.io.tmpdir. */
    private static final String NATIVE_DIR_PROPERTY = "org.sqlite.tmpdir";
    /** The project's knob (set by surefire to target/sqlite4java) for where the native library goes. */
    private static final String PROJECT_NATIVE_DIR_PROPERTY = "sqlite4java.tmpdir";
    /** The single account/region a request handler is asked about when warming up; with sharedDb it is ignored. */
    private static final String WARM_UP_ACCESS_KEY = "hookline";
    private static final String WARM_UP_REGION = "us-east-1";

    /** Strong reference: JUL keeps loggers weakly, and a collected logger would forget its level. */
    private static final Logger SQLITE_LOGGER = Logger.getLogger("com.almworks.sqlite4java");

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static boolean nativeDirConfigured;

    private final Server server;
    private final LocalDynamoDBRequestHandler requests;
    private final ThreadGroup jobThreads;
    private final URI endpoint;

    private EmbeddedDynamoDb(Server server, LocalDynamoDBRequestHandler requests, ThreadGroup jobThreads, int port) {
        this.server = server;
        this.requests = requests;
        this.jobThreads = jobThreads;
        this.endpoint = LoopbackPorts.httpEndpoint(port);
    }

    /** Starts an empty in-memory DynamoDB Local on a random loopback port. */
    public static EmbeddedDynamoDb start() {
        return start(null);
    }

    /**
     * Starts a DynamoDB Local on a random loopback port whose tables live in {@code directory} (one SQLite file,
     * {@code shared-local-instance.db}): the tables and items of an earlier run on the same directory are there again,
     * whether that run was closed or killed (SQLite commits each write before DynamoDB Local answers it).
     */
    public static EmbeddedDynamoDb startPersistent(Path directory) {
        try {
            return start(Files.createDirectories(directory).toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create DynamoDB Local's directory " + directory, e);
        }
    }

    /** {@code dbPath} null: in memory. Either way one database for all access keys and regions (sharedDb). */
    private static EmbeddedDynamoDb start(String dbPath) {
        configureNativeLibraryDir();
        // Same verbosity ServerRunner sets: sqlite4java logs every statement at INFO otherwise.
        SQLITE_LOGGER.setLevel(Level.WARNING);

        LocalDynamoDBRequestHandler requests = new LocalDynamoDBRequestHandler(0, dbPath == null, dbPath, true, false);
        ThreadGroup jobThreads = new ThreadGroup("dynamodb-local-jobs-" + INSTANCES.incrementAndGet());
        warmUp(requests, jobThreads);

        // No CORS allow-list: browsers on this machine must not be able to script the local database.
        LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(requests, null);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("dynamodb-local");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(LoopbackPorts.HOST);
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ContextHandler(handler));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server, e);
            shutDown(requests, jobThreads);
            throw new IllegalStateException("DynamoDB Local did not start on " + LoopbackPorts.HOST, e);
        }
        return new EmbeddedDynamoDb(server, requests, jobThreads, connector.getLocalPort());
    }

    /** {@code http://127.0.0.1:<port>}, for an SDK client's endpointOverride. Any region and credentials work. */
    public URI endpoint() {
        return endpoint;
    }

    /** Stops the listener, closes (in memory: drops) the database and ends DynamoDB Local's background threads. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local on " + endpoint + " did not stop cleanly", e);
        } finally {
            shutDown(requests, jobThreads);
        }
    }

    /**
     * Loads the SQLite native library and opens the database now, so a broken install fails here rather than as
     * an HTTP 500 after the SDK's retries, and the first real request is not the slow one. It runs in
     * {@code jobThreads} because DynamoDB Local creates its job pool here, with a thread factory that puts every
     * worker in the group of the thread that created the pool: that is how {@link #close()} can reach them.
     */
    private static void warmUp(LocalDynamoDBRequestHandler requests, ThreadGroup jobThreads) {
        FutureTask<?> listTables = new FutureTask<>(
                () -> requests.listTables(WARM_UP_ACCESS_KEY, WARM_UP_REGION, new ListTablesRequest()));
        new Thread(jobThreads, listTables, jobThreads.getName() + "-warm-up").start();
        try {
            listTables.get();
        } catch (ExecutionException e) {
            shutDown(requests, jobThreads);
            throw new IllegalStateException("DynamoDB Local cannot open its database", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutDown(requests, jobThreads);
            throw new IllegalStateException("interrupted while DynamoDB Local was starting", e);
        }
    }

    /**
     * Points the extraction at {@code sqlite4java.tmpdir} when the build sets it, so native files stay inside
     * target/; otherwise at a fresh temporary directory, unless the caller already chose one. DynamoDB Local
     * extracts once per JVM, so this is decided once too.
     */
    private static synchronized void configureNativeLibraryDir() {
        if (nativeDirConfigured) {
            return;
        }
        String projectDir = System.getProperty(PROJECT_NATIVE_DIR_PROPERTY);
        try {
            if (projectDir != null && !projectDir.isBlank()) {
                Path dir = Files.createDirectories(Path.of(projectDir));
                System.setProperty(NATIVE_DIR_PROPERTY, dir.toAbsolutePath().toString());
            } else if (System.getProperty(NATIVE_DIR_PROPERTY) != null) {
                // DynamoDB Local extracts into it but never creates it.
                Files.createDirectories(Path.of(System.getProperty(NATIVE_DIR_PROPERTY)));
            } else {
                Path dir = Files.createTempDirectory("hookline-sqlite4java");
                // Registered before the library file DynamoDB Local registers, so it is deleted after it.
                dir.toFile().deleteOnExit();
                System.setProperty(NATIVE_DIR_PROPERTY, dir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the SQLite native library", e);
        }
        nativeDirConfigured = true;
    }

    /**
     * Drops the database. DynamoDB Local's shutdown only shuts its job pool down, and the pool's stream-shard
     * scheduler would sleep on for up to 7.5 minutes in a non-daemon thread, keeping a JVM that ends normally
     * alive: interrupting the group wakes it, and it then sees it was cancelled.
     */
    private static void shutDown(LocalDynamoDBRequestHandler requests, ThreadGroup jobThreads) {
        try {
            requests.shutdown();
        } finally {
            jobThreads.interrupt();
        }
    }

    private static void stopQuietly(Server server, Exception cause) {
        try {
            server.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
