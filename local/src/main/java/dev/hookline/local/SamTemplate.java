package dev.hookline.local;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a SAM template that the local emulation runs: functions with their HTTP API routes and SQS event
 * sources, the HTTP API's Lambda authorizers, DynamoDB tables and SQS queues.
 *
 * <p>Property values that may refer to resources (environment variables, names, queue attributes, ARNs) are kept
 * as parsed and evaluated later with an {@link Intrinsics}, because the resources only exist once
 * {@link LocalResources} has created them. Settings (Timeout, MemorySize, BatchSize, ReauthorizeEvery, ...) are
 * evaluated while loading, against parameters and pseudo parameters only.
 */
public final class SamTemplate {

    private static final System.Logger LOG = System.getLogger(SamTemplate.class.getName());

    static final String FUNCTION = "AWS::Serverless::Function";
    static final String HTTP_API = "AWS::Serverless::HttpApi";
    static final String TABLE = "AWS::DynamoDB::Table";
    static final String QUEUE = "AWS::SQS::Queue";
    /** The API SAM creates for HttpApi events that name no ApiId. */
    static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    private static final int DEFAULT_TIMEOUT_SECONDS = 3;
    private static final int DEFAULT_MEMORY_MB = 128;
    private static final int DEFAULT_SQS_BATCH_SIZE = 10;
    private static final int DEFAULT_SQS_CONCURRENCY = 2;

    private final Map<String, Parameter> parameters;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final Map<String, Resource> resources;
    private final List<Function> functions;
    private final HttpApi httpApi;
    private final List<Table> tables;
    private final List<Queue> queues;
    /** Evaluates intrinsics in settings while loading; no resource exists yet. */
    private final Intrinsics settings;

    /** A template parameter; {@code defaultValue} is null when it has none. */
    public record Parameter(String name, String type, String defaultValue) {
        boolean isList() {
            return type.equals("CommaDelimitedList") || type.startsWith("List<");
        }
    }

    /** Any resource of the template, for resource types this module does not model (secrets, roles, ...). */
    public record Resource(String logicalId, String type, Map<String, Object> properties, List<String> dependsOn) {
    }

    /**
     * An {@code AWS::Serverless::Function} with Globals applied.
     *
     * @param functionName  the FunctionName property as parsed, or null
     * @param rawEnvironment Globals and function variables merged (function wins), values not yet evaluated
     * @param codeUri       the CodeUri directory, relative to the template, or null when it is not a local path
     * @param autoPublishAlias the alias SAM publishes each version under ({@code <LogicalId>.Alias}), or null
     */
    public record Function(String logicalId, Object functionName, String handlerClass, String handlerMethod,
                           int timeoutSeconds, int memorySizeMb, Map<String, Object> rawEnvironment,
                           List<HttpRoute> httpRoutes, List<SqsSource> sqsSources, String codeUri,
                           String autoPublishAlias) {

        /** FunctionName if the template sets one, else {@code <stack>-<LogicalId>}. */
        public String name(Intrinsics intrinsics) {
            if (functionName == null) {
                return intrinsics.stackName() + "-" + logicalId;
            }
            try {
                return intrinsics.resolveString(functionName);
            } catch (TemplateException e) {
                throw new TemplateException("function " + logicalId + ", FunctionName: " + e.getMessage(), e);
            }
        }

        /** The environment variables with intrinsics evaluated; a variable set to AWS::NoValue is left out. */
        public Map<String, String> environment(Intrinsics intrinsics) {
            Map<String, String> resolved = new LinkedHashMap<>();
            rawEnvironment.forEach((name, value) -> {
                try {
                    intrinsics.resolveOptionalString(value).ifPresent(text -> resolved.put(name, text));
                } catch (TemplateException e) {
                    throw new TemplateException("function " + logicalId + ", environment variable " + name + ": "
                            + e.getMessage(), e);
                }
            });
            return Collections.unmodifiableMap(resolved);
        }
    }

