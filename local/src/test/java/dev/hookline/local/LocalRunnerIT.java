package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
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

    @BeforeAll
    static void startRunner() {
        running = start(dataDir, Map.of("company", "runner-company"));
        JsonNode state = StateFile.read(dataDir.resolve("state.json"));
        apiUrl = state.get("api_url").asText();
        apiKey = state.get("api_key").asText();
    }

    /** Starts the runner as {@code ./hookline local} does, on a free port, with its state in {@code dataDir}. */
    static LocalCommand.Running start(Path dataDir, Map<String, String> options) {
        Map<String, String> all = new HashMap<>(Map.of(
                "template", dev.hookline.testing.RepoFiles.resolve("template.yaml").toString(),
                "data-dir", dataDir.toString(),
                "state-file", dataDir.resolve("state.json").toString(),
                "port", "0"));
        all.putAll(options);
        return LocalCommand.start(all);
    }

    @AfterAll
    static void stopRunner() {
        running.close();
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
    void sendEventDropsAProducerEventThatFansOutToTheTenantsWebhooks() throws Exception {
        // The delivery function consumes the delivery queue, so the event is followed to a receiver's inbox.
        try (dev.hookline.testing.TestReceiver receiver = new dev.hookline.testing.TestReceiver()) {
            HttpResponse<String> created = send("POST", "/v1/webhooks", """
                    {"name": "event changes", "url": "%s", "resource": "event", "trigger": "create",
                     "triggered_by_child_resources": true}""".formatted(receiver.url()), apiKey);
            assertEquals(201, created.statusCode(), created.body());
            String webhookId = Json.parse(created.body()).get("id").asText();

            SendEventCommand.run(dev.hookline.testing.RepoFiles.resolve("events/resource-event-ticket-create.json").toString(),
                    Map.of("state-file", dataDir.resolve("state.json").toString()));

            long deadline = System.currentTimeMillis() + 20_000;
            while (receiver.requests().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!receiver.requests().isEmpty(), "fan-out and delivery brought the event to the webhook's receiver");
            JsonNode delivery = Json.parse(receiver.requests().get(0).bodyText());
            assertEquals(webhookId, delivery.get("webhook").get("id").asText());
            assertEquals("ticket.create", delivery.get("type").asText());
            assertTrue(delivery.get("webhook").get("propagated").asBoolean());
            assertTrue(receiver.requests().get(0).header("webhook-signature").startsWith("v1,"));
        }
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
