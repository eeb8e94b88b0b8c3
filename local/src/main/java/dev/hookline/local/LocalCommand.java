package dev.hookline.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.config.Env;
import dev.hookline.engines.Engines;
import dev.hookline.json.Json;
import dev.hookline.secrets.LocalKeyFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
    /** Where {@code --persist} keeps the engines' files, inside the data directory. */
    static final String ENGINES_DIR = "engines";
    /** Where template.yaml's DashboardFunction serves the dashboard, on the API's own origin. */
    static final String DASHBOARD_PATH = "/dashboard";

    private LocalCommand() {
    }

    /** A running local stack, for the command and for tests. */
    record Running(LocalPlatform platform, Optional<Engines> engines, ObjectNode state, Path stateFile,
            LocalStacks.RunLock lock) implements AutoCloseable {
        @Override
        public void close() {
            deleteStale(stateFile);
            platform.close();
            engines.ifPresent(Engines::close);
            lock.close();
        }
    }

    static final CommandLine COMMAND = new CommandLine("local", """
            usage: ./hookline local [--port N] [--data-dir DIR] [--state-file PATH] [--company ID] [--persist]
                                    [--parameters Key=Value,...] [--url-policy local|deployed] [--packaged]
                                    [--detach]

            Runs Hookline on embedded DynamoDB Local and ElasticMQ (or the services at AWS_ENDPOINT_URL), serving
            template.yaml's functions behind an emulated HTTP API on 127.0.0.1.
              --port N           API port (default 8765; 0 picks a free one)
              --data-dir DIR     state, logs and the local key file (default .hookline in the repository)
              --state-file PATH  where the API URL, key and endpoints are written once the API answers
                                 (default DIR/state.json)
              --company ID       tenant of the minted admin key (default dev-company)
              --persist          keep the embedded engines' tables, queues and messages in DIR/engines, so a
                                 restart on the same DIR (even after kill -9) finds webhooks, API keys, delivery
                                 records and queued or in-flight messages again; delete DIR/engines to start afresh
              --parameters Key=Value,...
                                 template.yaml parameters for this run, e.g.
                                 DeliveryRetrySchedule=1s,2s,4s,DeliveryVisibilityTimeout=30 (a value may hold
                                 commas: a piece without '=' continues the value before it)
              --url-policy P     local (default): webhook URLs may use http and loopback/private addresses;
                                 deployed: https and globally reachable addresses only, as deployed stacks
              --packaged         run each function from the artifact `sam build` would ship it in (its group's
                                 Makefile), in a class loader of its own, as Lambda does: a function missing a
                                 jar fails as it would when deployed
              --detach           run in the background and return once the API answers; ./hookline stop ends it.
                                 When a stack is already running (or starting), waits for it and reuses it.""",
            null, Set.of("port", "data-dir", "state-file", "company", "parameters", "url-policy"),
            Set.of("detach", "persist", "packaged"), Set.of());

    /** How long {@code --detach} waits for the API; the build has finished by then, only the JVM starts. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /**
     * What a local run is told by its command line.
     *
     * @param persist           keep the embedded engines' data under {@link #enginesDir()}
     * @param parameters        template parameter values that replace the template's defaults
     * @param deployedUrlPolicy apply the deployed webhook URL policy instead of local mode's
     * @param packaged          run each function from its packaged artifact ({@link PackagedFunctions})
     */
    record Settings(Path template, Path dataDir, Path stateFile, int port, String company, boolean persist,
            Map<String, String> parameters, boolean deployedUrlPolicy, boolean packaged) {

        Settings {
            parameters = Map.copyOf(parameters);
        }

        /** In memory, with the template's parameter defaults and local mode's URL policy. */
        Settings(Path template, Path dataDir, Path stateFile, int port, String company) {
            this(template, dataDir, stateFile, port, company, false, Map.of(), false, false);
        }

        static Settings of(CommandLine.Args args) {
            Path dataDir = args.path("data-dir", Workspace.dataDir());
            boolean deployed = switch (args.get("url-policy", "local")) {
                case "local" -> false;
                case "deployed" -> true;
                default -> throw new CommandLine.UsageException("--url-policy is local or deployed, got '"
                        + args.get("url-policy", "") + "'");
            };
            return new Settings(Workspace.template(), dataDir,
                    args.path("state-file", dataDir.resolve("state.json")), args.port("port", DEFAULT_PORT, true),
                    args.get("company", DEFAULT_COMPANY), args.flag("persist"),
                    args.get("parameters").map(LocalCommand::parameters).orElse(Map.of()), deployed,
                    args.flag("packaged"));
        }

        Path logFile() {
            return dataDir.resolve("local.log");
        }

        Path enginesDir() {
            return dataDir.resolve(ENGINES_DIR);
        }
    }

    /**
     * {@code Key=Value,Key2=Value2}; a piece without {@code =} continues the value before it, so that values such as
     * {@code DeliveryRetrySchedule=1s,2s,4s} need no quoting.
     */
    static Map<String, String> parameters(String text) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String key = null;
        for (String piece : text.split(",", -1)) {
            int equals = piece.indexOf('=');
            if (equals > 0 && piece.substring(0, equals).matches("[A-Za-z0-9]+")) {
                key = piece.substring(0, equals);
                if (parameters.put(key, piece.substring(equals + 1)) != null) {
                    throw new CommandLine.UsageException("--parameters sets " + key + " twice");
                }
            } else if (key != null) {
                parameters.merge(key, "," + piece, String::concat);
            } else {
                throw new CommandLine.UsageException("--parameters takes Key=Value pairs separated by commas, got '"
                        + text + "'");
            }
        }
        return parameters;
    }

    static void run(List<String> rawArgs, CommandLine.Args args) throws InterruptedException {
        Settings settings = Settings.of(args);
        if (args.flag("detach")) {
            detach(Background.commandWithout("local", rawArgs, "--detach"), settings);
            return;
        }
        Optional<LocalStacks.RunLock> lock = LocalStacks.tryLock(settings.dataDir());
        if (lock.isEmpty() && Background.isDetachedChild()) {
            System.exit(Background.EXIT_ALREADY_RUNNING);
        }
        if (!Background.isDetachedChild()) {
            TeeToFile.install(settings.logFile()); // send-event reads the functions' log lines from it
        }
        Running running = start(settings, lock.orElseThrow(() -> alreadyRunning(settings)));
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "hookline-local-shutdown"));
        printSummary(running.state(), System.out);
        if (running.engines().isPresent() && settings.persist()) {
            System.out.println("Ctrl-C (or ./hookline stop) stops it; its data is kept in " + settings.enginesDir()
                    + " and found again by ./hookline local --persist (delete that directory to start afresh).");
        } else {
            System.out.println("Ctrl-C (or ./hookline stop) stops it; its data lives in memory and is gone after a restart.");
        }
        new CountDownLatch(1).await();
    }

    /** Starts a runner in the background, or finds the one that runs already, and returns once its API answers. */
    private static void detach(List<String> childArgs, Settings settings) throws InterruptedException {
        Optional<JsonNode> state = LocalStacks.holder(settings.dataDir()).isPresent()
                ? LocalStacks.awaitRunning(settings.stateFile(), START_TIMEOUT,
                        () -> LocalStacks.holder(settings.dataDir()).isPresent())
                : Optional.empty();
        if (state.isPresent()) {
            System.err.println("hookline: a local stack is already running; reusing it.");
        } else {
            Process child = Background.start(childArgs, settings.logFile());
            state = LocalStacks.awaitRunning(settings.stateFile(), START_TIMEOUT, child::isAlive);
            if (state.isEmpty() && !child.isAlive() && child.exitValue() == Background.EXIT_ALREADY_RUNNING) {
                state = LocalStacks.awaitRunning(settings.stateFile(), START_TIMEOUT,
                        () -> LocalStacks.holder(settings.dataDir()).isPresent());
            }
            if (state.isEmpty()) {
                child.destroy();
                System.err.println(Background.tail(settings.logFile(), 15));
                throw new UserError("the local stack did not start (log above, whole log in " + settings.logFile() + ")");
            }
        }
        printSummary(state.get(), System.out);
        System.out.println("It runs in the background (log: " + state.get().path("log_file").asText()
                + "); ./hookline stop ends it.");
    }

    private static void printSummary(JsonNode state, PrintStream out) {
        out.println();
        out.println("Hookline is running locally.");
        out.println("  API        " + state.path("api_url").asText());
        out.println("  Dashboard  " + state.path("dashboard_url").asText() + "   (sign in with the API key below)");
        out.println("  API key    " + state.path("api_key").asText() + "   (tenant " + state.path("company_id").asText() + ", scopes admin)");
        out.println("  State file " + state.path("state_file").asText() + "   (eval \"$(./hookline env)\" exports both)");
        out.println(state.path("deployed_url_policy").asBoolean()
                ? "  Webhook URLs follow the deployed policy: https and globally reachable addresses only (--url-policy deployed)."
                : "  Webhook URLs may use http and loopback/private addresses here (local mode only).");
        out.println();
        out.println("  curl -H 'Authorization: Bearer " + state.path("api_key").asText() + "' " + state.path("api_url").asText() + "/v1/event-types");
        out.println();
    }

    static Running start(Settings settings) {
        return start(settings, LocalStacks.tryLock(settings.dataDir()).orElseThrow(() -> alreadyRunning(settings)));
    }

    private static UserError alreadyRunning(Settings settings) {
        String where = LocalStacks.running(settings.stateFile()).map(state -> " at " + state.path("api_url").asText()).orElse("");
        return new UserError("a local stack is already running" + where + " for " + settings.dataDir()
                + " (./hookline stop ends it; --data-dir DIR runs a second one)");
    }

    /** Starts a stack holding {@code lock}, which it releases when closed or when it fails to start. */
    private static Running start(Settings settings, LocalStacks.RunLock lock) {
        try {
            return startLocked(settings, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Running startLocked(Settings settings, LocalStacks.RunLock lock) {
        Path template = settings.template();
        if (!Files.exists(template)) {
            throw new UserError("no SAM template at " + template);
        }
        Path dataDir = settings.dataDir();
        Path stateFile = settings.stateFile();
        deleteStale(stateFile);
        int port = settings.port();
        requireFreePort(port);
        String company = settings.company();
        String region = Env.optional("AWS_REGION").orElse("us-east-1");

        Map<String, String> parameterOverrides = parameterOverrides(settings, region);

        Optional<URI> external = Env.optional("AWS_ENDPOINT_URL").map(URI::create);
        if (external.isPresent() && settings.persist()) {
            System.err.println("hookline: --persist keeps the embedded engines' data; the services at AWS_ENDPOINT_URL keep theirs themselves");
        }
        Optional<Engines> engines = external.isPresent() ? Optional.empty()
                : Optional.of(settings.persist() ? Engines.startPersistent(settings.enginesDir()) : Engines.startAll(false));
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
            System.setProperty("ALLOW_PRIVATE_WEBHOOK_URLS", Boolean.toString(!settings.deployedUrlPolicy()));

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

            LocalPlatform.FunctionCode code = settings.packaged()
                    ? new PackagedFunctions(template.toAbsolutePath().getParent(), dataDir.resolve("packaged"))
                    : LocalPlatform.FunctionCode.APPLICATION;
            LocalPlatform platform = LocalPlatform.start(template, new Endpoints(dynamoDbEndpoint, sqsEndpoint),
                    parameterOverrides, externalResources, code, port);
            try {
                ApiKeyService.MintedKey key;
                try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint).region(Region.of(region))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .httpClient(UrlConnectionHttpClient.create()).build()) {
                    key = MintKeyCommand.mintLocal(dynamoDb, platform.tableName("ApiKeysTable"), company);
                }
                ObjectNode state = state(platform, key, settings, region, dynamoDbEndpoint, sqsEndpoint, external);
                awaitApi(platform.baseUrl());
                StateFile.write(stateFile, state);
                return new Running(platform, engines, state, stateFile, lock);
            } catch (RuntimeException e) {
                platform.close();
                throw e;
            }
        } catch (RuntimeException e) {
            engines.ifPresent(Engines::close);
            throw e;
        }
    }

    /** The pseudo parameters of a local stack and the {@code --parameters}, which must name template parameters. */
    private static Map<String, String> parameterOverrides(Settings settings, String region) {
        Set<String> declared = SamTemplate.load(settings.template()).parameters().keySet();
        for (String name : settings.parameters().keySet()) {
            if (!declared.contains(name)) {
                throw new UserError("--parameters: " + name + " is not a parameter of " + settings.template()
                        + " " + new TreeSet<>(declared));
            }
        }
        Map<String, String> overrides = new LinkedHashMap<>(settings.parameters());
        overrides.put("AWS::StackName", STACK_NAME);
        overrides.put("AWS::Region", region);
        return overrides;
    }

    private static ObjectNode state(LocalPlatform platform, ApiKeyService.MintedKey key, Settings settings, String region,
            URI dynamoDb, URI sqs, Optional<URI> external) {
        ObjectNode state = Json.object();
        String apiUrl = platform.baseUrl().toString().replaceAll("/$", "");
        state.put("api_url", apiUrl);
        state.put("dashboard_url", apiUrl + DASHBOARD_PATH);
        state.put("api_key", key.plaintext());
        state.put("company_id", key.companyId());
        state.put("pid", ProcessHandle.current().pid());
        state.put("state_file", settings.stateFile().toString());
        state.put("data_dir", settings.dataDir().toString());
        state.put("log_file", settings.logFile().toString());
        state.put("deployed_url_policy", settings.deployedUrlPolicy());
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

    private static void deleteStale(Path stateFile) {
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old state file " + stateFile, e);
        }
    }

    private static void requireFreePort(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new UserError("port " + port + " on 127.0.0.1 is already in use; choose another with --port N");
        }
    }

    /** The state file is written only once the API answers, so whoever reads it can use it at once. */
    private static void awaitApi(URI baseUrl) {
        HttpRequest probe = HttpRequest.newBuilder(baseUrl.resolve("/v1/event-types")).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpClient.newHttpClient().send(probe, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException("the local API at " + baseUrl + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null && System.getenv(property.equals("aws.accessKeyId") ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") == null) {
            System.setProperty(property, value);
        }
    }
}
