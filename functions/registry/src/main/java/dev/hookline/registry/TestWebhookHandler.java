package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.delivery.DeliveryAdmin;
import java.util.Map;

/**
 * {@code POST /v1/webhooks/{id}/test}: queues a signed {@code ping} (202 with its delivery id; read the outcome
 * with GET .../deliveries/{delivery_id}). It is sent even while the circuit is open, and its success closes it.
 */
public final class TestWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DeliveryAdmin deliveries;

    public TestWebhookHandler() {
        this(Services.fromEnvironment().deliveryAdmin());
        SnapStartPriming.register(TestWebhookHandler.class);
    }

    TestWebhookHandler(DeliveryAdmin deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> HttpApi.json(202,
                Accepted.json(deliveries.test(request.principal(), request.pathParameter("id"))), Map.of()));
    }
}
