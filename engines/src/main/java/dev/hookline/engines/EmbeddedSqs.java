package dev.hookline.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.util.Either;

/**
 * ElasticMQ 1.7.1, in this JVM, answering the SQS API on 127.0.0.1 only: in memory, or with its queues and
 * messages kept in an H2 database ({@link #startPersistent}) so that a restart finds them again.
 *
 * <p>Region and account are set so queue ARNs read {@code arn:aws:sqs:us-east-1:000000000000:<name>}, as code
 * that parses ARNs or builds RedrivePolicies expects; ElasticMQ's default region is the literal "elasticmq".
 */
public final class EmbeddedSqs implements AutoCloseable {

    /** Region in every queue ARN; clients should use the same one. */
    public static final String REGION = "us-east-1";
    /** Account in every queue ARN and queue URL. */
    public static final String ACCOUNT_ID = "000000000000";

    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final SQSRestServer server;
    /** The actor system this class made for a persistent server, which ElasticMQ then leaves to us to end. */
    private final Optional<ActorSystem> ownActorSystem;
    private final URI endpoint;

    private EmbeddedSqs(SQSRestServer server, Optional<ActorSystem> ownActorSystem, int port) {
        this.server = server;
        this.ownActorSystem = ownActorSystem;
        this.endpoint = LoopbackPorts.httpEndpoint(port);
    }

    /** Starts an ElasticMQ with no queues on a random loopback port. */
    public static EmbeddedSqs start() {
        return started(loopbackServer().start(), Optional.empty());
    }

    /**
     * Starts an ElasticMQ on a random loopback port that keeps every queue and message, with its receive count and
     * the moment it becomes visible again, in the H2 database {@code directory/elasticmq}: queues and messages of an
     * earlier run on the same directory are there again, in-flight ones reappearing when their visibility timeout
     * ends, whether that run was closed or killed. Queue URLs follow the new port.
     */
    public static EmbeddedSqs startPersistent(Path directory) {
        // ElasticMQ's own server wires SQL persistence this way: a listener actor that writes every queue and message
        // change before the SQS call is answered, and a restore of what it holds into the queue manager.
        // WRITE_DELAY=0: H2 writes each commit out at once (not within 500 ms), so a kill -9 loses no answered send.
        // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while the runner's hook still stops
        // the pollers and functions, dropping their last sends. It stays open until the JVM ends, as after a kill -9,
        // which H2 recovers from; an explicit SHUTDOWN would break the pool ElasticMQ keeps for a restart in this JVM.
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create ElasticMQ's directory " + directory, e);
        }
        SqlQueuePersistenceConfig persistence = new SqlQueuePersistenceConfig(true, "org.h2.Driver",
                jdbcUrl(directory), "", "", false);
        ActorSystem actors = ActorSystem.create("hookline-elasticmq");
        try {
            ActorRef store = actors.actorOf(Props.create(SqlQueuePersistenceActor.class, persistence,
                    scala.collection.immutable.List$.MODULE$.empty()));
            ActorRef queues = actors.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                    SQSRestServerBuilder.sqsLimits(), scala.Option.apply(store)));
            EmbeddedSqs sqs = started(loopbackServer().withActorSystem(actors).withQueueManagerActor(queues).start(),
                    Optional.of(actors));
            try {
                restore(store, queues, directory);
            } catch (RuntimeException e) {
                sqs.close();
                throw e;
            }
            return sqs;
        } catch (RuntimeException e) {
            actors.terminate();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}, for an SDK client's endpointOverride; queue URLs use the same host and port. */
    public URI endpoint() {
        return endpoint;
    }

    /** Unbinds and terminates ElasticMQ's actor system; an in-memory server's queues and messages are lost. */
    @Override
    public void close() {
        try {
            server.stopAndWait();
        } finally {
            ownActorSystem.ifPresent(EmbeddedSqs::terminate);
        }
    }

    private static String jdbcUrl(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("elasticmq").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /** withDynamicPort binds port 0 and derives queue URLs from the port actually bound. */
    private static TheSQSRestServerBuilder loopbackServer() {
        return SQSRestServerBuilder.withInterface(LoopbackPorts.HOST)
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT_ID);
    }

    private static EmbeddedSqs started(SQSRestServer server, Optional<ActorSystem> ownActorSystem) {
        int port;
        try {
            port = server.waitUntilStarted().localAddress().getPort();
        } catch (Exception e) { // Scala rethrows the bind failure (a checked BindException) undeclared
            stopQuietly(server, e);
            throw new IllegalStateException("ElasticMQ did not start on " + LoopbackPorts.HOST, e);
        }
        return new EmbeddedSqs(server, ownActorSystem, port);
    }

    private static void restore(ActorRef store, ActorRef queues, Path directory) {
        Object result;
        try {
            result = Patterns.ask(store, new QueueEvent.Restore(queues), RESTORE_TIMEOUT).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("ElasticMQ could not restore its queues from " + directory, e.getCause());
        }
        if (result instanceof Either<?, ?> either && either.isLeft()) {
            throw new IllegalStateException("ElasticMQ could not restore its queues from " + directory + ": "
                    + either.left().get());
        }
    }

    private static void terminate(ActorSystem actors) {
        try {
            actors.terminate();
            actors.getWhenTerminated().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("ElasticMQ's actor system did not stop", e);
        }
    }

    private static void stopQuietly(SQSRestServer server, Exception cause) {
        try {
            server.stopAndWait();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
