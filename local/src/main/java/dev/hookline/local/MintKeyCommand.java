package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.ApiKeyStore;
import dev.hookline.auth.Scope;
import dev.hookline.config.AwsClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Mints an API key for a tenant: into a running local stack ({@code --state-file}), or into a deployed stack's
 * ApiKeysTable ({@code --table}, with the operator's AWS credentials; {@code AWS_ENDPOINT_URL} is honoured).
 * Prints the key once; only its hash is stored.
 */
final class MintKeyCommand {

    private MintKeyCommand() {
    }

    static void run(Map<String, String> options) {
        String company = require(options, "company");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : options.getOrDefault("scopes", "admin").split(",")) {
            scopes.add(Scope.fromWireName(name.trim())
                    .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + name + "' (read, admin)")));
        }
        ApiKeyService.MintedKey key;
        try (DynamoDbClient dynamoDb = dynamoDb(options)) {
            key = new ApiKeyService(new ApiKeyStore(dynamoDb, table(options)), Clock.systemUTC())
                    .mint(company, scopes, options.get("description"));
        }
        System.out.println(key.plaintext());
        System.err.println("Minted key " + key.keyId() + " for company " + company + " with scopes " + scopes
                + ". It is shown only now: store it in your secret manager.");
    }

    static ApiKeyService.MintedKey mintLocal(DynamoDbClient dynamoDb, String table, String company) {
        return new ApiKeyService(new ApiKeyStore(dynamoDb, table), Clock.systemUTC())
                .mint(company, EnumSet.of(Scope.ADMIN), "local runner dev key");
    }

    private static String table(Map<String, String> options) {
        if (options.containsKey("state-file")) {
            return StateFile.read(Path.of(options.get("state-file"))).path("tables").path("ApiKeysTable").asText();
        }
        return require(options, "table");
    }

    private static DynamoDbClient dynamoDb(Map<String, String> options) {
        if (options.containsKey("state-file")) {
            JsonNode aws = StateFile.read(Path.of(options.get("state-file"))).path("aws");
            return AwsClients.of(Region.of(aws.path("region").asText()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                    Map.of("DYNAMODB", URI.create(aws.path("dynamodb_endpoint").asText())), null).dynamoDb();
        }
        if (options.containsKey("region")) {
            System.setProperty("AWS_REGION", options.get("region"));
        }
        return AwsClients.fromEnvironment().dynamoDb();
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
