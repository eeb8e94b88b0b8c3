package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import java.util.Map;

/**
 * {@code POST /v1/webhooks/{id}/secret/rotate}: a new secret, shown once. The previous one keeps signing
 * (deliveries carry every signing secret's signature, at most three) for 24 hours.
 */
public final class RotateSecretHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public RotateSecretHandler() {
        this(Services.fromEnvironment().webhooks());
        SnapStartPriming.register(RotateSecretHandler.class);
    }

    RotateSecretHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            WebhookService.WithSecret rotated = webhooks.rotateSecret(request.principal(), request.pathParameter("id"),
                    request.header("if-match"));
            return HttpApi.json(200, WebhookJson.renderWithSecret(rotated.webhook(), rotated.secret()),
                    Map.of("etag", rotated.webhook().etag()));
        });
    }
}
