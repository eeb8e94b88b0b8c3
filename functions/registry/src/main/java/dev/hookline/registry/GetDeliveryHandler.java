package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryJson;
import java.util.Map;

/** {@code GET /v1/webhooks/{id}/deliveries/{delivery_id}}: one delivery with every attempt. */
public final class GetDeliveryHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DeliveryAdmin deliveries;

    public GetDeliveryHandler() {
        this(Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(GetDeliveryHandler.class);
    }

    GetDeliveryHandler(DeliveryAdmin deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> HttpApi.json(200, DeliveryJson.render(
                deliveries.get(request.principal(), request.pathParameter("id"), request.pathParameter("delivery_id")),
                true), Map.of()));
    }
}
