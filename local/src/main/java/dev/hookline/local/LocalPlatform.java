package dev.hookline.local;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole template running locally: tables and queues created in the given engines, every function loaded in
 * this JVM with its environment published as system properties, the HTTP API listening on 127.0.0.1 and the SQS
 * event source mappings polling. {@link #close()} stops everything in reverse order and restores the system
 * properties; the engines are the caller's.
 *
 * <p>Besides the template's variables, the functions get what the Lambda runtime provides ({@code AWS_REGION})
 * and the AWS SDK's system properties for region, dummy credentials and the local endpoints
 * ({@code aws.endpointUrlDynamoDb}, {@code aws.endpointUrlSqs}), so SDK clients built with the default chains reach
 * the local engines, as they reach AWS on Lambda. These are JVM-wide: other clients in this JVM that rely on the
 * defaults see them too while the platform runs.
 */
public final class LocalPlatform implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalPlatform.class.getName());
    /** How the runtime-provided variables are named in conflict messages. */
    private static final String RUNTIME_ENVIRONMENT = "(set by the Lambda runtime)";
    /**
     * The engines accept any credentials. The functions get the same ones, so that they see the tables created
     * here even in a DynamoDB Local that keeps one database per access key and region.
     */
    private static final String ACCESS_KEY = "local";
    private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, ACCESS_KEY));

    private final SamTemplate template;
    private final Map<String, ResolvedResource> resources;
    private final List<AutoCloseable> closeables;
    private final HttpApiServer httpApi;
    private final List<SqsEventSource> eventSources;
    private final Duration startupTime;

    private LocalPlatform(SamTemplate template, Map<String, ResolvedResource> resources,
                          List<AutoCloseable> closeables, HttpApiServer httpApi, List<SqsEventSource> eventSources,
                          Duration startupTime) {
        this.template = template;
        this.resources = resources;
        this.closeables = closeables;
        this.httpApi = httpApi;
        this.eventSources = eventSources;
        this.startupTime = startupTime;
    }

    /**
     * @param parameterOverrides template parameter values and pseudo parameters ({@code AWS::StackName},
     *                           default {@code hookline-local}; {@code AWS::Region}, default {@code us-east-1}; ...)
     * @param httpPort           port for the HTTP API on 127.0.0.1, 0 for any free one
     */
    public static LocalPlatform start(Path template, Endpoints endpoints, Map<String, String> parameterOverrides,
                                      int httpPort) {
        return start(template, endpoints, parameterOverrides, Map.of(), FunctionCode.APPLICATION, httpPort);
    }

    /** Where each function's handler class is loaded from. */
    @FunctionalInterface
    public interface FunctionCode {

        /** This JVM's own class path, every function sharing it (the context loader under launchers like exec:java). */
        FunctionCode APPLICATION = function -> Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : LocalPlatform.class.getClassLoader();

        ClassLoader loaderFor(SamTemplate.Function function);
    }

    /**
     * @param externalResources resources of the template that the caller created itself (for example secrets in
     *                          another engine), by logical id, so that intrinsics referring to them resolve
     * @param code              where the handlers come from: {@link FunctionCode#APPLICATION}, or each function's
     *                          own packaged artifact ({@link PackagedFunctions})
     */
    public static LocalPlatform start(Path template, Endpoints endpoints, Map<String, String> parameterOverrides,
                                      Map<String, ResolvedResource> externalResources, FunctionCode code,
                                      int httpPort) {
        long started = System.nanoTime();
        SamTemplate parsed = SamTemplate.load(template, parameterOverrides);
        Intrinsics parameters = Intrinsics.forTemplate(parsed, parameterOverrides).withResources(externalResources);
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            DynamoDbClient dynamoDb = null;
            SqsClient sqs = null;
            if (endpoints.dynamoDb() != null) {
                dynamoDb = DynamoDbClient.builder().endpointOverride(endpoints.dynamoDb())
                        .region(Region.of(parameters.region())).credentialsProvider(DUMMY_CREDENTIALS)
                        .httpClient(UrlConnectionHttpClient.create()).build();
                closeables.add(dynamoDb);
            }
            if (endpoints.sqs() != null) {
                sqs = SqsClient.builder().endpointOverride(endpoints.sqs())
                        .region(Region.of(parameters.region())).credentialsProvider(DUMMY_CREDENTIALS)
                        .httpClient(UrlConnectionHttpClient.create()).build();
                closeables.add(sqs);
            }
            Map<String, ResolvedResource> resources = new LinkedHashMap<>(externalResources);
            resources.putAll(LocalResources.create(parsed, parameters, dynamoDb, sqs).lookup());
            Map<String, SamTemplate.Function> functionsByName =
                    functionResources(parsed, parameters.withResources(resources), resources);
            String apiId = parameters.stackName() + "-api";
            parsed.httpApi().ifPresent(api -> resources.put(api.logicalId(), new ResolvedResource(apiId, Map.of())));
            Intrinsics intrinsics = parameters.withResources(resources);

            Map<String, Map<String, String>> environments = new LinkedHashMap<>();
            environments.put(RUNTIME_ENVIRONMENT, runtimeEnvironment(intrinsics.region(), endpoints));
            for (Map.Entry<String, SamTemplate.Function> entry : functionsByName.entrySet()) {
                environments.put(entry.getKey(), entry.getValue().environment(intrinsics));
            }
            closeables.add(SystemPropertyEnvironment.apply(environments));

            Map<String, LambdaContainer> containers = new LinkedHashMap<>();
            for (Map.Entry<String, SamTemplate.Function> entry : functionsByName.entrySet()) {
                SamTemplate.Function function = entry.getValue();
                LambdaContainer container = LambdaContainer.load(new LambdaContainer.Config(entry.getKey(),
                        resources.get(function.logicalId()).attribute("Arn"), function.handlerClass(),
                        function.handlerMethod(), function.timeoutSeconds(), function.memorySizeMb()),
                        code.loaderFor(function));
                closeables.add(container);
                containers.put(function.logicalId(), container);
            }

            HttpApiServer httpApi = HttpApiServer.start(new HttpApiServer.Api(apiId, intrinsics.region(),
                    intrinsics.accountId(), routes(parsed, intrinsics, containers)), httpPort);
            closeables.add(httpApi);

            List<SqsEventSource> eventSources = new ArrayList<>();
            for (SamTemplate.Function function : parsed.functions()) {
                for (SamTemplate.SqsSource source : function.sqsSources()) {
                    if (!source.enabled()) {
                        continue;
                    }
                    SqsEventSource eventSource = SqsEventSource.start(sqs,
                            mapping(function, source, intrinsics, resources), containers.get(function.logicalId()),
                            intrinsics.region());
                    closeables.add(eventSource);
                    eventSources.add(eventSource);
                }
            }
            Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
            LOG.log(Level.INFO, "local platform up in {0} ms: {1} functions, API at {2}, {3} SQS mappings",
                    startupTime.toMillis(), containers.size(), httpApi.baseUrl(), eventSources.size());
            return new LocalPlatform(parsed, Collections.unmodifiableMap(resources), closeables, httpApi,
                    List.copyOf(eventSources), startupTime);
        } catch (RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
    }

    public URI baseUrl() {
        return httpApi.baseUrl();
    }

    public SamTemplate template() {
        return template;
    }

    /** Tables, queues, functions and the HTTP API by logical id, with their Ref values and attributes. */
    public Map<String, ResolvedResource> resources() {
        return resources;
    }

    public String tableName(String logicalId) {
        return resourceOfType(logicalId, SamTemplate.TABLE).ref();
    }

    public String queueUrl(String logicalId) {
        return resourceOfType(logicalId, SamTemplate.QUEUE).ref();
    }

    public List<SqsEventSource> eventSources() {
        return eventSources;
    }

    /** From {@link #start} being called to everything listening and polling. */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private ResolvedResource resourceOfType(String logicalId, String type) {
        SamTemplate.Resource declared = template.resources().get(logicalId);
        if (declared == null || !declared.type().equals(type)) {
            throw new IllegalArgumentException(logicalId + " is not a resource of type " + type);
        }
        return resources.get(logicalId);
    }

    /**
     * What the Lambda runtime gives every function, in the system-property form the AWS SDK reads: the region,
     * credentials (dummy ones here; system properties take precedence over any real credentials in the developer's
     * environment, so a client that misses the local endpoint fails instead of reaching AWS), and the SDK's
     * endpoint settings pointing default-built DynamoDB and SQS clients at the local engines.
     */
    private static Map<String, String> runtimeEnvironment(String region, Endpoints endpoints) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("AWS_REGION", region);
        environment.put("AWS_DEFAULT_REGION", region);
        environment.put("aws.region", region);
        environment.put("aws.accessKeyId", ACCESS_KEY);
        environment.put("aws.secretAccessKey", ACCESS_KEY);
        if (endpoints.dynamoDb() != null) {
            environment.put("aws.endpointUrlDynamoDb", endpoints.dynamoDb().toString());
        }
        if (endpoints.sqs() != null) {
            environment.put("aws.endpointUrlSqs", endpoints.sqs().toString());
        }
        return environment;
    }

    /**
     * Adds each function (Ref = name, Arn) to the lookup, and its AutoPublishAlias as SAM's {@code <LogicalId>.Alias}
     * (Ref = the alias ARN); returns the functions by local name. Locally an alias runs the function itself.
     */
    private static Map<String, SamTemplate.Function> functionResources(SamTemplate template, Intrinsics intrinsics,
                                                                      Map<String, ResolvedResource> resources) {
        Map<String, SamTemplate.Function> byName = new LinkedHashMap<>();
        for (SamTemplate.Function function : template.functions()) {
            String name = function.name(intrinsics);
            if (byName.put(name, function) != null) {
                throw new TemplateException("two functions are named " + name);
            }
            String arn = "arn:" + intrinsics.partition() + ":lambda:" + intrinsics.region() + ":"
                    + intrinsics.accountId() + ":function:" + name;
            resources.put(function.logicalId(), new ResolvedResource(name, Map.of("Arn", arn)));
            if (function.autoPublishAlias() != null) {
                resources.put(function.logicalId() + ".Alias",
                        new ResolvedResource(arn + ":" + function.autoPublishAlias(), Map.of()));
            }
        }
        return byName;
    }

    private static List<HttpApiServer.Route> routes(SamTemplate template, Intrinsics intrinsics,
                                                    Map<String, LambdaContainer> containers) {
        Map<String, HttpApiServer.Authorizer> authorizers = new LinkedHashMap<>();
        template.httpApi().ifPresent(api -> api.authorizers().values().forEach(authorizer -> {
            String where = "HttpApi " + api.logicalId() + " authorizer " + authorizer.name();
            String arn;
            try {
                arn = intrinsics.resolveString(authorizer.functionArn());
            } catch (TemplateException e) {
                throw new TemplateException(where + " FunctionArn: " + e.getMessage(), e);
            }
            LambdaContainer function = containers.values().stream()
                    .filter(c -> arn.equals(c.config().functionArn()) || arn.startsWith(c.config().functionArn() + ":"))
                    .findFirst()
                    .orElseThrow(() -> new TemplateException(where + ": FunctionArn " + arn
                            + " is not a function of the template"));
            authorizers.put(authorizer.name(), new HttpApiServer.Authorizer(authorizer.name(), function,
                    authorizer.identityHeaders(), authorizer.identityQueryStrings(),
                    Duration.ofSeconds(authorizer.reauthorizeEverySeconds())));
        }));
        List<HttpApiServer.Route> routes = new ArrayList<>();
        for (SamTemplate.Function function : template.functions()) {
            for (SamTemplate.HttpRoute route : function.httpRoutes()) {
                routes.add(new HttpApiServer.Route(route.routeKey(), containers.get(function.logicalId()),
                        route.authorizer() == null ? null : authorizers.get(route.authorizer())));
            }
        }
        return routes;
    }

    private static SqsEventSource.Mapping mapping(SamTemplate.Function function, SamTemplate.SqsSource source,
                                                  Intrinsics intrinsics, Map<String, ResolvedResource> resources) {
        String where = "function " + function.logicalId() + " event " + source.eventName();
        String arn;
        try {
            arn = intrinsics.resolveString(source.queue());
        } catch (TemplateException e) {
            throw new TemplateException(where + " Queue: " + e.getMessage(), e);
        }
        ResolvedResource queue = resources.values().stream()
                .filter(r -> arn.equals(r.attribute("Arn")) && r.attribute("QueueUrl") != null).findFirst()
                .orElseThrow(() -> new TemplateException(where + ": Queue " + arn
                        + " is not a queue of the template"));
        return new SqsEventSource.Mapping(queue.attribute("QueueUrl"), arn, source.batchSize(),
                Duration.ofSeconds(source.maximumBatchingWindowSeconds()), source.reportBatchItemFailures(),
                source.maximumConcurrency());
    }

    /** Closes in reverse order of creation, logging failures so that one does not stop the others. */
    private static void closeAll(List<AutoCloseable> closeables) {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + closeables.get(i) + " failed", e);
            }
        }
        closeables.clear();
    }
}