    /**
     * One {@code Type: HttpApi} event. {@code method} is upper case or {@code ANY}; {@code path} is
     * {@code $default} for the catch-all route. {@code authorizer} names the HTTP API authorizer that guards the
     * route, or is null when none does (no default authorizer, or {@code Auth.Authorizer: NONE}).
     */
    public record HttpRoute(String eventName, String method, String path, String authorizer) {
        public String routeKey() {
            return path.equals(RouteTable.DEFAULT_ROUTE) ? path : method + " " + path;
        }
    }

    /**
     * One {@code Type: SQS} event. {@code queue} is the Queue property as parsed (normally
     * {@code !GetAtt Q.Arn}); it evaluates to the queue ARN.
     */
    public record SqsSource(String eventName, Object queue, int batchSize, int maximumBatchingWindowSeconds,
                            boolean reportBatchItemFailures, int maximumConcurrency, boolean enabled) {
    }

    /**
     * The HTTP API: its logical id (or the implicit one), its Lambda authorizers by name and the name of the
     * default authorizer (null when routes are open unless they name one).
     */
    public record HttpApi(String logicalId, Map<String, Authorizer> authorizers, String defaultAuthorizer) {
    }

    /**
     * A Lambda REQUEST authorizer with payload format 2.0 and simple responses, the only kind emulated.
     *
     * @param functionArn the FunctionArn property as parsed (normally {@code !GetAtt SomeFunction.Arn})
     */
    public record Authorizer(String name, Object functionArn, List<String> identityHeaders,
                             List<String> identityQueryStrings, int reauthorizeEverySeconds) {
    }

    public record KeyElement(String attributeName, String keyType) {
    }

    public record AttributeDefinition(String attributeName, String attributeType) {
    }

    public record Index(String name, List<KeyElement> keySchema, String projectionType,
                        List<String> nonKeyAttributes) {
    }

    /**
     * An {@code AWS::DynamoDB::Table}. {@code tableName} is the TableName property as parsed, or null.
     * {@code timeToLiveAttribute} is set only when TTL is enabled; {@code streamViewType} only with a stream.
     */
    public record Table(String logicalId, Object tableName, List<KeyElement> keySchema,
                        List<AttributeDefinition> attributeDefinitions, List<Index> globalSecondaryIndexes,
                        List<Index> localSecondaryIndexes, String timeToLiveAttribute, String streamViewType) {
    }

    /** An {@code AWS::SQS::Queue}; {@code properties} as parsed (QueueName, VisibilityTimeout, RedrivePolicy...). */
    public record Queue(String logicalId, boolean fifo, Map<String, Object> properties) {
    }

    private SamTemplate(Map<String, Object> document, Map<String, String> parameterOverrides) {
        Map<String, Object> root = Values.map(document, "template");
        this.parameters = parseParameters(Values.map(root.get("Parameters"), "Parameters"));
        this.conditions = Collections.unmodifiableMap(Values.map(root.get("Conditions"), "Conditions"));
        this.mappings = Collections.unmodifiableMap(Values.map(root.get("Mappings"), "Mappings"));
        this.resources = parseResources(Values.map(root.get("Resources"), "Resources"));
        Map<String, String> resourceTypes = new LinkedHashMap<>();
        resources.forEach((id, resource) -> resourceTypes.put(id, resource.type()));
        this.settings = Intrinsics.of(parameters, resourceTypes, conditions, mappings, parameterOverrides);
        Map<String, Object> globals = Values.map(
                Values.map(root.get("Globals"), "Globals").get("Function"), "Globals.Function");
        this.httpApi = parseHttpApi();
        this.functions = parseFunctions(globals);
        this.tables = parseTables();
        this.queues = orderQueues();
    }

    /** Loads with the template's parameter defaults. */
    public static SamTemplate load(Path path) {
        return load(path, Map.of());
    }

