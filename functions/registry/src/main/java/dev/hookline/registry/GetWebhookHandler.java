package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryJson;
import dev.hookline.model.Webhook;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import java.util.Map;

/** {@code GET /v1/webhooks/{id}}: the webhook with its ETag; 404 for another tenant's id, as for a missing one. */
public final class GetWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;
    private final DeliveryAdmin deliveries;

    public GetWebhookHandler() {
        this(Services.fromEnvironment().webhooks(), Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(GetWebhookHandler.class);
    }

    GetWebhookHandler(WebhookService webhooks) {
        this(webhooks, null);
    }

    /** @param deliveries adds the circuit state and last delivery outcome; null leaves them out */
    GetWebhookHandler(WebhookService webhooks, DeliveryAdmin deliveries) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            Webhook webhook = webhooks.get(request.principal(), request.pathParameter("id"));
            var body = WebhookJson.render(webhook);
            if (deliveries != null) {
                DeliveryJson.addState(body, deliveries.state(webhook));
            }
            return HttpApi.json(200, body, Map.of("etag", webhook.etag()));
        });
    }
}
