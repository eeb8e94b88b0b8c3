package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.engines.Engines;
import dev.hookline.json.Json;
import dev.hookline.testing.RepoFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AWS_ENDPOINT_URL=… ./hookline local}: the runner puts tables, queues and the key-encryption secret in the
 * AWS-compatible service at that endpoint (LocalStack in the docs; moto's server here) instead of starting engines.
 */
class LocalRunnerOnAwsEndpointIT {

    @Test
    void usesTheServicesAtAwsEndpointUrlForEverything(@TempDir Path dataDir) throws Exception {
        URI moto = Engines.shared().moto().orElseThrow().endpoint();
        System.setProperty("AWS_ENDPOINT_URL", moto.toString());
        try (LocalCommand.Running running = LocalCommand.start(new LocalCommand.Settings(
                RepoFiles.resolve("template.yaml"), dataDir, dataDir.resolve("state.json"), 0, LocalCommand.DEFAULT_COMPANY))) {
            JsonNode state = running.state();
            assertEquals(moto.toString(), state.get("aws").get("dynamodb_endpoint").asText());
            assertEquals(moto.toString(), state.get("aws").get("secretsmanager_endpoint").asText());
            assertTrue(running.engines().isEmpty(), "no embedded engine is started");
            assertFalse(Files.exists(dataDir.resolve("key-encryption-keys.json")), "the key lives in Secrets Manager");

            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(state.get("api_url").asText() + "/v1/webhooks"))
                    .header("Authorization", "Bearer " + state.get("api_key").asText())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"name": "on moto", "url": "http://127.0.0.1:9000/hook", "events": ["order.paid"]}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(Json.parse(created.body()).get("secret").asText().startsWith("whsec_"));
        } finally {
            System.clearProperty("AWS_ENDPOINT_URL");
            System.clearProperty("AWS_ENDPOINT_URL_SECRETS_MANAGER");
        }
    }
}
