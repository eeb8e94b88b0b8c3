package dev.hookline.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.config.Env;
import dev.hookline.engines.Engines;
import dev.hookline.json.Json;
import dev.hookline.secrets.LocalKeyFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;

/**
 * {@code ./hookline local}: Hookline on this machine, no Docker, no AWS account. The embedded engines (or the
 * services at {@code AWS_ENDPOINT_URL}, e.g. LocalStack or moto) host the template's tables and queues, and the
 * template's own functions serve the API. Only here are http and loopback webhook URLs allowed, unless
 * {@code --url-policy deployed} applies the deployed policy.
 */
final class LocalCommand {

    static final String STACK_NAME = "hookline-local";
    static final String DEFAULT_COMPANY = "dev-company";
    static final int DEFAULT_PORT = 8765;

    private LocalCommand() {
    }

    /** A running local stack, for the command and for tests. */
    record Running(LocalPlatform platform, Optional<Engines> engines, ObjectNode state) implements AutoCloseable {
        @Override
        public void close() {
            platform.close();
            engines.ifPresent(Engines::close);
        }
    }

    static void run(Map<String, String> options) throws InterruptedException {
        Running running = start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "hookline-local-shutdown"));
        ObjectNode state = running.state();
        System.out.println();
        System.out.println("Hookline is running locally.");
        System.out.println("  API        " + state.get("api_url").asText());
        System.out.println("  API key    " + state.get("api_key").asText() + "   (tenant " + state.get("company_id").asText() + ", scopes admin)");
        System.out.println("  State file " + state.get("state_file").asText());
        System.out.println(deployedUrlPolicy(options)
                ? "  Webhook URLs follow the deployed policy: https and globally reachable addresses only (--url-policy deployed)."
                : "  Webhook URLs may use http and loopback/private addresses here (local mode only).");
        System.out.println();
        System.out.println("  curl -H 'Authorization: Bearer " + state.get("api_key").asText() + "' " + state.get("api_url").asText() + "/v1/event-types");
        System.out.println();
        System.out.println("Ctrl-C stops it; state lives in memory and is gone after a restart.");
        new CountDownLatch(1).await();
    }

    static Running start(Map<String, String> options) {
        boolean deployedUrlPolicy = deployedUrlPolicy(options);
        Path template = Path.of(options.getOrDefault("template", "template.yaml"));
        if (!Files.exists(template)) {
            throw new IllegalArgumentException("no template at " + template.toAbsolutePath() + " (run from the repository root)");
        }
        Path dataDir = Path.of(options.getOrDefault("data-dir", ".hookline"));
        Path stateFile = Path.of(options.getOrDefault("state-file", dataDir.resolve("state.json").toString()));
        int port = Integer.parseInt(options.getOrDefault("port", Integer.toString(DEFAULT_PORT)));
        String company = options.getOrDefault("company", DEFAULT_COMPANY);
        String region = Env.optional("AWS_REGION").orElse("us-east-1");

        Optional<URI> external = Env.optional("AWS_ENDPOINT_URL").map(URI::create);
        Optional<Engines> engines = external.isPresent() ? Optional.empty() : Optional.of(Engines.startAll(false));
        try {
            URI dynamoDbEndpoint = external.orElseGet(() -> engines.get().dynamoDb().endpoint());
            URI sqsEndpoint = external.orElseGet(() -> engines.get().sqs().endpoint());
            setDefault("aws.accessKeyId", "local");
            setDefault("aws.secretAccessKey", "local");
            System.setProperty("AWS_REGION", region);
            System.setProperty("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint.toString());
            System.setProperty("AWS_ENDPOINT_URL_SQS", sqsEndpoint.toString());
            // Local mode only: lets a receiver on this machine get deliveries. Deployed stacks never set it;
            // --url-policy deployed tries their policy here.
            System.setProperty("ALLOW_PRIVATE_WEBHOOK_URLS", Boolean.toString(!deployedUrlPolicy));

            Map<String, ResolvedResource> externalResources = new LinkedHashMap<>();
            String secretId = "";
            if (external.isPresent()) {
                secretId = STACK_NAME + "-key-encryption";
                createKeyEncryptionSecret(external.get(), region, secretId);
                System.setProperty("AWS_ENDPOINT_URL_SECRETS_MANAGER", external.get().toString());
                System.err.println("hookline: using AWS services at " + external.get() + " (AWS_ENDPOINT_URL)");
            } else {
                Path keyFile = dataDir.resolve("key-encryption-keys.json");
                LocalKeyFile.openOrCreate(keyFile);
                System.setProperty("KEK_FILE", keyFile.toAbsolutePath().toString());
                System.err.println("hookline: no Secrets Manager endpoint configured; signing secrets are sealed with the local key file "
                        + keyFile.toAbsolutePath());
            }
            externalResources.put("KeyEncryptionSecret", new ResolvedResource(secretId,
                    Map.of("Id", secretId)));

            LocalPlatform platform = LocalPlatform.start(template, new Endpoints(dynamoDbEndpoint, sqsEndpoint),
                    Map.of("AWS::StackName", STACK_NAME, "AWS::Region", region), externalResources, port);
            ApiKeyService.MintedKey key;
            try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint).region(Region.of(region))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                key = MintKeyCommand.mintLocal(dynamoDb, platform.tableName("ApiKeysTable"), company);
            }
            ObjectNode state = state(platform, key, stateFile, region, dynamoDbEndpoint, sqsEndpoint, external);
            StateFile.write(stateFile, state);
            return new Running(platform, engines, state);
        } catch (RuntimeException e) {
            engines.ifPresent(Engines::close);
            throw e;
        }
    }

    /** {@code --url-policy local} (the default: http and private targets) or {@code deployed}. */
    static boolean deployedUrlPolicy(Map<String, String> options) {
        return switch (options.getOrDefault("url-policy", "local")) {
            case "local" -> false;
            case "deployed" -> true;
            default -> throw new IllegalArgumentException("--url-policy is local or deployed");
        };
    }

    private static ObjectNode state(LocalPlatform platform, ApiKeyService.MintedKey key, Path stateFile, String region,
            URI dynamoDb, URI sqs, Optional<URI> external) {
        ObjectNode state = Json.object();
        state.put("api_url", platform.baseUrl().toString().replaceAll("/$", ""));
        state.put("api_key", key.plaintext());
        state.put("company_id", key.companyId());
        state.put("state_file", stateFile.toAbsolutePath().toString());
        ObjectNode aws = state.putObject("aws");
        aws.put("region", region);
        aws.put("dynamodb_endpoint", dynamoDb.toString());
        aws.put("sqs_endpoint", sqs.toString());
        aws.put("secretsmanager_endpoint", external.map(URI::toString).orElse(null));
        aws.put("access_key_id", "local");
        aws.put("secret_access_key", "local");
        ObjectNode tables = state.putObject("tables");
        ObjectNode queues = state.putObject("queues");
        platform.template().resources().forEach((logicalId, resource) -> {
            if (resource.type().equals(SamTemplate.TABLE)) {
                tables.put(logicalId, platform.tableName(logicalId));
            } else if (resource.type().equals(SamTemplate.QUEUE)) {
                queues.put(logicalId, platform.queueUrl(logicalId));
            }
        });
        return state;
    }

    private static void createKeyEncryptionSecret(URI endpoint, String region, String secretId) {
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            secrets.createSecret(request -> request.name(secretId).secretString(LocalKeyFile.newSecretJson()));
        } catch (ResourceExistsException e) {
            // Kept from an earlier run against the same emulator: its keys still open that run's secrets.
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null && System.getenv(property.equals("aws.accessKeyId") ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") == null) {
            System.setProperty(property, value);
        }
    }
}
