package dev.hookline.local;

import dev.hookline.json.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.local.fixtures.FailingHandler;
import dev.hookline.local.fixtures.TokenAuthorizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API of templates/http.yaml, started through {@link LocalPlatform} without any engine. */
class HttpApiServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static LocalPlatform platform;

    @BeforeAll
    static void start() {
        platform = LocalPlatform.start(SamTemplateTest.template("http.yaml"), new Endpoints(null, null), Map.of(), 0);
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @BeforeEach
    void resetAuthorizer() {
        TokenAuthorizer.CALLS.set(0);
        TokenAuthorizer.lastEvent = null;
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(platform.baseUrl() + pathAndQuery));
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return Json.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void buildsThePayload2EventAndMapsTheStructuredResponse() throws Exception {
        HttpResponse<byte[]> response = send(request("/v1/echo/a/b%20c?x=1&x=2&y=hello%20world&flag")
                .header("Authorization", "Bearer good-acme")
                .header("X-Custom", "one")
                .header("X-Custom", "two")
                .header("Cookie", "session=s1; theme=light")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"world\"}")));

        assertEquals(201, response.statusCode());
        assertEquals("yes", response.headers().firstValue("x-echo").orElseThrow());
        assertEquals(List.of("session=abc; Path=/", "theme=dark"), response.headers().allValues("set-cookie"));
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());

        JsonNode body = json(response);
        assertEquals("http-test", body.get("stageName").asText(), "Globals environment reaches the handler");
        JsonNode event = body.get("event");
        assertEquals("2.0", event.get("version").asText());
        assertEquals("ANY /v1/echo/{proxy+}", event.get("routeKey").asText());
        assertEquals("/v1/echo/a/b%20c", event.get("rawPath").asText());
        assertEquals("x=1&x=2&y=hello%20world&flag", event.get("rawQueryString").asText());
        assertEquals("1,2", event.get("queryStringParameters").get("x").asText());
        assertEquals("hello world", event.get("queryStringParameters").get("y").asText());
        assertEquals("", event.get("queryStringParameters").get("flag").asText());
        assertEquals("a/b c", event.get("pathParameters").get("proxy").asText());
        assertEquals("{\"hello\":\"world\"}", event.get("body").asText());
        assertFalse(event.get("isBase64Encoded").asBoolean());

        JsonNode headers = event.get("headers");
        headers.fieldNames().forEachRemaining(name -> assertEquals(name.toLowerCase(), name));
        assertEquals("one,two", headers.get("x-custom").asText());
        assertEquals("Bearer good-acme", headers.get("authorization").asText());
        assertEquals("127.0.0.1", headers.get("x-forwarded-for").asText());
        assertFalse(headers.has("cookie"), "payload 2.0 moves cookies out of the headers");
        assertEquals(List.of("session=s1", "theme=light"),
                List.of(event.get("cookies").get(0).asText(), event.get("cookies").get(1).asText()));

        JsonNode context = event.get("requestContext");
        assertEquals("POST", context.get("http").get("method").asText());
        assertEquals("/v1/echo/a/b%20c", context.get("http").get("path").asText());
        assertEquals("HTTP/1.1", context.get("http").get("protocol").asText());
        assertEquals("127.0.0.1", context.get("http").get("sourceIp").asText());
        assertEquals("$default", context.get("stage").asText());
        assertEquals("000000000000", context.get("accountId").asText());
        assertEquals("hookline-local-api", context.get("apiId").asText());
        assertEquals(response.headers().firstValue("apigw-requestid").orElseThrow(),
                context.get("requestId").asText());
        assertTrue(context.get("timeEpoch").asLong() > 1_600_000_000_000L);
        assertTrue(context.get("time").asText().matches("\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000"));
        assertEquals("acme", context.get("authorizer").get("lambda").get("tenant").asText());
        assertEquals(3, context.get("authorizer").get("lambda").get("scopes").asInt());
    }

    @Test
    void sendsTheAuthorizerItsRequestEvent() throws Exception {
        send(request("/v1/webhooks/wh-1?q=1").header("Authorization", "Bearer good-event-check"));
        Map<String, Object> event = TokenAuthorizer.lastEvent;
        assertEquals("2.0", event.get("version"));
        assertEquals("REQUEST", event.get("type"));
        assertEquals("arn:aws:execute-api:us-east-1:000000000000:hookline-local-api/$default/GET/v1/webhooks/wh-1",
                event.get("routeArn"));
        assertEquals(List.of("Bearer good-event-check"), event.get("identitySource"));
        assertEquals("GET /v1/webhooks/{id}", event.get("routeKey"));
        assertEquals("/v1/webhooks/wh-1", event.get("rawPath"));
        assertEquals(Map.of("id", "wh-1"), event.get("pathParameters"));
        assertEquals(Map.of("q", "1"), event.get("queryStringParameters"));
        assertTrue(event.containsKey("requestContext"));
        assertFalse(event.containsKey("body"));
    }

    @Test
    void typedHandlerGetsPathParametersAndAuthorizerContextAndReturnsBinary() throws Exception {
        HttpResponse<byte[]> response = send(request("/v1/webhooks/wh%201").header("Authorization", "Bearer good-t1"));
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("id=wh 1;tenant=t1;method=GET", text(response), "isBase64Encoded bodies are decoded");
    }

    @Test
    void binaryRequestBodiesArriveBase64Encoded() throws Exception {
        byte[] payload = {0, 1, 2, (byte) 0xff};
        HttpResponse<byte[]> response = send(request("/v1/public")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)));
        JsonNode event = json(response).get("event");
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertArrayEquals(payload, Base64.getDecoder().decode(event.get("body").asText()));
        assertFalse(event.get("requestContext").has("authorizer"), "an open route has no authorizer context");
        assertEquals(0, TokenAuthorizer.CALLS.get(), "Auth.Authorizer: NONE skips the authorizer");
    }

    @Test
    void missingIdentityIsUnauthorizedWithoutCallingTheAuthorizer() throws Exception {
        HttpResponse<byte[]> response = send(request("/v1/webhooks/w1"));
        assertEquals(401, response.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", text(response));
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals(0, TokenAuthorizer.CALLS.get());
    }

    @Test
    void deniedIsForbiddenAndTheDenialIsCached() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> response = send(request("/v1/webhooks/w1").header("Authorization", "Bearer evil"));
            assertEquals(403, response.statusCode());
            assertEquals("{\"message\":\"Forbidden\"}", text(response));
        }
        assertEquals(1, TokenAuthorizer.CALLS.get());
    }

    @Test
    void authorizerResultsAreCachedPerIdentityForReauthorizeEvery() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, send(request("/v1/webhooks/w1").header("Authorization", "Bearer good-cache")).statusCode());
        }
        assertEquals(1, TokenAuthorizer.CALLS.get(), "one call for three requests with the same identity");
        assertEquals(200, send(request("/v1/webhooks/w1").header("Authorization", "Bearer good-other")).statusCode());
        assertEquals(2, TokenAuthorizer.CALLS.get(), "another identity is authorized on its own");

        Thread.sleep(2_100); // ReauthorizeEvery: 2 in the fixture
        assertEquals(200, send(request("/v1/webhooks/w1").header("Authorization", "Bearer good-cache")).statusCode());
        assertEquals(3, TokenAuthorizer.CALLS.get(), "the cached result expired");
    }

    @Test
    void unmatchedRouteIsNotFoundLikeApiGateway() throws Exception {
        HttpResponse<byte[]> response = send(request("/nowhere").header("Authorization", "Bearer good-x"));
        assertEquals(404, response.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", text(response));
        assertEquals(404, send(request("/v1/public")).statusCode(), "GET on a POST-only route");
    }

    @Test
    void handlerExceptionIsInternalServerErrorWithoutDetails() throws Exception {
        HttpResponse<byte[]> response = send(request("/v1/fail").header("Authorization", "Bearer good-x"));
        assertEquals(500, response.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", text(response));
        assertFalse(response.headers().map().toString().contains(FailingHandler.SECRET));
    }

    @Test
    void resultWithoutStatusCodeIsA200JsonBody() throws Exception {
        HttpResponse<byte[]> response = send(request("/v1/plain"));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"ok\":true}", text(response));
    }

    @Test
    void declaredBodyOverTenMegabytesIsRejectedBeforeReading() throws Exception {
        String head = "POST /v1/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (HttpApiServer.MAX_BODY_BYTES + 1) + "\r\n\r\n";
        assertEquals("413 {\"message\":\"Request Entity Too Large\"}", rawExchange(head, new byte[0]));
    }

    @Test
    void streamedBodyOverTenMegabytesIsRejected() throws Exception {
        int size = HttpApiServer.MAX_BODY_BYTES + 1;
        String head = "POST /v1/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        byte[] chunk = new byte[size];
        byte[] framing = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[framing.length + size + 7];
        System.arraycopy(framing, 0, body, 0, framing.length);
        System.arraycopy(chunk, 0, body, framing.length, size);
        System.arraycopy("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, body, framing.length + size, 7);
        assertEquals("413 {\"message\":\"Request Entity Too Large\"}", rawExchange(head, body));
    }

    @Test
    void aMalformedQueryStringReachesTheFunctionRawAsApiGatewayPassesIt() throws Exception {
        String head = "GET /v1/echo/q?cursor=%%%&x=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer good-q\r\n\r\n";

        String answer = rawExchange(head, new byte[0]);

        assertTrue(answer.startsWith("201 "), answer);
        JsonNode event = Json.parse(answer.substring(4)).get("event");
        assertEquals("cursor=%%%&x=%zz", event.get("rawQueryString").asText());
        assertEquals("%%%", event.get("queryStringParameters").get("cursor").asText());
    }

    @Test
    void requestsTheServerRefusesItselfGetJsonWithoutExceptionNames() throws Exception {
        for (String target : List.of("/v1/%%%/x", "/v1/echo/a%zzb", "/v1/echo/a%00b")) {
            String answer = rawExchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", new byte[0]);

            assertEquals("400 {\"message\":\"Bad Request\"}", answer, target);
        }
        String badHeader = rawExchange("GET /v1/public HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n", new byte[0]);
        assertEquals("400 {\"message\":\"Bad Request\"}", badHeader);
    }

    /** Status code and body of one request written by hand (HttpClient cannot send a lying Content-Length). */
    private static String rawExchange(String head, byte[] body) throws IOException {
        URI base = platform.baseUrl();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            int contentLength = -1;
            String line;
            String status = null;
            while (!(line = readLine(in)).isEmpty()) {
                if (status == null) {
                    status = line.split(" ")[1];
                } else if (line.toLowerCase().startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).trim());
                }
            }
            response.append(status).append(' ').append(new String(in.readNBytes(contentLength), StandardCharsets.UTF_8));
            return response.toString();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
