package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.hookline.signing.SigningSecrets;
import dev.hookline.signing.StandardWebhooks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiverCommandTest {

    @Test
    void printsEachDeliveryAndWhetherItsSignatureVerifies() throws Exception {
        String secret = SigningSecrets.generate();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        HttpServer server = ReceiverCommand.start(0, List.of(secret), 204,
                new PrintStream(printed, true, StandardCharsets.UTF_8), Clock.systemUTC());
        try (HttpClient client = HttpClient.newHttpClient()) {
            String body = "{\"type\":\"ping\",\"data\":{\"success\":true}}";
            long now = Instant.now().getEpochSecond();
            String signature = StandardWebhooks.signatureHeader(List.of(secret), "msg_1", now,
                    body.getBytes(StandardCharsets.UTF_8));
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            HttpResponse<Void> ok = client.send(HttpRequest.newBuilder(uri).header("webhook-id", "msg_1")
                    .header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(204, ok.statusCode());
            client.send(HttpRequest.newBuilder(uri).header("webhook-id", "msg_2")
                    .header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        } finally {
            server.stop(0);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("webhook-id:        msg_1"), output);
        assertTrue(output.contains("signature: VALID"), output);
        assertTrue(output.contains("signature: NOT VALID (invalid_signature)"), output);
    }
}
