package dev.hookline.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.testing.LambdaEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The dashboard function driven by events/dashboard-page.json, as API Gateway would invoke it. */
class DashboardHandlerTest {

    private final DashboardHandler handler = new DashboardHandler();

    private static APIGatewayV2HTTPEvent page() {
        return LambdaEvents.load("dashboard-page.json", APIGatewayV2HTTPEvent.class);
    }

    private static APIGatewayV2HTTPEvent asset(String name) {
        APIGatewayV2HTTPEvent event = page();
        event.setRouteKey("GET /dashboard/{proxy+}");
        event.setRawPath("/dashboard/" + name);
        event.setPathParameters(Map.of("proxy", name));
        return event;
    }

    private APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        return LambdaEvents.invoke(handler, event, APIGatewayV2HTTPResponse.class);
    }

    private static String gunzip(APIGatewayV2HTTPResponse response) throws IOException {
        assertTrue(response.getIsBase64Encoded(), "a gzipped body travels base64-encoded");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(response.getBody())))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePageIsServedGzippedWithItsSecurityHeaders() throws IOException {
        APIGatewayV2HTTPResponse response = invoke(page());
        assertEquals(200, response.getStatusCode());
        assertEquals("text/html; charset=utf-8", response.getHeaders().get("content-type"));
        assertEquals("gzip", response.getHeaders().get("content-encoding"));
        assertEquals(StaticAssets.CONTENT_SECURITY_POLICY, response.getHeaders().get("content-security-policy"));
        assertEquals("nosniff", response.getHeaders().get("x-content-type-options"));
        assertEquals("DENY", response.getHeaders().get("x-frame-options"));
        assertEquals("no-referrer", response.getHeaders().get("referrer-policy"));
        String html = gunzip(response);
        assertTrue(html.contains("<script type=\"module\" src=\"dashboard/app.js\"></script>"), html);
    }

    @Test
    void aClientWithoutGzipGetsPlainText() {
        APIGatewayV2HTTPEvent event = asset("app.js");
        event.getHeaders().remove("accept-encoding");
        APIGatewayV2HTTPResponse response = invoke(event);
        assertEquals(200, response.getStatusCode());
        assertFalse(response.getIsBase64Encoded());
        assertEquals("text/javascript; charset=utf-8", response.getHeaders().get("content-type"));
        assertTrue(response.getBody().contains("import "), "an ES module");
    }

    @Test
    void anUnchangedFileIsAnsweredWithNotModified() {
        String etag = invoke(asset("style.css")).getHeaders().get("etag");
        APIGatewayV2HTTPEvent again = asset("style.css");
        again.getHeaders().put("if-none-match", etag);
        APIGatewayV2HTTPResponse response = invoke(again);
        assertEquals(304, response.getStatusCode());
        assertEquals(etag, response.getHeaders().get("etag"));
    }

    @Test
    void unknownAndTraversingPathsAreNotFoundAndStillCarryTheHeaders() {
        for (String name : new String[] {"missing.js", "../dev/hookline/dashboard/DashboardHandler.class",
                "%2e%2e/x.js", "nested/app.js", "app.js.map", "Index.html"}) {
            APIGatewayV2HTTPResponse response = invoke(asset(name));
            assertEquals(404, response.getStatusCode(), name);
            assertEquals(StaticAssets.CONTENT_SECURITY_POLICY, response.getHeaders().get("content-security-policy"), name);
            assertEquals("nosniff", response.getHeaders().get("x-content-type-options"), name);
        }
    }
}
