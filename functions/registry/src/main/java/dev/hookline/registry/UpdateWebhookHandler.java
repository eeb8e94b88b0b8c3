package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.model.Webhook;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import java.util.Map;

/**
 * {@code PATCH /v1/webhooks/{id}} and {@code PUT} with the same partial meaning (as the seed APIs use PUT).
 * {@code If-Match} with the ETag makes the update conditional (412 on mismatch).
 */
public final class UpdateWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public UpdateWebhookHandler() {
        this(Services.fromEnvironment().webhooks());
    }

    UpdateWebhookHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            Webhook updated = webhooks.update(request.principal(), request.pathParameter("id"), request.jsonBody(),
                    request.header("if-match"));
            return HttpApi.json(200, WebhookJson.render(updated), Map.of("etag", updated.etag()));
        });
    }
}
