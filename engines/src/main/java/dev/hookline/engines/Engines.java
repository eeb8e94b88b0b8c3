package dev.hookline.engines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * DynamoDB Local, ElasticMQ and (optionally) moto's Secrets Manager, started together and closed together.
 *
 * <p>Tests should use {@link #shared()}: the engines then start once per JVM, however many test classes run.
 */
public final class Engines implements AutoCloseable {

    private static final Object SHARED_LOCK = new Object();
    private static Engines shared;
    private static RuntimeException sharedFailure;

    private final EmbeddedDynamoDb dynamoDb;
    private final EmbeddedSqs sqs;
    private final MotoServer moto;

    private Engines(EmbeddedDynamoDb dynamoDb, EmbeddedSqs sqs, MotoServer moto) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.moto = moto;
    }

    /**
     * Starts the engines in parallel (moto mostly waits on Python, ElasticMQ on Pekko, so overlapping them pays
     * even on two cores). If one fails, those that started are closed again before the failure is thrown.
     */
    public static Engines startAll(boolean withMoto) {
        return start(EmbeddedDynamoDb::start, EmbeddedSqs::start, withMoto);
    }

    /**
     * DynamoDB Local and ElasticMQ keeping their tables, queues and messages under {@code directory}
     * ({@code dynamodb/}, {@code sqs/}): started again on the same directory, even after a kill -9, they hold what they
     * held (messages that were in flight reappear once their visibility timeout has passed).
     */
    public static Engines startPersistent(Path directory) {
        return start(() -> EmbeddedDynamoDb.startPersistent(directory.resolve("dynamodb")),
                () -> EmbeddedSqs.startPersistent(directory.resolve("sqs")), false);
    }

    private static Engines start(Callable<EmbeddedDynamoDb> startDynamoDb, Callable<EmbeddedSqs> startSqs,
            boolean withMoto) {
        Future<EmbeddedDynamoDb> dynamoDb;
        Future<EmbeddedSqs> sqs;
        Future<MotoServer> moto;
        try (ExecutorService starters = Executors.newFixedThreadPool(3)) {
            moto = withMoto ? starters.submit(MotoServer::start) : null;
            sqs = starters.submit(startSqs);
            dynamoDb = starters.submit(startDynamoDb);
        } // close() waits for all three

        List<AutoCloseable> started = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        EmbeddedDynamoDb startedDynamoDb = collect(dynamoDb, started, failures);
        EmbeddedSqs startedSqs = collect(sqs, started, failures);
        MotoServer startedMoto = moto == null ? null : collect(moto, started, failures);
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("local engines did not start", failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            closeAll(started, failure);
            throw failure;
        }
        return new Engines(startedDynamoDb, startedSqs, startedMoto);
    }

    /**
     * The JVM-wide engines, moto included, started on first use and closed when the JVM exits. Calling
     * {@link #close()} on them does nothing, so a test class cannot pull them from under the next one.
     * A failed start is remembered and rethrown, rather than retried by every test class.
     */
    public static Engines shared() {
        synchronized (SHARED_LOCK) {
            if (sharedFailure != null) {
                throw new IllegalStateException("the shared local engines failed to start earlier in this JVM",
                        sharedFailure);
            }
            if (shared == null) {
                try {
                    shared = startAll(true);
                } catch (RuntimeException e) {
                    sharedFailure = e;
                    throw e;
                }
                Engines engines = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(engines::closeEngines, "hookline-engines-shutdown"));
            }
            return shared;
        }
    }

    public EmbeddedDynamoDb dynamoDb() {
        return dynamoDb;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    /** Present when started with moto (always, for {@link #shared()}). */
    public Optional<MotoServer> moto() {
        return Optional.ofNullable(moto);
    }

    /** Closes every engine, even if one fails to; a no-op on {@link #shared()}, which closes at JVM exit. */
    @Override
    public void close() {
        synchronized (SHARED_LOCK) {
            if (this == shared) {
                return;
            }
        }
        closeEngines();
    }

    private void closeEngines() {
        List<AutoCloseable> engines = new ArrayList<>(List.of(dynamoDb, sqs));
        moto().ifPresent(engines::add);
        IllegalStateException failure = new IllegalStateException("local engines did not all stop cleanly");
        closeAll(engines, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static <T extends AutoCloseable> T collect(Future<T> start, List<AutoCloseable> started,
            List<Throwable> failures) {
        try {
            T engine = start.get();
            started.add(engine);
            return engine;
        } catch (ExecutionException e) {
            failures.add(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
        return null;
    }

    private static void closeAll(List<AutoCloseable> engines, Exception failure) {
        for (AutoCloseable engine : engines) {
            try {
                engine.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
