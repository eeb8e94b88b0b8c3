package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryJson;
import dev.hookline.delivery.DeliveryRecord;
import dev.hookline.storage.Page;

/** {@code GET /v1/webhooks/{id}/deliveries?status=&limit=&cursor=}: the delivery log, newest first. */
public final class ListDeliveriesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DeliveryAdmin deliveries;

    public ListDeliveriesHandler() {
        this(Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(ListDeliveriesHandler.class);
    }

    ListDeliveriesHandler(DeliveryAdmin deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            Page<DeliveryRecord> page = deliveries.list(request.principal(), request.pathParameter("id"),
                    request.query("status"), request.query("cursor"),
                    request.limit(DeliveryAdmin.DEFAULT_LIMIT, DeliveryAdmin.MAX_LIMIT));
            return HttpApi.page(page, record -> DeliveryJson.render(record, false));
        });
    }
}
