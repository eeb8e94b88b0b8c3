package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import java.util.Map;

/**
 * {@code POST /v1/webhooks/{id}/recover} with {@code {"since": "<RFC 3339>"}}: re-sends every failed (and
 * dead-lettered) delivery created since then. The delivery function pages through them, 100 at a time (202).
 */
public final class RecoverDeliveriesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DeliveryAdmin deliveries;

    public RecoverDeliveriesHandler() {
        this(Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(RecoverDeliveriesHandler.class);
    }

    RecoverDeliveriesHandler(DeliveryAdmin deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            JsonNode since = request.jsonBody().get("since");
            return HttpApi.json(202, Accepted.json(deliveries.recover(request.principal(), request.pathParameter("id"),
                    since == null || !since.isTextual() ? null : since.asText())), Map.of());
        });
    }
}
