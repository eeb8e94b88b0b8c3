package dev.hookline.local;

import com.sun.net.httpserver.HttpServer;
import dev.hookline.signing.StandardWebhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    static final CommandLine COMMAND = new CommandLine("receiver", """
            usage: ./hookline receiver --secret WHSEC [--port 9000] [--status 204] [--detach] [--data-dir DIR]

            A webhook receiver on 127.0.0.1 that prints every delivery and whether its Standard Webhooks signature
            verifies with the secret, then answers with the status.
              --secret WHSEC   the webhook's signing secret (whsec_...), as create or rotate returned it
              --port N         port to listen on (default 9000)
              --status CODE    HTTP status to answer with (default 204; try 500 to watch retries)
              --detach         run in the background, printing to DIR/receiver-PORT.log; a detached receiver
                               already on that port is replaced; ./hookline stop ends it
              --data-dir DIR   where --detach keeps its log and pid file (default .hookline in the repository)""",
            null, Set.of("secret", "port", "status", "data-dir"), Set.of("detach"), Set.of("secret"));

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    static void run(List<String> rawArgs, CommandLine.Args args) throws IOException, InterruptedException {
        int port = args.port("port", 9000, false);
        String secret = args.get("secret").orElseThrow();
        if (secret.isBlank()) {
            throw new CommandLine.UsageException("--secret must not be empty (the webhook's whsec_... secret)");
        }
        int status = args.integer("status", 204);
        if (status < 200 || status > 599) {
            throw new CommandLine.UsageException("--status must be an HTTP status from 200 to 599, got " + status);
        }
        Path dataDir = args.path("data-dir", Workspace.dataDir());
        if (args.flag("detach")) {
            detach(Background.commandWithout("receiver", rawArgs, "--detach"), dataDir, port);
            return;
        }
        HttpServer server;
        try {
            server = start(port, List.of(secret), status, System.out, Clock.systemUTC());
        } catch (BindException e) {
            throw new UserError("port " + port + " on 127.0.0.1 is already in use; choose another with --port N");
        }
        System.out.printf("Receiving webhooks on http://127.0.0.1:%d/ (answering %d); Ctrl-C to stop.%n",
                server.getAddress().getPort(), status);
        new CountDownLatch(1).await();
    }

    /** The pid file of the detached receiver on {@code port}; {@code ./hookline stop} ends every one it finds. */
    static Path pidFile(Path dataDir, int port) {
        return dataDir.resolve("receiver-" + port + ".pid");
    }

    private static void detach(List<String> childArgs, Path dataDir, int port) throws IOException, InterruptedException {
        Path pidFile = pidFile(dataDir, port);
        if (Files.exists(pidFile)) {
            Optional<ProcessHandle> previous = Background.fromPidLine(Files.readString(pidFile));
            if (previous.isPresent()) {
                Background.stop(previous.get(), Duration.ofSeconds(5));
            }
            Files.deleteIfExists(pidFile);
        }
        Path log = dataDir.resolve("receiver-" + port + ".log");
        Process child = Background.start(childArgs, log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (child.isAlive() && !listening(port) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!child.isAlive() || !listening(port)) {
            child.destroy();
            System.err.println(Background.tail(log, 10));
            throw new UserError("the receiver did not start (log above)");
        }
        Files.writeString(pidFile, Background.pidLine(child.toHandle()));
        System.out.println("Receiving webhooks on http://127.0.0.1:" + port + "/ in the background; deliveries print to "
                + log + "; ./hookline stop ends it.");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
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