    /**
     * @param parameterOverrides template parameters and pseudo parameters ({@code AWS::StackName}, ...) that
     *                           settings such as {@code Timeout: !Ref FunctionTimeout} are evaluated with
     */
    public static SamTemplate load(Path path, Map<String, String> parameterOverrides) {
        return new SamTemplate(CfnYaml.load(path), parameterOverrides);
    }

    static SamTemplate parse(String yaml) {
        return new SamTemplate(CfnYaml.parse(yaml, "<inline>"), Map.of());
    }

    /** A setting as a literal: intrinsics evaluated against parameters, anything else as written. */
    private Object setting(Object value, String where) {
        if (!Values.isIntrinsic(value)) {
            return value;
        }
        try {
            return settings.resolveString(value);
        } catch (TemplateException e) {
            throw new TemplateException(where + ": " + e.getMessage(), e);
        }
    }

    private int integer(Object value, int defaultValue, String where) {
        return Values.integer(setting(value, where), defaultValue, where);
    }

    private boolean bool(Object value, boolean defaultValue, String where) {
        return Values.bool(setting(value, where), defaultValue, where);
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Map<String, Object> conditions() {
        return conditions;
    }

    public Map<String, Object> mappings() {
        return mappings;
    }

    /** Every resource by logical id, in template order. */
    public Map<String, Resource> resources() {
        return resources;
    }

    public List<Function> functions() {
        return functions;
    }

    public Optional<Function> function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    /** The HTTP API, present when the template declares one or any function has an HttpApi event. */
    public Optional<HttpApi> httpApi() {
        return Optional.ofNullable(httpApi);
    }

    public List<Table> tables() {
        return tables;
    }

    /** Queues ordered so that every queue comes after the queues it refers to (dead-letter queues first). */
    public List<Queue> queues() {
        return queues;
    }

    private static Map<String, Parameter> parseParameters(Map<String, Object> section) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        section.forEach((name, body) -> {
            Map<String, Object> properties = Values.map(body, "Parameters." + name);
            String type = Values.optionalString(properties.get("Type"), "Parameters." + name + ".Type");
            String defaultValue = defaultValue(properties.get("Default"), "Parameters." + name + ".Default");
            out.put(name, new Parameter(name, type == null ? "String" : type, defaultValue));
        });
        return Collections.unmodifiableMap(out);
    }

