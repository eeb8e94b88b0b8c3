package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.json.Json;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.webhooks.WebhookService;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/webhooks/{id}/signature/verify} with {@code {"payload": "...", "headers": {...}}}: whether the
 * Standard Webhooks signature is valid for this webhook, and if not, why.
 */
public final class VerifySignatureHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public VerifySignatureHandler() {
        this(Services.fromEnvironment().webhooks());
        SnapStartPriming.register(VerifySignatureHandler.class);
    }

    VerifySignatureHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            StandardWebhooks.Verification result = webhooks.verifySignature(request.principal(),
                    request.pathParameter("id"), request.jsonBody());
            ObjectNode body = Json.object();
            body.put("valid", result == StandardWebhooks.Verification.VALID);
            body.put("result", result.name().toLowerCase(Locale.ROOT));
            return HttpApi.json(200, body, Map.of());
        });
    }
}
