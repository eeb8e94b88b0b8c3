package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TestReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the local runner as {@code ./hookline local} does and drives it over real HTTP with the minted key. */
class LocalRunnerIT {

    @TempDir
    static Path dataDir;

    private static LocalCommand.Running running;
    private static String apiUrl;
    private static String apiKey;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PrintStream stdout;

    @BeforeAll
    static void startRunner() throws Exception {
        Path stateFile = dataDir.resolve("state.json");
        Files.writeString(stateFile, "{\"api_url\": \"http://127.0.0.1:1\", \"pid\": 1}"); // left by an earlier run
        stdout = TeeToFile.install(dataDir.resolve("local.log")); // as ./hookline local does, for send-event
        running = LocalCommand.start(settings());
        JsonNode state = StateFile.read(stateFile);
        apiUrl = state.get("api_url").asText();
        apiKey = state.get("api_key").asText();
    }

    private static LocalCommand.Settings settings() {
        return new LocalCommand.Settings(RepoFiles.resolve("template.yaml"), dataDir, dataDir.resolve("state.json"), 0,
                "runner-company");
    }

    @AfterAll
    static void stopRunner() {
        running.close();
        System.setOut(stdout);
        assertFalse(Files.exists(dataDir.resolve("state.json")), "a stopped stack leaves no state file to be misread");
        assertTrue(LocalStacks.running(dataDir.resolve("state.json")).isEmpty());
    }

    private static CommandLine.Args sendEventArgs(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-file", dataDir.resolve("state.json").toString()));
        return SendEventCommand.COMMAND.parse(all);
    }

