package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import java.util.Map;

/** {@code POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry}: re-sends one ended delivery (202, asynchronous). */
public final class RetryDeliveryHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DeliveryAdmin deliveries;

    public RetryDeliveryHandler() {
        this(Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(RetryDeliveryHandler.class);
    }

    RetryDeliveryHandler(DeliveryAdmin deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> HttpApi.json(202, Accepted.json(deliveries.retry(
                request.principal(), request.pathParameter("id"), request.pathParameter("delivery_id"))), Map.of()));
    }
}
