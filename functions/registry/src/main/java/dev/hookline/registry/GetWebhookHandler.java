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

/** {@code GET /v1/webhooks/{id}}: the webhook with its ETag; 404 for another tenant's id, as for a missing one. */
public final class GetWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public GetWebhookHandler() {
        this(Services.fromEnvironment().webhooks());
    }

    GetWebhookHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            Webhook webhook = webhooks.get(request.principal(), request.pathParameter("id"));
            return HttpApi.json(200, WebhookJson.render(webhook), Map.of("etag", webhook.etag()));
        });
    }
}
