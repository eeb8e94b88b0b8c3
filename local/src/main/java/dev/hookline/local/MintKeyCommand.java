package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.ApiKeyStore;
import dev.hookline.auth.Scope;
import dev.hookline.config.AwsClients;
import java.net.URI;
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

    static final CommandLine COMMAND = new CommandLine("mint-key", """
            usage: ./hookline mint-key --company ID [--scopes admin,read] [--description TEXT]
                                       [--state-file PATH | --table API_KEYS_TABLE [--region R]]

            Mints an API key and prints it once (only its SHA-256 is stored).
              --company ID         the tenant the key acts for
              --scopes LIST        comma-separated: read, admin (default admin)
              --description TEXT   a note kept with the key
              --state-file PATH    into the running local stack (the default when no --table is given)
              --table NAME         into a deployed stack's ApiKeysTable (its stack output), with your AWS
                                   credentials; AWS_ENDPOINT_URL is honoured
              --region R           the deployed stack's region""",
            null, Set.of("company", "scopes", "description", "state-file", "table", "region"), Set.of(), Set.of("company"));

    static void run(CommandLine.Args args) {
        String company = args.get("company").orElseThrow();
        Set<Scope> scopes = scopes(args.get("scopes", "admin"));
        if (args.get("table").isPresent() && args.get("state-file").isPresent()) {
            throw new CommandLine.UsageException("give either --table (a deployed stack) or --state-file (a local one), not both");
        }
        ApiKeyService.MintedKey key;
        if (args.get("table").isPresent()) {
            args.get("region").ifPresent(region -> System.setProperty("AWS_REGION", region));
            try (DynamoDbClient dynamoDb = AwsClients.fromEnvironment().dynamoDb()) {
                key = mint(dynamoDb, args.get("table").orElseThrow(), company, scopes, args.get("description", null));
            }
        } else {
            JsonNode state = LocalStacks.requireRunning(args.path("state-file", Workspace.dataDir().resolve("state.json")));
            JsonNode aws = state.path("aws");
            try (DynamoDbClient dynamoDb = AwsClients.of(Region.of(aws.path("region").asText()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                    Map.of("DYNAMODB", URI.create(aws.path("dynamodb_endpoint").asText())), null).dynamoDb()) {
                key = mint(dynamoDb, state.path("tables").path("ApiKeysTable").asText(), company, scopes,
                        args.get("description", null));
            }
        }
        System.out.println(key.plaintext());
        System.err.println("Minted key " + key.keyId() + " for company " + company + " with scopes " + scopes
                + ". It is shown only now: store it in your secret manager.");
    }

    static ApiKeyService.MintedKey mintLocal(DynamoDbClient dynamoDb, String table, String company) {
        return mint(dynamoDb, table, company, EnumSet.of(Scope.ADMIN), "local runner dev key");
    }

    private static ApiKeyService.MintedKey mint(DynamoDbClient dynamoDb, String table, String company, Set<Scope> scopes,
            String description) {
        return new ApiKeyService(new ApiKeyStore(dynamoDb, table), Clock.systemUTC()).mint(company, scopes, description);
    }

    private static Set<Scope> scopes(String list) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : list.split(",")) {
            scopes.add(Scope.fromWireName(name.trim()).orElseThrow(() -> new CommandLine.UsageException(
                    "--scopes: unknown scope '" + name.trim() + "' (use read, admin or read,admin)")));
        }
        return scopes;
    }
}
