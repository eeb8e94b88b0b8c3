package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.security.UrlGuard;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender against a loopback receiver (local policy) and against the deployed policy. */
class HttpSenderTest {

    private final TestReceiver receiver = new TestReceiver();
    private final HttpSender local = new HttpSender(new UrlGuard(UrlGuard.Policy.local(), UrlGuard.Resolver.system()),
            Duration.ofSeconds(2), Duration.ofMillis(700), 64, Clock.systemUTC());

    @AfterEach
    void close() throws Exception {
        receiver.close();
        local.close();
    }

    @Test
    void sendsTheBodyBytesUnchangedWithTheGivenHeaders() {
        byte[] body = "{\"a\":\"Zoë 🔥\"}".getBytes(StandardCharsets.UTF_8);
        SendResult result = local.send("POST", receiver.url(), Map.of("webhook-id", "msg_1"), body);
        assertEquals(200, result.status());
        TestReceiver.Request request = receiver.requests().get(0);
        assertEquals(new String(body, StandardCharsets.UTF_8), request.bodyText());
        assertEquals("msg_1", request.header("webhook-id"));
        assertEquals(HttpSender.USER_AGENT, request.header("user-agent"));
        assertEquals("POST", request.method());
    }

    @Test
    void sendsWithTheGivenMethod() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, local.send("PUT", receiver.url(), Map.of(), body).status());
        TestReceiver.Request request = receiver.requests().get(0);
        assertEquals("PUT", request.method());
        assertEquals("{\"a\":1}", request.bodyText());
    }

    @Test
    void theTotalDeadlineAbortsASlowReceiver() {
        receiver.then(Response.of(200).withDelay(Duration.ofSeconds(3)));
        long started = System.nanoTime();
        SendResult result = local.send("POST", receiver.url(), Map.of(), new byte[0]);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(SendResult.TIMEOUT, result.errorClass());
        assertTrue(tookMillis < 2_000, "aborted at the 700 ms deadline, took " + tookMillis);
    }

    @Test
    void aConnectTimeoutIsATimeoutEvenWhenWrapped() {
        assertEquals(SendResult.TIMEOUT, HttpSender.classify(
                new org.apache.hc.client5.http.ConnectTimeoutException("Connect to hooks.example.com:443 timed out")));
        assertEquals(SendResult.TIMEOUT, HttpSender.classify(new java.io.IOException("wrapped",
                new java.net.SocketTimeoutException("Connect timed out"))));
        assertEquals(SendResult.CONNECT_ERROR, HttpSender.classify(new java.net.ConnectException("Connection refused")));
    }

    @Test
    void readsAtMostTheCapOfTheResponse() {
        receiver.then(Response.of(500).withBody("x".repeat(100_000)));
        SendResult result = local.send("POST", receiver.url(), Map.of(), new byte[0]);
        assertEquals(500, result.status());
        assertEquals(64, result.snippet().length());
    }

    @Test
    void aRefusedConnectionIsAConnectError() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(SendResult.CONNECT_ERROR, local.send("POST", "http://127.0.0.1:" + port + "/", Map.of(), new byte[0]).errorClass());
    }

    @Test
    void theDeployedPolicyRefusesHttpLoopbackAndMetadataTargetsWithoutConnecting() throws Exception {
        try (HttpSender deployed = new HttpSender(new UrlGuard(UrlGuard.Policy.deployed(),
                host -> List.of(InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}))),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 64, Clock.systemUTC())) {
            assertEquals(SendResult.INVALID_URL, deployed.send("POST", receiver.url(), Map.of(), new byte[0]).errorClass());
            assertEquals(SendResult.SSRF_BLOCKED,
                    deployed.send("POST", "https://127.0.0.1:" + receiver.port() + "/", Map.of(), new byte[0]).errorClass());
            assertEquals(SendResult.SSRF_BLOCKED,
                    deployed.send("POST", "https://metadata.example/", Map.of(), new byte[0]).errorClass());
        }
        assertEquals(List.of(), receiver.requests());
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(120)), HttpSender.parseRetryAfter("120", now));
        assertEquals(Optional.of(Duration.ofSeconds(30)), HttpSender.parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", now));
        assertEquals(Optional.empty(), HttpSender.parseRetryAfter("soon", now));
    }
}
