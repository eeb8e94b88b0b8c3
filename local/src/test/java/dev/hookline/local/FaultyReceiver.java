package dev.hookline.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A webhook receiver on 127.0.0.1 that misbehaves on purpose: per POST it answers 2xx, or 500, or holds the request
 * past the sender's deadline and then drops it, or resets the connection as soon as it has read the request. Every
 * POST is reported with its {@code webhook-id} header and what it was answered.
 *
 * <p>A plain socket server rather than com.sun.net.httpserver, which can neither reset a connection nor leave a
 * request unanswered on its own terms.
 */
final class FaultyReceiver implements AutoCloseable {

    /** What one POST was answered. Only {@link #OK} is a 2xx. */
    enum Answer {
        OK, SERVER_ERROR, HUNG, RESET
    }

    /** One POST as received: its {@code webhook-id} header (the delivery id) and its answer. */
    record Post(String webhookId, Answer answer) {
    }

    /**
     * Chances per POST (the rest are answered 200).
     *
     * @param hangFor how long a hung request is held before its connection is reset: longer than the sender's deadline
     */
    record Faults(double serverError, double hang, double reset, Duration hangFor) {

        /** A receiver that is down: every POST gets a 500. */
        static Faults down() {
            return new Faults(1, 0, 0, Duration.ZERO);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "5xx %.0f %%, hang %.0f %% (%d s), reset %.0f %%", serverError * 100,
                    hang * 100, hangFor.toSeconds(), reset * 100);
        }
    }

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Faults faults;
    private final RandomGenerator random;
    private final Consumer<Post> posts;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param random shared by the caller's receivers; must be thread-safe */
    FaultyReceiver(Faults faults, RandomGenerator random, Consumer<Post> posts) throws IOException {
        this.faults = faults;
        this.random = random;
        this.posts = posts;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("faulty-receiver-" + server.getLocalPort()).start(this::accept);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook");
    }

    /** Requests read and not yet answered (a delivery is under way). */
    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(FaultyReceiver::closeQuietly);
        connections.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.submit(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Requests on one keep-alive connection until the sender closes it or a fault ends it. */
    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                inFlight.incrementAndGet();
                try {
                    String webhookId = header(head, "webhook-id");
                    in.readNBytes(Integer.parseInt(header(head, "content-length").trim()));
                    Answer answer = decide();
                    posts.accept(new Post(webhookId, answer));
                    switch (answer) {
                        case OK -> respond(out, "200 OK");
                        case SERVER_ERROR -> respond(out, "500 Internal Server Error");
                        case HUNG -> {
                            Thread.sleep(faults.hangFor());
                            reset(socket);
                            return;
                        }
                        case RESET -> {
                            reset(socket);
                            return;
                        }
                    }
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the sender gave up on the connection, or the receiver is closing
        } finally {
            open.remove(socket);
        }
    }

    private Answer decide() {
        double roll = random.nextDouble();
        if (roll < faults.serverError()) {
            return Answer.SERVER_ERROR;
        }
        if (roll < faults.serverError() + faults.hang()) {
            return Answer.HUNG;
        }
        if (roll < faults.serverError() + faults.hang() + faults.reset()) {
            return Answer.RESET;
        }
        return Answer.OK;
    }

    private static void respond(OutputStream out, String status) throws IOException {
        byte[] body = status.getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** SO_LINGER 0: close() sends a TCP RST instead of a FIN. */
    private static void reset(Socket socket) throws SocketException {
        socket.setSoLinger(true, 0);
        closeQuietly(socket);
    }

    /** The request line and headers, or null when the connection ended between requests. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection ended inside a request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEADER_BYTES) {
                throw new IOException("request head too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A header's value ("" when absent); delivery POSTs always carry webhook-id and a Content-Length. */
    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return name.equals("content-length") ? "0" : "";
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
