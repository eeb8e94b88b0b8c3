package dev.hookline.local;

import dev.hookline.engines.EmbeddedDynamoDb;
import dev.hookline.engines.EmbeddedSqs;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Clients for this module's tests, on the engines module's loopback-only engines. */
final class TestEngines {

    static final String REGION = EmbeddedSqs.REGION;
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private TestEngines() {
    }

    static EmbeddedSqs startElasticMq() {
        return EmbeddedSqs.start();
    }

    static EmbeddedDynamoDb startDynamoDbLocal() {
        return EmbeddedDynamoDb.start();
    }

    static SqsClient sqsClient(java.net.URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static DynamoDbClient dynamoDbClient(java.net.URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
