package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.storage.Page;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import dev.hookline.webhooks.WebhookService.ListQuery;
import dev.hookline.webhooks.WebhookVersion;

/**
 * {@code GET /v1/webhooks/{id}/versions?limit=&cursor=}: every change to the webhook, newest first (Commerce
 * Layer's {@code versions}); a deleted webhook's history too.
 */
public final class ListWebhookVersionsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public ListWebhookVersionsHandler() {
        this(Services.fromEnvironment().webhooks());
        SnapStartPriming.register(ListWebhookVersionsHandler.class);
    }

    ListWebhookVersionsHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            Page<WebhookVersion> page = webhooks.versions(request.principal(), request.pathParameter("id"),
                    request.query("cursor"), request.limit(ListQuery.DEFAULT_LIMIT, ListQuery.MAX_LIMIT));
            return HttpApi.page(page, WebhookJson::renderVersion);
        });
    }
}