    /** Runs send-event and returns what it printed on stdout. */
    private static String sendEvent(String... args) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SendEventCommand.run(sendEventArgs(args), new PrintStream(printed, true, StandardCharsets.UTF_8));
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void writesAStateFileScriptsCanUse() throws Exception {
        JsonNode state = StateFile.read(dataDir.resolve("state.json"));
        assertEquals(ProcessHandle.current().pid(), state.get("pid").asLong(), "the stale state file was replaced");
        assertTrue(LocalStacks.running(dataDir.resolve("state.json")).isPresent());
        assertEquals("runner-company", state.get("company_id").asText());
        assertTrue(state.get("api_url").asText().startsWith("http://127.0.0.1:"));
        assertTrue(state.get("aws").get("dynamodb_endpoint").asText().startsWith("http://127.0.0.1:"));
        assertTrue(state.get("tables").has("WebhooksTable"));
        assertTrue(state.get("tables").has("ApiKeysTable"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("state.json"))));
        assertTrue(Files.exists(dataDir.resolve("key-encryption-keys.json")), "without Secrets Manager a local key file is used");
    }

    @Test
    void servesTheApiWithTheMintedKeyAndAllowsLoopbackReceivers() throws Exception {
        HttpResponse<String> catalogue = send("GET", "/v1/event-types", null, apiKey);
        assertEquals(200, catalogue.statusCode(), catalogue.body());
        assertEquals(8, Json.parse(catalogue.body()).get("propagation").size());

        HttpResponse<String> created = send("POST", "/v1/webhooks", """
                {"name": "local receiver", "url": "http://127.0.0.1:9000/hook", "resource": "ticket", "trigger": "create"}""", apiKey);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode webhook = Json.parse(created.body());
        assertTrue(webhook.get("secret").asText().startsWith("whsec_"));

        HttpResponse<String> read = send("GET", "/v1/webhooks/" + webhook.get("id").asText(), null, apiKey);
        assertEquals(200, read.statusCode());
        assertEquals("\"1\"", read.headers().firstValue("etag").orElseThrow());
        HttpResponse<String> deleted = send("DELETE", "/v1/webhooks/" + webhook.get("id").asText(), null, apiKey);
        assertEquals(204, deleted.statusCode());
    }

    @Test
    void servesTheDashboardBesideTheApiWithoutAKeyAndTellsItTheKeysScopes() throws Exception {
        JsonNode state = StateFile.read(dataDir.resolve("state.json"));
        assertEquals(apiUrl + "/dashboard", state.get("dashboard_url").asText());
        HttpResponse<String> page = send("GET", "/dashboard", null, null);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        assertTrue(page.headers().firstValue("content-security-policy").orElseThrow().contains("script-src 'self'"));
        assertEquals("DENY", page.headers().firstValue("x-frame-options").orElseThrow());
        assertTrue(page.body().contains("dashboard/app.js"), page.body());

        HttpResponse<byte[]> script = HTTP.send(HttpRequest.newBuilder(URI.create(apiUrl + "/dashboard/app.js"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, script.statusCode());
        assertEquals("gzip", script.headers().firstValue("content-encoding").orElseThrow());
        assertEquals(0x1f, script.body()[0] & 0xff, "gzip bytes, decoded from the function's base64 body");
        assertEquals(404, send("GET", "/dashboard/missing.js", null, null).statusCode());

        HttpResponse<String> key = send("GET", "/v1/api-key", null, apiKey);
        assertEquals(200, key.statusCode(), key.body());
        assertEquals(Json.parse("[\"read\", \"admin\"]"), Json.parse(key.body()).get("scopes"));
        assertEquals("runner-company", Json.parse(key.body()).get("company_id").asText());
    }

    @Test
    void servesAWebhooksVersionHistoryNamingTheMintedKeyById() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/webhooks", """
                {"name": "versioned", "url": "http://127.0.0.1:9000/hook", "resource": "ticket", "trigger": "create"}""", apiKey);
        String path = "/v1/webhooks/" + Json.parse(created.body()).get("id").asText();
        assertEquals(200, send("PATCH", path, "{\"retries\": 5}", apiKey).statusCode());
        assertEquals(204, send("DELETE", path, null, apiKey).statusCode());

        HttpResponse<String> history = send("GET", path + "/versions", null, apiKey);

        assertEquals(200, history.statusCode(), history.body());
        JsonNode versions = Json.parse(history.body()).get("data");
        assertEquals(List.of("delete", "update", "create"), List.of(versions.get(0).get("action").asText(),
                versions.get(1).get("action").asText(), versions.get(2).get("action").asText()));
        assertEquals(5, versions.get(1).get("changes").get("retries").get("to").asInt());
        String keyId = apiKey.split("_")[1];
        assertEquals(keyId, versions.get(0).get("api_key_id").asText(), "the key's id");
        assertFalse(history.body().contains(apiKey), "never the key");
    }

    @Test
    void sendEventDropsAProducerEventThatFansOutToTheTenantsWebhooks() throws Exception {
        // The delivery function consumes the delivery queue, so the event is followed to a receiver's inbox.
        try (TestReceiver receiver = new TestReceiver()) {
            HttpResponse<String> created = send("POST", "/v1/webhooks", """
                    {"name": "event changes", "url": "%s", "resource": "event", "trigger": "create",
                     "triggered_by_child_resources": true, "method_type": "PUT"}""".formatted(receiver.url()), apiKey);
            assertEquals(201, created.statusCode(), created.body());
            String webhookId = Json.parse(created.body()).get("id").asText();

            String sample = RepoFiles.resolve("events/resource-event-ticket-create.json").toString();
            assertTrue(sendEvent(sample).contains("fanned out to 1 delivery"));
            assertTrue(sendEvent(sample).contains("fanned out to 1 delivery"), "each send is a new event");

            long deadline = System.currentTimeMillis() + 20_000;
            while (receiver.requests().size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(2, receiver.requests().size(), "fan-out and delivery brought both events to the receiver");
            JsonNode delivery = Json.parse(receiver.requests().get(0).bodyText());
            assertEquals(webhookId, delivery.get("webhook").get("id").asText());
            assertEquals("ticket.create", delivery.get("type").asText());
            assertTrue(delivery.get("webhook").get("propagated").asBoolean());
            assertTrue(receiver.requests().get(0).header("webhook-signature").startsWith("v1,"));
            assertEquals(List.of("PUT", "PUT"), receiver.requests().stream().map(TestReceiver.Request::method).toList(),
                    "the webhook's method_type reaches the delivery function");
            assertNotEquals(Json.parse(receiver.requests().get(1).bodyText()).get("event_id"), delivery.get("event_id"));
        }
    }

    @Test
    void anUpdateReachesOnlyTheWebhooksWhoseChangeFilterOrDerivedTypeItPasses() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            HttpResponse<String> refused = send("POST", "/v1/webhooks", """
                    {"name": "filtered creates", "url": "%s", "events": ["ticket.create"],
                     "change_filter": [{"field": "status"}]}""".formatted(receiver.url()), apiKey);
            assertEquals(422, refused.statusCode(), refused.body());
            JsonNode problem = Json.parse(refused.body()).get("error").get("fields").get(0);
            assertEquals("change_filter:conflicting_fields", problem.get("field").asText() + ":" + problem.get("code").asText());

            Map<String, String> paths = new TreeMap<>(); // webhook id → its receiver path
            for (String[] webhook : new String[][] {
                    {"/sold-out", "\"events\": [\"ticket.update\"], \"change_filter\": [{\"field\": \"status\", \"to\": \"sold_out\"}]"},
                    {"/capacity", "\"events\": [\"ticket.update\"], \"change_filter\": [{\"field\": \"capacity\"}]"},
                    {"/price", "\"resource\": \"ticket\", \"trigger\": \"price_changed\""}}) {
                HttpResponse<String> created = send("POST", "/v1/webhooks", """
                        {"name": "filtered", "url": "%s", %s}""".formatted(receiver.url(webhook[0]), webhook[1]), apiKey);
                assertEquals(201, created.statusCode(), created.body());
                paths.put(Json.parse(created.body()).get("id").asText(), webhook[0]);
            }
            try {
                Path sample = RepoFiles.resolve("events/resource-event-ticket-update.json");
                assertTrue(sendEvent(sample.toString()).contains("fanned out to 2 deliveries"));

                Await.until("both deliveries", Duration.ofSeconds(20), () -> receiver.requests().size() >= 2);
                Map<String, String> delivered = new TreeMap<>();
                for (TestReceiver.Request request : receiver.requests()) {
                    JsonNode body = Json.parse(request.bodyText());
                    delivered.put(body.get("webhook").get("id").asText(), request.path());
                    assertEquals("ticket.update", body.get("type").asText());
                    assertEquals(Json.parse(Files.readString(sample)).get("changes"), body.get("changes"));
                }
                Map<String, String> expected = new TreeMap<>(paths);
                expected.values().remove("/capacity");
                assertEquals(expected, delivered, "the capacity webhook's filter leaves it out");
            } finally {
                for (String webhookId : paths.keySet()) {
                    assertEquals(204, send("DELETE", "/v1/webhooks/" + webhookId, null, apiKey).statusCode());
                }
            }
        }
    }

    @Test
    void eachWebhookGetsExactlyTheIncludedResourcesItAsksForSigned() throws Exception {
        try (TestReceiver shopOnly = new TestReceiver(); TestReceiver propagated = new TestReceiver();
                TestReceiver plain = new TestReceiver()) {
            // What each asks for: the order's shop; the event and a ticket the order event does not bring; nothing.
            List<JsonNode> webhooks = List.of(
                    createWebhook("""
                            {"name": "orders with shop", "url": "%s", "resource": "order", "trigger": "create",
                             "include_resources": ["shop"]}""".formatted(shopOnly.url())),
                    createWebhook("""
                            {"name": "event creates", "url": "%s", "resource": "event", "trigger": "create",
                             "triggered_by_child_resources": true, "include_resources": ["ticket", "event"]}"""
                            .formatted(propagated.url())),
                    createWebhook("""
                            {"name": "orders", "url": "%s", "resource": "order", "trigger": "create"}""".formatted(plain.url())));
            try {
                Path sample = RepoFiles.resolve("events/resource-event-order-create.json");
                JsonNode included = Json.parse(Files.readString(sample)).get("included");
                assertTrue(sendEvent(sample.toString()).contains("fanned out to"));

                List<TestReceiver> receivers = List.of(shopOnly, propagated, plain);
                Await.until("a delivery at each receiver", Duration.ofSeconds(20),
                        () -> receivers.stream().noneMatch(r -> r.requests().isEmpty()));
                List<JsonNode> expected = new ArrayList<>();
                expected.add(Json.object().set("shop", included.get("shop")));
                expected.add(Json.object().set("event", included.get("event")));
                expected.add(null);
                for (int i = 0; i < receivers.size(); i++) {
                    assertEquals(1, receivers.get(i).requests().size(), webhooks.get(i).get("name").asText());
                    TestReceiver.Request request = receivers.get(i).requests().get(0);
                    JsonNode body = Json.parse(request.bodyText());
                    assertEquals("order.create", body.get("type").asText());
                    assertEquals(webhooks.get(i).get("id").asText(), body.get("webhook").get("id").asText());
                    assertEquals(expected.get(i), body.get("included"), webhooks.get(i).get("name").asText());
                    assertEquals(StandardWebhooks.Verification.VALID, StandardWebhooks.verify(
                            List.of(webhooks.get(i).get("secret").asText()), request.header("webhook-id"),
                            request.header("webhook-timestamp"), request.header("webhook-signature"), request.body(),
                            Instant.now()), "signed over the body as sent");
                }
            } finally {
                // Gone again, so the ticket events of the other tests reach only their own webhooks.
                for (JsonNode webhook : webhooks) {
                    assertEquals(204, send("DELETE", "/v1/webhooks/" + webhook.get("id").asText(), null, apiKey).statusCode());
                }
            }
        }
    }

    private static JsonNode createWebhook(String body) throws Exception {
        HttpResponse<String> created = send("POST", "/v1/webhooks", body, apiKey);
        assertEquals(201, created.statusCode(), created.body());
        return Json.parse(created.body());
    }

    @Test
    void sendEventSaysWhenAKeptEventIdIsDroppedAsADuplicate(@TempDir Path events) throws Exception {
        Path event = events.resolve("kept.json");
        Files.writeString(event, Files.readString(RepoFiles.resolve("events/resource-event-ticket-create.json"))
                .replaceFirst("\"event_id\"\\s*:\\s*\"[^\"]*\"", "\"event_id\": \"evt_kept_" + System.nanoTime() + "\""));
        assertTrue(sendEvent(event.toString(), "--keep-event-id").contains("fanned out to"));
        assertTrue(sendEvent(event.toString(), "--keep-event-id").contains("dropped as a duplicate"));
    }

    @Test
    void sendEventReportsAParkedMessageWithItsReason(@TempDir Path events) throws Exception {
        Path event = events.resolve("no-resource.json");
        Files.writeString(event, "{\"event_id\": \"evt_1\", \"type\": \"nothing.create\"}");
        String printed = sendEvent(event.toString());
        assertTrue(printed.startsWith("Message parked as invalid: "), printed);
    }

    @Test
    void sendEventNamesAMissingFileInOneLine() {
        UserError error = assertThrows(UserError.class, () -> SendEventCommand.run(sendEventArgs("no/such/file.json")));
        assertEquals("no such file: no/such/file.json", error.getMessage());
    }

    @Test
    void aSecondRunnerOnTheSameDataDirectoryOrPortIsRefusedInOneLine() throws Exception {
        UserError sameDir = assertThrows(UserError.class, () -> LocalCommand.start(settings()));
        assertTrue(sameDir.getMessage().startsWith("a local stack is already running at " + apiUrl), sameDir.getMessage());

        int port = URI.create(apiUrl).getPort();
        Path otherDir = Files.createTempDirectory(dataDir, "other");
        UserError samePort = assertThrows(UserError.class, () -> LocalCommand.start(new LocalCommand.Settings(
                RepoFiles.resolve("template.yaml"), otherDir, otherDir.resolve("state.json"), port, "x")));
        assertEquals("port " + port + " on 127.0.0.1 is already in use; choose another with --port N", samePort.getMessage());
    }

    @Test
    void answersAMalformedQueryStringLikeTheApiWithAJsonError() throws Exception {
        URI api = URI.create(apiUrl);
        try (Socket socket = new Socket(api.getHost(), api.getPort())) {
            socket.getOutputStream().write(("GET /v1/webhooks?cursor=%%% HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + apiKey + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(response.startsWith("HTTP/1.1 422 "), response);
            assertTrue(response.toLowerCase().contains("content-type: application/json"), response);
            JsonNode error = Json.parse(response.substring(response.indexOf("\r\n\r\n") + 4)).get("error");
            assertEquals("validation_failed", error.get("code").asText());
            assertEquals("cursor", error.get("fields").get(0).get("field").asText());
            assertEquals("invalid_cursor", error.get("fields").get(0).get("code").asText());
            assertFalse(response.contains("Exception"), response);
        }
    }

    @Test
    void refusesMissingAndUnknownKeysAndAnswersUnknownRoutes() throws Exception {
        assertEquals(401, send("GET", "/v1/webhooks", null, null).statusCode());
        HttpResponse<String> unknownKey = send("GET", "/v1/webhooks", null, "hk_aaaaaaaaaaaa_" + "A".repeat(43));
        assertEquals(401, unknownKey.statusCode());
        assertEquals("unauthorized", Json.parse(unknownKey.body()).get("error").get("code").asText());
        HttpResponse<String> wrongMethod = send("DELETE", "/v1/webhooks", null, apiKey);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("allow").orElseThrow());
        assertEquals(404, send("GET", "/v2/nothing", null, apiKey).statusCode());
    }
}