    private static String defaultValue(Object value, String where) {
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(Values.string(item, where));
            }
            return String.join(",", items);
        }
        return Values.optionalString(value, where);
    }

    private static Map<String, Resource> parseResources(Map<String, Object> section) {
        Map<String, Resource> out = new LinkedHashMap<>();
        section.forEach((id, body) -> {
            Map<String, Object> resource = Values.map(body, "Resources." + id);
            String type = Values.string(resource.get("Type"), "Resources." + id + ".Type");
            Object dependsOn = resource.get("DependsOn");
            List<String> dependencies = new ArrayList<>();
            if (dependsOn instanceof String single) {
                dependencies.add(single);
            } else {
                for (Object each : Values.list(dependsOn, "Resources." + id + ".DependsOn")) {
                    dependencies.add(Values.string(each, "Resources." + id + ".DependsOn"));
                }
            }
            out.put(id, new Resource(id, type, Values.map(resource.get("Properties"), "Resources." + id
                    + ".Properties"), List.copyOf(dependencies)));
        });
        return Collections.unmodifiableMap(out);
    }

    private List<Resource> resourcesOfType(String type) {
        return resources.values().stream().filter(r -> r.type().equals(type)).toList();
    }

    private HttpApi parseHttpApi() {
        List<Resource> apis = resourcesOfType(HTTP_API);
        if (apis.size() > 1) {
            throw new TemplateException("the local emulation serves one HTTP API, the template declares "
                    + apis.stream().map(Resource::logicalId).toList());
        }
        if (apis.isEmpty()) {
            boolean anyHttpEvent = resourcesOfType(FUNCTION).stream()
                    .flatMap(f -> events(f).values().stream())
                    .anyMatch(e -> "HttpApi".equals(Values.map(e, "event").get("Type")));
            return anyHttpEvent ? new HttpApi(IMPLICIT_HTTP_API, Map.of(), null) : null;
        }
        Resource api = apis.get(0);
        String where = "HttpApi " + api.logicalId();
        Map<String, Object> auth = Values.map(api.properties().get("Auth"), where + " Auth");
        Map<String, Authorizer> authorizers = new LinkedHashMap<>();
        Values.map(auth.get("Authorizers"), where + " Auth.Authorizers").forEach((name, body) ->
                authorizers.put(name, parseAuthorizer(name, Values.map(body, where + " authorizer " + name),
                        where + " authorizer " + name)));
        String defaultAuthorizer = Values.optionalString(auth.get("DefaultAuthorizer"), where + " DefaultAuthorizer");
        if (defaultAuthorizer != null && !authorizers.containsKey(defaultAuthorizer)) {
            throw new TemplateException(where + ": DefaultAuthorizer " + defaultAuthorizer
                    + " is not one of Auth.Authorizers " + authorizers.keySet());
        }
        return new HttpApi(api.logicalId(), Collections.unmodifiableMap(authorizers), defaultAuthorizer);
    }

    private Authorizer parseAuthorizer(String name, Map<String, Object> body, String where) {
        if (body.containsKey("JwtConfiguration")) {
            throw new TemplateException(where + ": JWT authorizers are not emulated, only Lambda authorizers");
        }
        Object functionArn = body.get("FunctionArn");
        if (functionArn == null) {
            throw new TemplateException(where + ": FunctionArn is required");
        }
        String payloadVersion = Values.optionalString(body.get("AuthorizerPayloadFormatVersion"),
                where + " AuthorizerPayloadFormatVersion");
        if (!"2.0".equals(payloadVersion)) {
            throw new TemplateException(where + ": only AuthorizerPayloadFormatVersion \"2.0\" is emulated, got "
                    + payloadVersion);
        }
        if (!bool(body.get("EnableSimpleResponses"), false, where + " EnableSimpleResponses")) {
            throw new TemplateException(where + ": only EnableSimpleResponses: true is emulated");
        }
        Map<String, Object> identity = Values.map(body.get("Identity"), where + " Identity");
        for (String unsupported : List.of("Context", "StageVariables")) {
            if (identity.containsKey(unsupported)) {
                throw new TemplateException(where + ": Identity." + unsupported + " is not emulated");
            }
        }
        return new Authorizer(name, functionArn,
                strings(identity.get("Headers"), where + " Identity.Headers"),
                strings(identity.get("QueryStrings"), where + " Identity.QueryStrings"),
                integer(identity.get("ReauthorizeEvery"), 0, where + " Identity.ReauthorizeEvery"));
    }

    private static List<String> strings(Object value, String where) {
        List<String> out = new ArrayList<>();
        for (Object each : Values.list(value, where)) {
            out.add(Values.string(each, where));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> events(Resource function) {
        return Values.map(function.properties().get("Events"), "function " + function.logicalId() + " Events");
    }

    private List<Function> parseFunctions(Map<String, Object> globals) {
        List<Function> out = new ArrayList<>();
        for (Resource resource : resourcesOfType(FUNCTION)) {
            String id = resource.logicalId();
            String where = "function " + id;
            Map<String, Object> properties = new LinkedHashMap<>(globals);
            properties.putAll(resource.properties());

            String handler = Values.string(properties.get("Handler"), where + " Handler");
            int separator = handler.indexOf("::");
            String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
            String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
            if (handlerClass.isBlank() || handlerMethod.isBlank()) {
                throw new TemplateException(where + ": Handler must be package.Class::method, got " + handler);
            }

            Map<String, Object> environment = new LinkedHashMap<>(variables(globals, "Globals.Function"));
            environment.putAll(variables(resource.properties(), where));

            List<HttpRoute> routes = new ArrayList<>();
            List<SqsSource> sqsSources = new ArrayList<>();
            events(resource).forEach((eventName, body) -> {
                Map<String, Object> event = Values.map(body, where + " event " + eventName);
                String type = Values.string(event.get("Type"), where + " event " + eventName + " Type");
                Map<String, Object> eventProperties = Values.map(event.get("Properties"),
                        where + " event " + eventName + " Properties");
                switch (type) {
                    case "HttpApi" -> routes.add(parseRoute(id, eventName, eventProperties));
                    case "SQS" -> sqsSources.add(parseSqsSource(id, eventName, eventProperties));
                    default -> LOG.log(Level.WARNING, "{0} event {1}: type {2} is not emulated locally",
                            where, eventName, type);
                }
            });
            out.add(new Function(id, properties.get("FunctionName"), handlerClass, handlerMethod,
                    integer(properties.get("Timeout"), DEFAULT_TIMEOUT_SECONDS, where + " Timeout"),
                    integer(properties.get("MemorySize"), DEFAULT_MEMORY_MB, where + " MemorySize"),
                    Collections.unmodifiableMap(environment), List.copyOf(routes), List.copyOf(sqsSources),
                    properties.get("CodeUri") instanceof String codeUri ? codeUri : null,
                    properties.get("AutoPublishAlias") instanceof String alias ? alias : null));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> variables(Map<String, Object> properties, String where) {
        Map<String, Object> environment = Values.map(properties.get("Environment"), where + " Environment");
        return Values.map(environment.get("Variables"), where + " Environment.Variables");
    }

    private HttpRoute parseRoute(String functionId, String eventName, Map<String, Object> properties) {
        String where = "function " + functionId + " event " + eventName;
        String apiId = apiId(properties.get("ApiId"), where);
        if (!apiId.equals(httpApi.logicalId())) {
            throw new TemplateException(where + ": the route belongs to API " + apiId + " but the emulated API is "
                    + httpApi.logicalId() + " (an HttpApi event without ApiId goes to SAM's implicit "
                    + IMPLICIT_HTTP_API + "; only one HTTP API is emulated)");
        }
        String version = Values.optionalString(properties.get("PayloadFormatVersion"),
                where + " PayloadFormatVersion");
        if (version != null && !version.equals("2.0")) {
            throw new TemplateException(where + ": only PayloadFormatVersion 2.0 is emulated, got " + version);
        }
        String path = Values.optionalString(properties.get("Path"), where + " Path");
        String method = Values.optionalString(properties.get("Method"), where + " Method");
        if (path == null) {
            throw new TemplateException(where + ": Path is required");
        }
        method = method == null ? "ANY" : method.toUpperCase();

        Map<String, Object> auth = Values.map(properties.get("Auth"), where + " Auth");
        String authorizer = Values.optionalString(auth.get("Authorizer"), where + " Auth.Authorizer");
        if (authorizer == null) {
            authorizer = httpApi.defaultAuthorizer();
        } else if (authorizer.equals("NONE")) {
            authorizer = null;
        } else if (!httpApi.authorizers().containsKey(authorizer)) {
            throw new TemplateException(where + ": Auth.Authorizer " + authorizer + " is not one of the API's "
                    + "Lambda authorizers " + httpApi.authorizers().keySet());
        }
        return new HttpRoute(eventName, method, path, authorizer);
    }

    private static String apiId(Object apiId, String where) {
        if (apiId == null) {
            return IMPLICIT_HTTP_API;
        }
        Map<String, Object> ref = Values.map(apiId, where + " ApiId");
        if (ref.size() != 1 || !(ref.get("Ref") instanceof String id)) {
            throw new TemplateException(where + ": ApiId must be !Ref of the HttpApi, got " + apiId);
        }
        return id;
    }

    private SqsSource parseSqsSource(String functionId, String eventName, Map<String, Object> properties) {
        String where = "function " + functionId + " event " + eventName;
        Object queue = properties.get("Queue");
        if (queue == null) {
            throw new TemplateException(where + ": Queue is required");
        }
        int batchSize = integer(properties.get("BatchSize"), DEFAULT_SQS_BATCH_SIZE, where + " BatchSize");
        int window = integer(properties.get("MaximumBatchingWindowInSeconds"), 0,
                where + " MaximumBatchingWindowInSeconds");
        // The limits Lambda enforces when the mapping is created, so a template that fails there fails here.
        if (batchSize < 1 || batchSize > 10_000) {
            throw new TemplateException(where + ": BatchSize must be 1..10000, got " + batchSize);
        }
        if (batchSize > 10 && window < 1) {
            throw new TemplateException(where + ": BatchSize above 10 needs MaximumBatchingWindowInSeconds >= 1");
        }
        if (window < 0 || window > 300) {
            throw new TemplateException(where + ": MaximumBatchingWindowInSeconds must be 0..300, got " + window);
        }
        boolean reportFailures = false;
        for (Object type : Values.list(properties.get("FunctionResponseTypes"), where + " FunctionResponseTypes")) {
            String name = Values.string(type, where + " FunctionResponseTypes");
            if (!name.equals("ReportBatchItemFailures")) {
                throw new TemplateException(where + ": unknown FunctionResponseTypes entry " + name);
            }
            reportFailures = true;
        }
        int concurrency = integer(
                Values.map(properties.get("ScalingConfig"), where + " ScalingConfig").get("MaximumConcurrency"),
                DEFAULT_SQS_CONCURRENCY, where + " ScalingConfig.MaximumConcurrency");
        if (concurrency < 2) {
            throw new TemplateException(where + ": ScalingConfig.MaximumConcurrency must be at least 2, got "
                    + concurrency);
        }
        return new SqsSource(eventName, queue, batchSize, window, reportFailures, concurrency,
                bool(properties.get("Enabled"), true, where + " Enabled"));
    }

    private List<Table> parseTables() {
        List<Table> out = new ArrayList<>();
        for (Resource resource : resourcesOfType(TABLE)) {
            String where = "table " + resource.logicalId();
            Map<String, Object> p = resource.properties();
            List<AttributeDefinition> attributes = new ArrayList<>();
            for (Object each : Values.list(p.get("AttributeDefinitions"), where + " AttributeDefinitions")) {
                Map<String, Object> definition = Values.map(each, where + " AttributeDefinitions");
                attributes.add(new AttributeDefinition(
                        Values.string(definition.get("AttributeName"), where + " AttributeName"),
                        Values.string(definition.get("AttributeType"), where + " AttributeType")));
            }
            Map<String, Object> ttl = Values.map(p.get("TimeToLiveSpecification"), where + " TimeToLiveSpecification");
            String ttlAttribute = bool(ttl.get("Enabled"), false, where + " TimeToLiveSpecification.Enabled")
                    ? Values.string(ttl.get("AttributeName"), where + " TimeToLiveSpecification.AttributeName")
                    : null;
            Map<String, Object> stream = Values.map(p.get("StreamSpecification"), where + " StreamSpecification");
            out.add(new Table(resource.logicalId(), p.get("TableName"),
                    keySchema(p.get("KeySchema"), where),
                    List.copyOf(attributes),
                    indexes(p.get("GlobalSecondaryIndexes"), where + " GlobalSecondaryIndexes"),
                    indexes(p.get("LocalSecondaryIndexes"), where + " LocalSecondaryIndexes"),
                    ttlAttribute,
                    Values.optionalString(stream.get("StreamViewType"), where + " StreamViewType")));
        }
        return List.copyOf(out);
    }

    private static List<KeyElement> keySchema(Object value, String where) {
        List<KeyElement> out = new ArrayList<>();
        for (Object each : Values.list(value, where + " KeySchema")) {
            Map<String, Object> element = Values.map(each, where + " KeySchema");
            out.add(new KeyElement(Values.string(element.get("AttributeName"), where + " KeySchema AttributeName"),
                    Values.string(element.get("KeyType"), where + " KeySchema KeyType")));
        }
        if (out.isEmpty()) {
            throw new TemplateException(where + ": KeySchema is required");
        }
        return List.copyOf(out);
    }

    private static List<Index> indexes(Object value, String where) {
        List<Index> out = new ArrayList<>();
        for (Object each : Values.list(value, where)) {
            Map<String, Object> index = Values.map(each, where);
            String name = Values.string(index.get("IndexName"), where + " IndexName");
            Map<String, Object> projection = Values.map(index.get("Projection"), where + " " + name + " Projection");
            String projectionType = Values.optionalString(projection.get("ProjectionType"),
                    where + " " + name + " ProjectionType");
            out.add(new Index(name, keySchema(index.get("KeySchema"), where + " " + name),
                    projectionType == null ? "ALL" : projectionType,
                    strings(projection.get("NonKeyAttributes"), where + " " + name + " NonKeyAttributes")));
        }
        return List.copyOf(out);
    }

    private List<Queue> orderQueues() {
        Map<String, Queue> byId = new LinkedHashMap<>();
        for (Resource resource : resourcesOfType(QUEUE)) {
            byId.put(resource.logicalId(), new Queue(resource.logicalId(),
                    bool(resource.properties().get("FifoQueue"), false, "queue " + resource.logicalId() + " FifoQueue"),
                    resource.properties()));
        }
        List<Queue> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String id : byId.keySet()) {
            visitQueue(id, byId, done, new ArrayDeque<>(), ordered);
        }
        return List.copyOf(ordered);
    }

    private void visitQueue(String id, Map<String, Queue> queuesById, Set<String> done, Deque<String> path,
                            List<Queue> ordered) {
        if (done.contains(id)) {
            return;
        }
        if (path.contains(id)) {
            throw new TemplateException("queues refer to each other in a cycle: " + path + " -> " + id);
        }
        path.push(id);
        Set<String> dependencies = new LinkedHashSet<>(resources.get(id).dependsOn());
        collectReferences(queuesById.get(id).properties(), dependencies);
        for (String dependency : dependencies) {
            if (queuesById.containsKey(dependency)) {
                visitQueue(dependency, queuesById, done, path, ordered);
            }
        }
        path.pop();
        done.add(id);
        ordered.add(queuesById.get(id));
    }

    /** Logical ids a value refers to through Ref, Fn::GetAtt or Fn::Sub. */
    private static void collectReferences(Object value, Set<String> into) {
        if (value instanceof List<?> list) {
            list.forEach(element -> collectReferences(element, into));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, argument) -> {
                if ("Ref".equals(key) && argument instanceof String id) {
                    into.add(id);
                } else if ("Fn::GetAtt".equals(key) && argument instanceof List<?> parts && !parts.isEmpty()
                        && parts.get(0) instanceof String id) {
                    into.add(id);
                } else if ("Fn::GetAtt".equals(key) && argument instanceof String dotted) {
                    into.add(dotted.split("\\.", 2)[0]);
                } else if ("Fn::Sub".equals(key)) {
                    Object text = argument instanceof List<?> parts && !parts.isEmpty() ? parts.get(0) : argument;
                    if (text instanceof String template) {
                        collectSubReferences(template, into);
                    }
                    if (argument instanceof List<?> parts && parts.size() > 1) {
                        collectReferences(parts.get(1), into);
                    }
                } else {
                    collectReferences(argument, into);
                }
            });
        }
    }

    private static void collectSubReferences(String template, Set<String> into) {
        int position = 0;
        while (true) {
            int start = template.indexOf("${", position);
            int end = start < 0 ? -1 : template.indexOf('}', start);
            if (end < 0) {
                return;
            }
            String name = template.substring(start + 2, end).trim();
            if (!name.startsWith("!")) {
                into.add(name.split("\\.", 2)[0]);
            }
            position = end + 1;
        }
    }
}
