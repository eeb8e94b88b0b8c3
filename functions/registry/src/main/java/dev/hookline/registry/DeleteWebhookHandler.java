package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.webhooks.WebhookService;

/** {@code DELETE /v1/webhooks/{id}}: 204; the webhook stops matching at once and leaves the API. */
public final class DeleteWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public DeleteWebhookHandler() {
        this(Services.fromEnvironment().webhooks());
        SnapStartPriming.register(DeleteWebhookHandler.class);
    }

    DeleteWebhookHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            webhooks.delete(request.principal(), request.pathParameter("id"), request.header("if-match"));
            return HttpApi.noContent();
        });
    }
}
