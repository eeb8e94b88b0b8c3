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

/**
 * {@code PATCH /v1/webhooks/{id}} and {@code PUT} with the same partial meaning (as the seed APIs use PUT).
 * {@code If-Match} with the ETag makes the update conditional (412 on mismatch).
 */
public final class UpdateWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;
    private final DeliveryAdmin deliveries;

    public UpdateWebhookHandler() {
        this(Services.fromEnvironment().webhooks(), Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(UpdateWebhookHandler.class);
    }

    UpdateWebhookHandler(WebhookService webhooks) {
        this(webhooks, null);
    }

    /** @param deliveries re-enables (closes the circuit, replays parked deliveries) on {@code active: true}; null: not */
    UpdateWebhookHandler(WebhookService webhooks, DeliveryAdmin deliveries) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            var patch = request.jsonBody();
            Webhook updated = webhooks.update(request.principal(), request.pathParameter("id"), patch,
                    request.header("if-match"));
            var body = WebhookJson.render(updated);
            if (deliveries != null) {
                if (patch.path("active").isBoolean() && patch.path("active").asBoolean() && updated.active()) {
                    deliveries.reenabled(updated); // closes an open circuit and replays what was parked
                }
                DeliveryJson.addState(body, deliveries.state(updated));
            }
            return HttpApi.json(200, body, Map.of("etag", updated.etag()));
        });
    }
}
