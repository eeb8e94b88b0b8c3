package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryJson;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.FieldCode;
import dev.hookline.model.Webhook;
import dev.hookline.storage.Page;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import dev.hookline.webhooks.WebhookService.ListQuery;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/webhooks?limit=&cursor=&resource=&trigger=&active=&reference=}: a page and the cursor of the next one. */
public final class ListWebhooksHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;
    private final DeliveryAdmin deliveries;

    public ListWebhooksHandler() {
        this(Services.fromEnvironment().webhooks(), Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(ListWebhooksHandler.class);
    }

    ListWebhooksHandler(WebhookService webhooks) {
        this(webhooks, null);
    }

    /** @param deliveries adds each webhook's circuit state and newest delivery; null leaves them out */
    ListWebhooksHandler(WebhookService webhooks, DeliveryAdmin deliveries) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            ListQuery query = new ListQuery(
                    request.query("cursor"),
                    request.limit(ListQuery.DEFAULT_LIMIT, ListQuery.MAX_LIMIT),
                    request.query("resource"),
                    request.query("trigger"),
                    active(request.query("active")),
                    request.query("reference"));
            Page<Webhook> page = webhooks.list(request.principal(), query);
            Map<String, DeliveryAdmin.EndpointState> states = deliveries == null || page.items().isEmpty() ? Map.of()
                    : deliveries.states(page.items());
            return HttpApi.page(page, webhook -> {
                ObjectNode node = WebhookJson.render(webhook);
                if (states.containsKey(webhook.id())) {
                    DeliveryJson.addState(node, states.get(webhook.id()));
                }
                return node;
            });
        });
    }

    private static Optional<Boolean> active(Optional<String> value) {
        return value.map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.validation("active", FieldCode.INVALID_TYPE, "active is true or false.");
        });
    }
}
