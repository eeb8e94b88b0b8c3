package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamTemplateTest {

    private static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:hookline-local-DeliveryQueue";
    private static final Map<String, ResolvedResource> LOOKUP = Map.of(
            "WebhooksTable", new ResolvedResource("hookline-local-WebhooksTable",
                    Map.of("Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/hookline-local-WebhooksTable")),
            "DeliveryQueue", new ResolvedResource("http://127.0.0.1:1/000000000000/hookline-local-DeliveryQueue",
                    Map.of("Arn", QUEUE_ARN, "QueueName", "hookline-local-DeliveryQueue",
                            "QueueUrl", "http://127.0.0.1:1/000000000000/hookline-local-DeliveryQueue")),
            "DeliveryDeadLetterQueue", new ResolvedResource("http://127.0.0.1:1/000000000000/dlq",
                    Map.of("Arn", "arn:aws:sqs:us-east-1:000000000000:dlq", "QueueName", "dlq",
                            "QueueUrl", "http://127.0.0.1:1/000000000000/dlq")),
            "HttpApi", new ResolvedResource("abc123", Map.of()));

    static Path template(String name) {
        return Path.of("src/test/resources/templates", name);
    }

    private static final SamTemplate template = SamTemplate.load(template("parsing.yaml"));

    private Map<String, String> apiEnvironment(Map<String, String> overrides) {
        Intrinsics intrinsics = Intrinsics.forTemplate(template, overrides).withResources(LOOKUP);
        return template.function("ApiFunction").orElseThrow().environment(intrinsics);
    }

    @Test
    void resolvesShortAndLongFormIntrinsicsInTheMergedEnvironment() {
        Map<String, String> env = apiEnvironment(Map.of("LogLevel", "DEBUG"));

        assertEquals("hookline-local-WebhooksTable", env.get("TABLE_NAME"));
        assertEquals("DEBUG", env.get("LOG_LEVEL"));
        assertEquals("from-function", env.get("SHARED"), "the function's variable wins over Globals");
        assertEquals(LOOKUP.get("DeliveryQueue").ref(), env.get("QUEUE_URL"));
        assertEquals(LOOKUP.get("DeliveryQueue").ref(), env.get("QUEUE_URL_LONG"));
        assertEquals(QUEUE_ARN, env.get("QUEUE_ARN"));
        assertEquals("hookline-local-DeliveryQueue", env.get("QUEUE_NAME"));
        assertEquals("http://127.0.0.1:1/000000000000/dlq", env.get("DLQ_URL"));
        assertEquals("https://abc123.execute-api.us-east-1.amazonaws.com", env.get("PUBLIC_URL"));
        assertEquals("hookline-local/000000000000/aws/dev", env.get("STACK_INFO"));
        assertEquals("cost is ${Price} in us-east-1", env.get("LITERAL"));
        assertEquals("dev-y@hookline-local-DeliveryQueue", env.get("SUB_LONG"));
        assertEquals("https://a.example https://b.example", env.get("ORIGINS"));
        assertEquals("https://a.example", env.get("FIRST_ORIGIN"));
        assertEquals("development", env.get("MODE"));
        assertEquals("true", env.get("VERBOSE"));
        assertEquals("yes", env.get("NOT_PROD"));
        assertEquals("7", env.get("RETENTION"));
        assertFalse(env.containsKey("ONLY_IN_PROD"), "AWS::NoValue removes the variable");
        assertEquals("aGVsbG8=", env.get("ENCODED"));
    }

    @Test
    void keepsScalarsAsWritten() {
        Map<String, String> env = apiEnvironment(Map.of());
        assertEquals("2024-01-01", env.get("RELEASE_DATE"));
        assertEquals("1.10", env.get("RATIO"));
        assertEquals("yes", env.get("ENABLED"));
    }

    @Test
    void parameterAndPseudoParameterOverridesChangeConditionsAndNames() {
        Map<String, String> env = apiEnvironment(Map.of("Stage", "prod", "AWS::Region", "eu-west-1",
                "AWS::StackName", "mine"));
        assertEquals("production", env.get("MODE"));
        assertEquals("present", env.get("ONLY_IN_PROD"));
        assertEquals("30", env.get("RETENTION"));
        assertEquals("no", env.get("NOT_PROD"));
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com", env.get("PUBLIC_URL"));
        assertEquals("mine/000000000000/aws/prod", env.get("STACK_INFO"));
    }

    @Test
    void unresolvableVariableNamesFunctionAndVariable() {
        Intrinsics noResources = Intrinsics.forTemplate(template, Map.of());
        TemplateException error = assertThrows(TemplateException.class,
                () -> template.function("ApiFunction").orElseThrow().environment(noResources));
        assertTrue(error.getMessage().startsWith("function ApiFunction, environment variable TABLE_NAME:"),
                error.getMessage());
        assertTrue(error.getMessage().contains("WebhooksTable"), error.getMessage());
    }

    @Test
    void referencesToResourcesThatAreNotEmulatedSayWhy() {
        SamTemplate inline = SamTemplate.parse("""
                Resources:
                  Secret:
                    Type: AWS::SecretsManager::Secret
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Environment:
                        Variables:
                          SECRET_ARN: !Ref Secret
                          MISSING: !GetAtt Nowhere.Arn
                """);
        Map<String, Object> raw = inline.function("Fn").orElseThrow().rawEnvironment();
        Intrinsics intrinsics = Intrinsics.forTemplate(inline, Map.of());
        TemplateException notEmulated = assertThrows(TemplateException.class,
                () -> intrinsics.resolveString(raw.get("SECRET_ARN")));
        assertTrue(notEmulated.getMessage().contains("AWS::SecretsManager::Secret is not created by the local"
                + " emulation"), notEmulated.getMessage());
        TemplateException unknown = assertThrows(TemplateException.class,
                () -> intrinsics.resolveString(raw.get("MISSING")));
        assertTrue(unknown.getMessage().contains("Nowhere: no such parameter or resource"), unknown.getMessage());
        assertEquals("arn:secret", intrinsics.withResources(Map.of("Secret",
                new ResolvedResource("arn:secret", Map.of()))).resolveString(raw.get("SECRET_ARN")));
    }

    @Test
    void parameterWithoutDefaultFailsOnlyWhenUsed() {
        Intrinsics intrinsics = Intrinsics.forTemplate(template, Map.of());
        TemplateException error = assertThrows(TemplateException.class,
                () -> intrinsics.resolveString(Map.of("Ref", "NoDefault")));
        assertTrue(error.getMessage().contains("NoDefault has no Default and no override"));
        assertEquals("given", Intrinsics.forTemplate(template, Map.of("NoDefault", "given"))
                .resolveString(Map.of("Ref", "NoDefault")));
    }

    @Test
    void rejectsUnknownOverridesAndDuplicateKeys() {
        TemplateException override = assertThrows(TemplateException.class,
                () -> Intrinsics.forTemplate(template, Map.of("Stag", "prod")));
        assertTrue(override.getMessage().contains("'Stag'"), override.getMessage());
        assertThrows(TemplateException.class, () -> SamTemplate.parse("""
                Resources:
                  A: {Type: AWS::SQS::Queue}
                  A: {Type: AWS::SQS::Queue}
                """));
    }

    @Test
    void parsesFunctionsWithGlobalsAndHandlers() {
        SamTemplate.Function api = template.function("ApiFunction").orElseThrow();
        assertEquals("dev.hookline.api.ApiHandler", api.handlerClass());
        assertEquals("handleRequest", api.handlerMethod());
        assertEquals(20, api.timeoutSeconds());
        assertEquals(512, api.memorySizeMb());

        SamTemplate.Function authorizer = template.function("AuthorizerFunction").orElseThrow();
        assertEquals("dev.hookline.api.Authorizer", authorizer.handlerClass());
        assertEquals("handleRequest", authorizer.handlerMethod(), "a Handler without ::method means handleRequest");
        assertEquals(3, authorizer.timeoutSeconds());
        assertEquals(256, authorizer.memorySizeMb());
        Intrinsics intrinsics = Intrinsics.forTemplate(template, Map.of());
        assertEquals("hookline-local-authorizer", authorizer.name(intrinsics));
        assertEquals("hookline-local-ApiFunction", api.name(intrinsics));
    }

    @Test
    void parsesRoutesAndTheirAuthorizers() {
        List<SamTemplate.HttpRoute> routes = template.function("ApiFunction").orElseThrow().httpRoutes();
        assertEquals(List.of(
                new SamTemplate.HttpRoute("GetWebhook", "GET", "/v1/webhooks/{id}", "LambdaAuthorizer"),
                new SamTemplate.HttpRoute("AnyProxy", "ANY", "/v1/{proxy+}", "LambdaAuthorizer"),
                new SamTemplate.HttpRoute("Health", "GET", "/health", null),
                new SamTemplate.HttpRoute("Fallback", "ANY", "$default", "LambdaAuthorizer")), routes);
        assertEquals("GET /v1/webhooks/{id}", routes.get(0).routeKey());
        assertEquals("$default", routes.get(3).routeKey());

        SamTemplate.HttpApi api = template.httpApi().orElseThrow();
        assertEquals("HttpApi", api.logicalId());
        assertEquals("LambdaAuthorizer", api.defaultAuthorizer());
        SamTemplate.Authorizer authorizer = api.authorizers().get("LambdaAuthorizer");
        assertEquals(List.of("Authorization"), authorizer.identityHeaders());
        assertEquals(300, authorizer.reauthorizeEverySeconds());
        assertEquals(Map.of("Fn::GetAtt", List.of("AuthorizerFunction", "Arn")), authorizer.functionArn());
    }

    @Test
    void parsesSqsEventSources() {
        List<SamTemplate.SqsSource> sources = template.function("DeliveryFunction").orElseThrow().sqsSources();
        SamTemplate.SqsSource deliveries = sources.get(0);
        assertEquals(25, deliveries.batchSize());
        assertEquals(2, deliveries.maximumBatchingWindowSeconds());
        assertTrue(deliveries.reportBatchItemFailures());
        assertEquals(5, deliveries.maximumConcurrency());
        assertTrue(deliveries.enabled());
        Intrinsics intrinsics = Intrinsics.forTemplate(template, Map.of()).withResources(LOOKUP);
        assertEquals(QUEUE_ARN, intrinsics.resolveString(deliveries.queue()));

        SamTemplate.SqsSource defaults = sources.get(1);
        assertEquals(10, defaults.batchSize());
        assertEquals(0, defaults.maximumBatchingWindowSeconds());
        assertFalse(defaults.reportBatchItemFailures());
        assertEquals(2, defaults.maximumConcurrency());
        assertFalse(defaults.enabled());
        assertEquals("arn:aws:sqs:us-east-1:000000000000:dlq", intrinsics.resolveString(defaults.queue()));
    }

    @Test
    void rejectsSqsSettingsLambdaWouldReject() {
        TemplateException error = assertThrows(TemplateException.class, () -> SamTemplate.parse("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Events:
                        Q:
                          Type: SQS
                          Properties:
                            Queue: arn:aws:sqs:us-east-1:000000000000:q
                            BatchSize: 50
                """));
        assertTrue(error.getMessage().contains("MaximumBatchingWindowInSeconds"), error.getMessage());
    }

    @Test
    void ordersQueuesSoDeadLetterQueuesComeFirst() {
        List<String> order = template.queues().stream().map(SamTemplate.Queue::logicalId).toList();
        assertEquals(List.of("DeliveryDeadLetterQueue", "DeliveryQueue", "OrderedQueue"), order);
        assertTrue(template.queues().get(2).fifo());
        assertFalse(template.queues().get(0).fifo());
    }

    @Test
    void parsesTables() {
        SamTemplate.Table table = template.tables().get(0);
        assertEquals("WebhooksTable", table.logicalId());
        assertNull(table.tableName());
        assertEquals(List.of(new SamTemplate.KeyElement("pk", "HASH"), new SamTemplate.KeyElement("sk", "RANGE")),
                table.keySchema());
        assertEquals(3, table.attributeDefinitions().size());
        SamTemplate.Index index = table.globalSecondaryIndexes().get(0);
        assertEquals("gsi1", index.name());
        assertEquals("INCLUDE", index.projectionType());
        assertEquals(List.of("status"), index.nonKeyAttributes());
        assertEquals("expiresAt", table.timeToLiveAttribute());
        assertEquals("AWS::SecretsManager::Secret", template.resources().get("SigningSecret").type());
    }

    @Test
    void routesOnAnImplicitApiMustNotMixWithAnExplicitOne() {
        TemplateException error = assertThrows(TemplateException.class, () -> SamTemplate.parse("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Events:
                        Get:
                          Type: HttpApi
                          Properties:
                            Path: /x
                            Method: GET
                """));
        assertTrue(error.getMessage().contains("ServerlessHttpApi"), error.getMessage());
    }

    @Test
    void settingsMayUseParametersAndOverrides() {
        String yaml = """
                Parameters:
                  FunctionTimeout: {Type: Number, Default: 7}
                  CacheSeconds: {Type: Number, Default: 300}
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        Authorizers:
                          Keys:
                            FunctionArn: !GetAtt Fn.Arn
                            AuthorizerPayloadFormatVersion: "2.0"
                            EnableSimpleResponses: true
                            Identity: {Headers: [Authorization], ReauthorizeEvery: !Ref CacheSeconds}
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Timeout: !Ref FunctionTimeout
                """;
        SamTemplate defaults = SamTemplate.parse(yaml);
        assertEquals(7, defaults.function("Fn").orElseThrow().timeoutSeconds());
        assertEquals(300, defaults.httpApi().orElseThrow().authorizers().get("Keys").reauthorizeEverySeconds());
    }

    @Test
    void settingsFollowParameterOverrides(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("t.yaml"), """
                Parameters:
                  FunctionTimeout: {Type: Number, Default: 7}
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Timeout: !Ref FunctionTimeout
                """);
        assertEquals(12, SamTemplate.load(file, Map.of("FunctionTimeout", "12")).function("Fn").orElseThrow()
                .timeoutSeconds());
    }

    /**
     * The project's own template, with stand-ins for what the runner creates (tables, queues, secrets): every
     * function's environment must resolve, so anything new it refers to has to be emulated or provided.
     */
    @Test
    void theProjectTemplateLoadsAndResolves() {
        SamTemplate project = SamTemplate.load(Path.of("../template.yaml"), Map.of("AWS::StackName", "hookline"));
        Map<String, ResolvedResource> standIns = new HashMap<>();
        project.resources().forEach((id, resource) -> {
            switch (resource.type()) {
                case SamTemplate.TABLE -> standIns.put(id, new ResolvedResource("hookline-" + id,
                        Map.of("Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/hookline-" + id)));
                case SamTemplate.QUEUE -> standIns.put(id, new ResolvedResource("http://127.0.0.1/q/" + id,
                        Map.of("Arn", "arn:aws:sqs:us-east-1:000000000000:" + id, "QueueName", id,
                                "QueueUrl", "http://127.0.0.1/q/" + id)));
                case "AWS::SecretsManager::Secret" -> standIns.put(id, new ResolvedResource(
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + id, Map.of()));
                case SamTemplate.FUNCTION -> standIns.put(id, new ResolvedResource("hookline-" + id,
                        Map.of("Arn", "arn:aws:lambda:us-east-1:000000000000:function:hookline-" + id)));
                case SamTemplate.HTTP_API -> standIns.put(id, new ResolvedResource("api", Map.of()));
                default -> { }
            }
        });
        for (SamTemplate.Function function : project.functions()) {
            assertEquals("live", function.autoPublishAlias(), function.logicalId() + " is published for SnapStart");
            standIns.put(function.logicalId() + ".Alias", new ResolvedResource(
                    standIns.get(function.logicalId()).attribute("Arn") + ":live", Map.of()));
        }
        Intrinsics intrinsics = Intrinsics.forTemplate(project, Map.of("AWS::StackName", "hookline"))
                .withResources(standIns);
        assertFalse(project.functions().isEmpty());
        for (SamTemplate.Function function : project.functions()) {
            assertFalse(function.environment(intrinsics).isEmpty(), function.logicalId());
        }
        SamTemplate.HttpApi api = project.httpApi().orElseThrow();
        for (SamTemplate.Authorizer authorizer : api.authorizers().values()) {
            String arn = intrinsics.resolveString(authorizer.functionArn());
            assertTrue(project.functions().stream().anyMatch(f -> (standIns.get(f.logicalId()).attribute("Arn")
                    + ":live").equals(arn)), "the authorizer is invoked through its SnapStart alias: " + arn);
        }
        assertTrue(project.functions().stream().flatMap(f -> f.httpRoutes().stream()).count() > 0);
    }
}
