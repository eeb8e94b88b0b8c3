package dev.hookline.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place SDK clients are built: explicit lightweight HTTP client (cold start), region from the
 * environment, and an endpoint override so the same code runs on AWS, LocalStack, moto and the embedded
 * engines. {@code AWS_ENDPOINT_URL_<SERVICE>} wins over {@code AWS_ENDPOINT_URL}, as in the AWS CLI/SDKs.
 */
public final class AwsClients {

    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient httpClient;
    private final Optional<ExecutionInterceptor> interceptor;
    private final Function<String, Optional<URI>> endpoints;

    private AwsClients(Region region, AwsCredentialsProvider credentials, Optional<ExecutionInterceptor> interceptor,
            Function<String, Optional<URI>> endpoints) {
        this.region = region;
        this.credentials = credentials;
        this.interceptor = interceptor;
        this.endpoints = endpoints;
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Region and credentials from the standard chain (Lambda sets AWS_REGION and the role's credentials). */
    public static AwsClients fromEnvironment() {
        Region region = Region.of(Env.optional("AWS_REGION").orElse("us-east-1"));
        return new AwsClients(region, DefaultCredentialsProvider.builder().build(), Optional.empty(),
                AwsClients::endpointOverride);
    }

    /**
     * Clients for explicit endpoints (tests, the local runner), keyed by service suffix ({@code DYNAMODB},
     * {@code SQS}, {@code SECRETS_MANAGER}); {@code interceptor} may be null, or count calls for benchmarks.
     */
    public static AwsClients of(Region region, AwsCredentialsProvider credentials, Map<String, URI> endpoints,
            ExecutionInterceptor interceptor) {
        Map<String, URI> copy = Map.copyOf(endpoints);
        return new AwsClients(region, credentials, Optional.ofNullable(interceptor), service -> Optional.ofNullable(copy.get(service)));
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), "DYNAMODB").build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder(), "SQS").build();
    }

    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
    }

    /** The endpoint a service's client talks to when overridden, for logs and the local runner's state file. */
    public static Optional<URI> endpointOverride(String serviceSuffix) {
        return Env.optional("AWS_ENDPOINT_URL_" + serviceSuffix).or(() -> Env.optional("AWS_ENDPOINT_URL")).map(URI::create);
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, String serviceSuffix) {
        builder.region(region).credentialsProvider(credentials).httpClient(httpClient);
        interceptor.ifPresent(i -> builder.overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(i).build()));
        endpoints.apply(serviceSuffix).ifPresent(builder::endpointOverride);
        return builder;
    }
}
