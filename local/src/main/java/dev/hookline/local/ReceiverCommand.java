package dev.hookline.local;

import com.sun.net.httpserver.HttpServer;
import dev.hookline.signing.StandardWebhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * {@code ./hookline receiver --port P --secret S [--status CODE]}: a tiny webhook receiver on 127.0.0.1 that prints
 * every delivery (its Standard Webhooks headers and body) and whether its signature verifies with the secret,
 * then answers {@code CODE} (default 204). Point a webhook at {@code http://127.0.0.1:P/} in the local stack.
 */
final class ReceiverCommand {

    /** Bodies longer than this are printed cut; the signature is still checked over all of it. */
    private static final int PRINT_LIMIT = 4_000;
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private ReceiverCommand() {
    }

    static void run(Map<String, String> options) throws IOException, InterruptedException {
        int port = Integer.parseInt(options.getOrDefault("port", "9000"));
        String secret = options.get("secret");
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("--secret is required (the webhook's whsec_... secret)");
        }
        int status = Integer.parseInt(options.getOrDefault("status", "204"));
        HttpServer server = start(port, List.of(secret), status, System.out, Clock.systemUTC());
        System.out.printf("Receiving webhooks on http://127.0.0.1:%d/ (answering %d); Ctrl-C to stop.%n",
                server.getAddress().getPort(), status);
        new CountDownLatch(1).await();
    }

    /** Starts the receiver; visible for tests, which pass port 0 and read {@code out}. */
    static HttpServer start(int port, List<String> secrets, int status, PrintStream out, Clock clock) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES);
            }
            String id = exchange.getRequestHeaders().getFirst(StandardWebhooks.WEBHOOK_ID);
            String timestamp = exchange.getRequestHeaders().getFirst(StandardWebhooks.WEBHOOK_TIMESTAMP);
            String signature = exchange.getRequestHeaders().getFirst(StandardWebhooks.WEBHOOK_SIGNATURE);
            StandardWebhooks.Verification verification;
            try {
                verification = StandardWebhooks.verify(secrets, id, timestamp, signature, body, clock.instant());
            } catch (IllegalArgumentException e) {
                verification = StandardWebhooks.Verification.INVALID_SIGNATURE; // a secret this receiver cannot use
            }
            String text = new String(body, StandardCharsets.UTF_8);
            synchronized (out) {
                out.printf("%n--- %s %s %s%n", Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI());
                out.printf("webhook-id:        %s%n", id);
                out.printf("webhook-timestamp: %s%n", timestamp);
                out.printf("webhook-signature: %s%n", signature);
                out.printf("user-agent:        %s%n", exchange.getRequestHeaders().getFirst("User-Agent"));
                out.println(text.length() > PRINT_LIMIT ? text.substring(0, PRINT_LIMIT) + " …" : text);
                out.printf("signature: %s%n", verification == StandardWebhooks.Verification.VALID
                        ? "VALID" : "NOT VALID (" + verification.name().toLowerCase(java.util.Locale.ROOT) + ")");
                out.flush();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
