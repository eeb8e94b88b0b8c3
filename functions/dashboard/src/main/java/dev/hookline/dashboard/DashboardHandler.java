package dev.hookline.dashboard;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /dashboard} and {@code GET /dashboard/{proxy+}}: the webhook dashboard, served without an API key (the
 * page asks for one and sends it to the API beside it). The page is {@code /dashboard}; its scripts, styles and
 * images are {@code /dashboard/<name>} (docs/dashboard.md).
 */
public final class DashboardHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final StaticAssets assets;

    public DashboardHandler() {
        this(new StaticAssets("dashboard"));
    }

    DashboardHandler(StaticAssets assets) {
        this.assets = assets;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, String> path = event.getPathParameters();
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        StaticAssets.Answer answer = assets.answer(path == null ? null : path.get("proxy"), headers.get("if-none-match"),
                headers.getOrDefault("accept-encoding", "").toLowerCase(Locale.ROOT).contains("gzip"));
        // A gzipped body is binary: payload 2.0 carries it base64-encoded.
        boolean binary = answer.headers().containsKey("content-encoding");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(new LinkedHashMap<>(answer.headers()))
                .withBody(binary ? Base64.getEncoder().encodeToString(answer.body())
                        : new String(answer.body(), StandardCharsets.UTF_8))
                .withIsBase64Encoded(binary)
                .build();
    }
}
