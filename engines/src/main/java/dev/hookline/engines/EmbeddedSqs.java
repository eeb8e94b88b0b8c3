package dev.hookline.engines;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ 1.7.1, in memory and in this JVM, answering the SQS API on 127.0.0.1 only.
 *
 * <p>Region and account are set so queue ARNs read {@code arn:aws:sqs:us-east-1:000000000000:<name>}, as code
 * that parses ARNs or builds RedrivePolicies expects; ElasticMQ's default region is the literal "elasticmq".
 */
public final class EmbeddedSqs implements AutoCloseable {

    /** Region in every queue ARN; clients should use the same one. */
    public static final String REGION = "us-east-1";
    /** Account in every queue ARN and queue URL. */
    public static final String ACCOUNT_ID = "000000000000";

    private final SQSRestServer server;
    private final URI endpoint;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.endpoint = LoopbackPorts.httpEndpoint(port);
    }

    /** Starts an ElasticMQ with no queues on a random loopback port. */
    public static EmbeddedSqs start() {
        // withDynamicPort binds port 0 and derives queue URLs from the port actually bound.
        SQSRestServer server = SQSRestServerBuilder.withInterface(LoopbackPorts.HOST)
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        int port;
        try {
            port = server.waitUntilStarted().localAddress().getPort();
        } catch (Exception e) { // Scala rethrows the bind failure (a checked BindException) undeclared
            stopQuietly(server, e);
            throw new IllegalStateException("ElasticMQ did not start on " + LoopbackPorts.HOST, e);
        }
        return new EmbeddedSqs(server, port);
    }

    /** {@code http://127.0.0.1:<port>}, for an SDK client's endpointOverride; queue URLs use the same host and port. */
    public URI endpoint() {
        return endpoint;
    }

    /** Unbinds and terminates ElasticMQ's actor system; all queues and messages are lost. */
    @Override
    public void close() {
        server.stopAndWait();
    }

    private static void stopQuietly(SQSRestServer server, Exception cause) {
        try {
            server.stopAndWait();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
