package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An API Gateway HTTP API on 127.0.0.1 in front of local functions: route selection, Lambda REQUEST authorizers
 * (payload 2.0, simple responses, cached per identity), payload format 2.0 events and responses, and API Gateway's
 * own error answers ({@code {"message":"Not Found"}} and friends).
 *
 * <p>Jetty carries the HTTP, not the JDK's server: that one answers a request line {@code java.net.URI} cannot
 * parse ({@code ?cursor=%%%}) with its own HTML page naming {@code URISyntaxException}, before any handler runs.
 * Jetty passes the raw query on, as API Gateway does, and every answer it gives itself (a malformed request
 * line or header) goes through {@link #gatewayError}, so it is JSON like every other answer here.
 */
public final class HttpApiServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HttpApiServer.class.getName());

    /** API Gateway's payload limit. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway stops waiting for a Lambda integration after 30 seconds (it answers 503). */
    private static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(30);
    private static final String STAGE = "$default";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** Framing headers are the server's business; copying a handler's would corrupt the response. */
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection");

    /** The route {@code routeKey} ({@code GET /v1/items/{id}} or {@code $default}) and the function behind it. */
    public record Route(String routeKey, LambdaContainer function, Authorizer authorizer) {
    }

    /** A Lambda REQUEST authorizer; results are cached per identity-source values for {@code ttl}. */
    public record Authorizer(String name, LambdaContainer function, List<String> identityHeaders,
                             List<String> identityQueryStrings, Duration ttl) {
    }

    /** How the API appears in events: its id, and the region and account of the routeArn. */
    public record Api(String apiId, String region, String accountId, List<Route> routes) {
    }

    private record Decision(boolean allowed, JsonNode context, long expiresAtNanos) {
    }

    /** What API Gateway reads from a request before any function runs. */
    private record ApiRequest(String requestId, String method, String rawPath, String rawQuery,
                              Map<String, String> headers, List<String> cookies, Map<String, String> query,
                              String sourceIp, String protocol, Instant time) {
    }

    /** What goes back to the client: status, headers in order (repeats allowed), body. */
    private record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    private final Api api;
    private final RouteTable<Route> routes;
    private final Server server;
    private final ServerConnector connector;
    private final Map<String, Decision> authorizerCache = new ConcurrentHashMap<>();

    private HttpApiServer(Api api, RouteTable<Route> routes) {
        this.api = api;
        this.routes = routes;
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.server = new Server();
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                HttpApiServer.this.handle(request, response, callback);
                return true;
            }
        });
        // Jetty's own refusals (bad request line, header or URI) answer like API Gateway's, in JSON.
        server.setErrorHandler((request, response, callback) -> {
            write(request, response, callback, gatewayError(requestId(), response.getStatus(),
                    HttpStatus.getMessage(response.getStatus())));
            return true;
        });
    }

    /** Listens on 127.0.0.1:{@code port}; port 0 picks a free one (see {@link #baseUrl()}). */
    public static HttpApiServer start(Api api, int port) {
        Map<String, Route> byKey = new LinkedHashMap<>();
        for (Route route : api.routes()) {
            if (byKey.put(route.routeKey(), route) != null) {
                throw new TemplateException("route " + route.routeKey() + " is declared twice");
            }
        }
        HttpApiServer apiServer = new HttpApiServer(api, new RouteTable<>(byKey));
        apiServer.connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        apiServer.connector.setPort(port);
        try {
            apiServer.server.start();
        } catch (Exception e) {
            apiServer.close();
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
        }
        return apiServer;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the local API did not stop cleanly", e);
        }
    }

    private void handle(Request request, Response response, Callback callback) {
        String requestId = requestId();
        Answer answer;
        try {
            answer = answer(request, requestId);
        } catch (IntegrationFailure failure) {
            answer = gatewayError(requestId, failure.status, failure.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "request " + requestId + " failed in the local API", e);
            answer = gatewayError(requestId, 500, "Internal Server Error");
        }
        write(request, response, callback, answer);
    }

    private Answer answer(Request httpRequest, String requestId) throws IOException, IntegrationFailure {
        byte[] body = readBody(httpRequest);
        if (body == null) {
            return gatewayError(requestId, 413, "Request Entity Too Large");
        }
        String method = httpRequest.getMethod().toUpperCase(Locale.ROOT);
        String rawPath = httpRequest.getHttpURI().getPath();
        Optional<RouteTable.Match<Route>> match = routes.match(method, rawPath);
        if (match.isEmpty()) {
            return gatewayError(requestId, 404, "Not Found");
        }
        ApiRequest request = parse(httpRequest, requestId, method);
        Route route = match.get().target();
        ObjectNode event = event(request, match.get(), body);
        if (route.authorizer() != null) {
            Optional<Decision> decision = authorize(route.authorizer(), request, match.get());
            if (decision.isEmpty()) {
                return gatewayError(requestId, 401, "Unauthorized");
            }
            if (!decision.get().allowed()) {
                return gatewayError(requestId, 403, "Forbidden");
            }
            ((ObjectNode) event.get("requestContext")).putObject("authorizer")
                    .set("lambda", decision.get().context());
        }
        return functionResponse(requestId, invoke(route.function(), Json.write(event)));
    }

    /** The body, or null when it exceeds API Gateway's limit. */
    private static byte[] readBody(Request request) throws IOException {
        if (request.getLength() > MAX_BODY_BYTES) {
            return null;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length <= MAX_BODY_BYTES) {
                return body;
            }
            // Read what is still coming, so the client gets the answer instead of a reset connection.
            in.skip(Long.MAX_VALUE);
            return null;
        }
    }

    private ApiRequest parse(Request httpRequest, String requestId, String method) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (HttpField field : httpRequest.getHeaders()) {
            String lower = field.getName().toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                // Payload 2.0 moves cookies out of the headers into their own list.
                for (String cookie : field.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
            } else {
                headers.merge(lower, field.getValue(), (a, b) -> a + "," + b);
            }
        }
        String sourceIp = Request.getRemoteAddr(httpRequest);
        headers.merge("x-forwarded-for", sourceIp, (existing, ip) -> existing + ", " + ip);
        headers.putIfAbsent("x-forwarded-port", String.valueOf(connector.getLocalPort()));
        headers.putIfAbsent("x-forwarded-proto", "http");

        String rawQuery = Optional.ofNullable(httpRequest.getHttpURI().getQuery()).orElse("");
        return new ApiRequest(requestId, method, httpRequest.getHttpURI().getPath(), rawQuery, headers,
                List.copyOf(cookies), queryParameters(rawQuery), sourceIp,
                httpRequest.getConnectionMetaData().getProtocol(), Instant.now());
    }

    /** Repeated parameters are comma-joined, as payload 2.0 does. */
    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeQuery(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decodeQuery(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    /** The cached or fresh decision; empty when an identity source is missing (401 without calling it). */
    private Optional<Decision> authorize(Authorizer authorizer, ApiRequest request, RouteTable.Match<Route> match)
            throws IntegrationFailure {
        List<String> identity = new ArrayList<>();
        for (String header : authorizer.identityHeaders()) {
            String value = request.headers().get(header.toLowerCase(Locale.ROOT));
            if (value == null || value.isEmpty()) {
                return Optional.empty();
            }
            identity.add(value);
        }
        for (String parameter : authorizer.identityQueryStrings()) {
            String value = request.query().get(parameter);
            if (value == null || value.isEmpty()) {
                return Optional.empty();
            }
            identity.add(value);
        }
        // Without identity sources API Gateway cannot cache: every request is authorized afresh.
        boolean cacheable = !identity.isEmpty() && authorizer.ttl().isPositive();
        String cacheKey = authorizer.name() + '\u0000' + String.join("\u0000", identity);
        if (cacheable) {
            Decision cached = authorizerCache.get(cacheKey);
            if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
                return Optional.of(cached);
            }
        }

        ObjectNode event = Json.object();
        event.put("version", "2.0");
        event.put("type", "REQUEST");
        event.put("routeArn", "arn:aws:execute-api:" + api.region() + ":" + api.accountId() + ":" + api.apiId()
                + "/" + STAGE + "/" + request.method() + request.rawPath());
        ArrayNode identitySource = event.putArray("identitySource");
        identity.forEach(identitySource::add);
        ObjectNode common = requestFields(request, match);
        common.remove("body");
        common.remove("isBase64Encoded");
        event.setAll(common);

        JsonNode response;
        try {
            response = Json.parse(invoke(authorizer.function(), Json.write(event)));
        } catch (Json.MalformedJsonException e) {
            response = null;
        }
        if (response == null || !response.path("isAuthorized").isBoolean()) {
            LOG.log(Level.WARNING, "authorizer {0} returned no boolean isAuthorized (request {1})",
                    authorizer.name(), request.requestId());
            throw new IntegrationFailure(500, "Internal Server Error");
        }
        JsonNode context = response.get("context");
        Decision decision = new Decision(response.get("isAuthorized").booleanValue(),
                context == null || context.isNull() ? null : context,
                System.nanoTime() + authorizer.ttl().toNanos());
        if (cacheable) {
            authorizerCache.put(cacheKey, decision);
        }
        return Optional.of(decision);
    }

    /** Invokes as API Gateway does: a function error is a 500, no answer within 30 seconds a 503. */
    private String invoke(LambdaContainer function, String event) throws IntegrationFailure {
        try {
            return function.invokeAsync(event).get(INTEGRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "{0}", e.getCause().getMessage());
            throw new IntegrationFailure(500, "Internal Server Error");
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "function {0} did not answer within {1}", function.config().functionName(),
                    INTEGRATION_TIMEOUT);
            throw new IntegrationFailure(503, "Service Unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntegrationFailure(503, "Service Unavailable");
        }
    }

    /** The payload 2.0 event, without the authorizer context. */
    private ObjectNode event(ApiRequest request, RouteTable.Match<Route> match, byte[] body) {
        ObjectNode event = Json.object();
        event.put("version", "2.0");
        event.setAll(requestFields(request, match));
        if (body.length > 0) {
            boolean text = isText(request.headers().get("content-type"));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** Fields shared by the handler event and the authorizer event. */
    private ObjectNode requestFields(ApiRequest request, RouteTable.Match<Route> match) {
        ObjectNode fields = Json.object();
        fields.put("routeKey", match.routeKey());
        fields.put("rawPath", request.rawPath());
        fields.put("rawQueryString", request.rawQuery());
        if (!request.cookies().isEmpty()) {
            ArrayNode cookies = fields.putArray("cookies");
            request.cookies().forEach(cookies::add);
        }
        ObjectNode headers = fields.putObject("headers");
        request.headers().forEach(headers::put);
        if (!request.query().isEmpty()) {
            ObjectNode query = fields.putObject("queryStringParameters");
            request.query().forEach(query::put);
        }
        ObjectNode context = fields.putObject("requestContext");
        context.put("accountId", api.accountId());
        context.put("apiId", api.apiId());
        String domainName = request.headers().getOrDefault("host", baseUrl().getAuthority());
        context.put("domainName", domainName);
        context.put("domainPrefix", domainName.split("[.:]", 2)[0]);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", request.headers().getOrDefault("user-agent", ""));
        context.put("requestId", request.requestId());
        context.put("routeKey", match.routeKey());
        context.put("stage", STAGE);
        context.put("time", REQUEST_TIME.format(request.time()));
        context.put("timeEpoch", request.time().toEpochMilli());
        if (!match.pathParameters().isEmpty()) {
            ObjectNode path = fields.putObject("pathParameters");
            match.pathParameters().forEach(path::put);
        }
        return fields;
    }

    /** API Gateway passes these as text and base64-encodes every other body (including a missing type). */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml") || type.equals("application/javascript");
    }

    /**
     * Maps the function's result like API Gateway's payload 2.0: an object with statusCode is a structured
     * response; any other valid JSON is the body of a 200 application/json answer.
     */
    private static Answer functionResponse(String requestId, String output) throws IntegrationFailure {
        JsonNode result;
        try {
            result = Json.parse(output);
        } catch (Json.MalformedJsonException e) {
            LOG.log(Level.WARNING, "request {0}: the function returned invalid JSON", requestId);
            throw new IntegrationFailure(500, "Internal Server Error");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("apigw-requestid", requestId));
        if (!result.isObject() || !result.has("statusCode")) {
            headers.add(Map.entry("Content-Type", "application/json"));
            return new Answer(200, headers, output.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode status = result.get("statusCode");
        if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            LOG.log(Level.WARNING, "request {0}: invalid statusCode {1}", requestId, status);
            throw new IntegrationFailure(500, "Internal Server Error");
        }
        result.path("headers").properties().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(Map.entry(header.getKey(), header.getValue().asText()));
            }
        });
        result.path("multiValueHeaders").properties().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> headers.add(Map.entry(header.getKey(), value.asText())));
            }
        });
        result.path("cookies").forEach(cookie -> headers.add(Map.entry("Set-Cookie", cookie.asText())));
        byte[] body;
        JsonNode bodyNode = result.get("body");
        if (bodyNode == null || bodyNode.isNull()) {
            body = new byte[0];
        } else if (result.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = Base64.getDecoder().decode(bodyNode.asText());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "request {0}: isBase64Encoded body is not base64", requestId);
                throw new IntegrationFailure(500, "Internal Server Error");
            }
        } else {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new Answer(status.asInt(), headers, body);
    }

    /** An answer API Gateway gives itself: {@code {"message": "..."}}, never exception names or details. */
    private static Answer gatewayError(String requestId, int status, String message) {
        ObjectNode body = Json.object();
        body.put("message", message);
        return new Answer(status, List.of(Map.entry("Content-Type", "application/json"), Map.entry("apigw-requestid", requestId)),
                Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Request request, Response response, Callback callback, Answer answer) {
        response.setStatus(answer.status());
        answer.headers().forEach(header -> response.getHeaders().add(header.getKey(), header.getValue()));
        boolean noBody = request.getMethod().equalsIgnoreCase("HEAD") || answer.status() == 204 || answer.status() == 304;
        response.write(true, ByteBuffer.wrap(noBody ? new byte[0] : answer.body()), callback);
    }

    /** Shaped like API Gateway's ids ({@code JKJaXmPLvHcESHA=}). */
    private static String requestId() {
        byte[] random = new byte[11];
        ThreadLocalRandom.current().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    /** An answer API Gateway gives itself when the integration misbehaves. */
    private static final class IntegrationFailure extends Exception {
        private final int status;

        IntegrationFailure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
