package dev.hookline.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A webhook receiver on 127.0.0.1 (an ephemeral port): records every request and answers with scripted
 * responses, then with the default one. Requests are served concurrently (one virtual thread each).
 */
public final class TestReceiver implements AutoCloseable {

    /** A scripted answer; {@code delay} is waited before answering. */
    public record Response(int status, Map<String, String> headers, String body, Duration delay) {
        public static Response of(int status) {
            return new Response(status, Map.of(), "", Duration.ZERO);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Response(status, copy, body, delay);
        }

        public Response withBody(String value) {
            return new Response(status, headers, value, delay);
        }

        public Response withDelay(Duration value) {
            return new Response(status, headers, body, value);
        }
    }

    /** One received request; header names lower-case. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body, Instant at) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Response> script = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Response> fallback = new AtomicReference<>(Response.of(200));
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public TestReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, Instant.now()));
            Response response = script.poll();
            if (response == null) {
                response = fallback.get();
            }
            if (!response.delay().isZero()) {
                try {
                    Thread.sleep(response.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return url("/hook");
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers the next requests with these, in order. */
    public TestReceiver then(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    /** What every request gets once the script is used up. */
    public TestReceiver always(Response response) {
        fallback.set(response);
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
