package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TestReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every function of template.yaml served from the artifact its group's Makefile packages, in a class loader of its
 * own ({@code ./hookline local --packaged}), and driven through every route and both queues: what a deploy ships
 * is what runs, so a jar left out of an artifact that still needs it fails here.
 */
class PackagedFunctionsIT {

    @TempDir
    static Path dataDir;

    private static LocalCommand.Running running;
    private static String apiUrl;
    private static String apiKey;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PrintStream stdout;

    @BeforeAll
    static void startPackagedRunner() {
        stdout = TeeToFile.install(dataDir.resolve("local.log")); // as ./hookline local does, for send-event
        running = LocalCommand.start(new LocalCommand.Settings(RepoFiles.resolve("template.yaml"), dataDir,
                dataDir.resolve("state.json"), 0, "packaged-company", false, Map.of("DeliveryRetrySchedule", "1s"),
                false, true));
        apiUrl = running.state().get("api_url").asText();
        apiKey = running.state().get("api_key").asText();
    }

    @AfterAll
    static void stopRunner() {
        running.close();
        System.setOut(stdout);
    }

    @Test
    void functionsWithoutTheAwsSdkShipNoneOfIt() throws IOException {
        for (String function : List.of("ListEventTypesFunction", "GetApiKeyFunction", "RouteNotFoundFunction",
                "DashboardFunction")) {
            try (Stream<Path> jars = Files.list(dataDir.resolve("packaged").resolve(function).resolve("lib"))) {
                List<String> sdk = jars.map(jar -> jar.getFileName().toString())
                        .filter(name -> name.startsWith("dynamodb-") || name.startsWith("sdk-core-")).toList();
                assertEquals(List.of(), sdk, function);
            }
        }
        for (String function : List.of("CreateWebhookFunction", "FanoutFunction")) {
            try (Stream<Path> jars = Files.list(dataDir.resolve("packaged").resolve(function).resolve("lib"))) {
                assertTrue(jars.noneMatch(jar -> jar.getFileName().toString().startsWith("httpclient5-")),
                        function + " does not send webhooks, so it ships no HTTP client for them");
            }
        }
    }

    @Test
    void aPackagedFunctionSeesOnlyItsArtifactAndTheLambdaRuntime() throws Exception {
        SamTemplate.Function listEventTypes = SamTemplate.load(RepoFiles.resolve("template.yaml"))
                .function("ListEventTypesFunction").orElseThrow();
        try (URLClassLoader loader = (URLClassLoader) new PackagedFunctions(RepoFiles.resolve("."),
                dataDir.resolve("probe")).loaderFor(listEventTypes)) {
            assertEquals(loader.getParent().loadClass("com.amazonaws.services.lambda.runtime.Context"),
                    loader.loadClass("com.amazonaws.services.lambda.runtime.Context"),
                    "the runtime's Context, so the runtime can pass its own");
            assertThrows(ClassNotFoundException.class,
                    () -> loader.loadClass("software.amazon.awssdk.services.dynamodb.DynamoDbClient"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass(PackagedFunctionsIT.class.getName()),
                    "nothing of the runner's class path leaks in");
        }
    }

    @Test
    void everyRouteAndBothQueuesWorkFromThePackagedArtifacts() throws Exception {
        assertEquals(200, send("GET", "/v1/event-types", null).statusCode());
        assertEquals(200, send("GET", "/v1/api-key", null).statusCode());
        HttpResponse<String> dashboard = send("GET", "/dashboard", null);
        assertEquals(200, dashboard.statusCode(), dashboard.body());
        assertEquals(200, send("GET", "/dashboard/app.js", null).statusCode());
        HttpResponse<String> missing = send("GET", "/v1/nothing-here", null);
        assertEquals(404, missing.statusCode(), missing.body());

        // The first delivery (the test ping) fails for good, so there is a failed delivery to retry and recover.
        try (TestReceiver receiver = new TestReceiver().then(TestReceiver.Response.of(500))) {
            HttpResponse<String> created = send("POST", "/v1/webhooks", """
                    {"name": "packaged", "url": "%s", "resource": "ticket", "trigger": "create", "retries": 0}"""
                    .formatted(receiver.url()));
            assertEquals(201, created.statusCode(), created.body());
            JsonNode webhook = Json.parse(created.body());
            String id = webhook.get("id").asText();
            String hook = "/v1/webhooks/" + id;

            assertEquals(200, send("GET", "/v1/webhooks", null).statusCode());
            HttpResponse<String> read = send("GET", hook, null);
            assertEquals(200, read.statusCode(), read.body());
            HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(apiUrl + hook))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\": \"patched\"}"))
                    .header("If-Match", read.headers().firstValue("etag").orElseThrow()));
            assertEquals(200, patched.statusCode(), patched.body());
            HttpResponse<String> versions = send("GET", hook + "/versions", null);
            assertEquals(200, versions.statusCode(), versions.body());
            assertEquals(2, Json.parse(versions.body()).get("data").size(), "create and the patch");
            HttpResponse<String> rotated = send("POST", hook + "/secret/rotate", "{}");
            assertEquals(200, rotated.statusCode(), rotated.body());
            String secret = Json.parse(rotated.body()).get("secret").asText();

            String payload = "{\"type\":\"ping\"}";
            String messageId = "msg_packaged";
            long timestamp = Instant.now().getEpochSecond();
            String signature = StandardWebhooks.sign(secret, messageId, timestamp, payload.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> verified = send("POST", hook + "/signature/verify", Json.write(Json.object()
                    .put("payload", payload).set("headers", Json.object().put("webhook-id", messageId)
                            .put("webhook-timestamp", Long.toString(timestamp)).put("webhook-signature", signature))));
            assertEquals(200, verified.statusCode(), verified.body());

            assertEquals(202, send("POST", hook + "/test", "{}").statusCode());
            assertTrue(sendEvent().contains("fanned out to 1 delivery"));
            Await.until("the test ping and the event to be delivered", Duration.ofSeconds(30),
                    () -> receiver.requests().size() >= 2);

            Await.until("the failed ping in the delivery log", Duration.ofSeconds(10),
                    () -> !failedDeliveries(hook).isEmpty());
            String deliveryId = failedDeliveries(hook).get(0).get("id").asText();
            HttpResponse<String> delivery = send("GET", hook + "/deliveries/" + deliveryId, null);
            assertEquals(200, delivery.statusCode(), delivery.body());
            HttpResponse<String> retried = send("POST", hook + "/deliveries/" + deliveryId + "/retry", "{}");
            assertEquals(202, retried.statusCode(), retried.body());
            HttpResponse<String> recovered = send("POST", hook + "/recover",
                    "{\"since\": \"" + Instant.now().minusSeconds(60) + "\"}");
            assertEquals(202, recovered.statusCode(), recovered.body());
            Await.until("the retried delivery", Duration.ofSeconds(30), () -> receiver.requests().size() >= 3);

            assertEquals(204, send("DELETE", hook, null).statusCode());
        }
    }

    private static JsonNode failedDeliveries(String hook) {
        try {
            HttpResponse<String> log = send("GET", hook + "/deliveries?status=failed", null);
            assertEquals(200, log.statusCode(), log.body());
            return Json.parse(log.body()).get("data");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sendEvent() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SendEventCommand.run(SendEventCommand.COMMAND.parse(List.of(
                RepoFiles.resolve("events/resource-event-ticket-create.json").toString(),
                "--state-file", dataDir.resolve("state.json").toString())),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
