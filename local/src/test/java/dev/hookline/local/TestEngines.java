package dev.hookline.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * In-process engines on 127.0.0.1 for this module's tests (the runner uses the engines module instead).
 * ElasticMQ reports the same region and account as the platform's defaults, so its ARNs look like AWS's.
 */
final class TestEngines {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private TestEngines() {
    }

    record ElasticMq(SQSRestServer server, URI endpoint) implements AutoCloseable {
        @Override
        public void close() {
            server.stopAndWait();
        }
    }

    record DynamoDbLocal(Server jetty, LocalDynamoDBRequestHandler handler, URI endpoint) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            jetty.stop();
            handler.shutdown();
        }
    }

    static ElasticMq startElasticMq() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort()
                .withAWSRegion(REGION).withAWSAccountId(ACCOUNT).start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMq(server, URI.create("http://127.0.0.1:" + port));
    }

    /** DynamoDB Local's handler in a Jetty connector of our own, because its ServerRunner binds 0.0.0.0. */
    static DynamoDbLocal startDynamoDbLocal() throws Exception {
        LocalDynamoDBRequestHandler handler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new LocalDynamoDBServerHandler(handler, null));
        jetty.start();
        return new DynamoDbLocal(jetty, handler, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    static SqsClient sqsClient(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static DynamoDbClient dynamoDbClient(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
