package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.auth.Scope;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.rules.EventCatalog;
import java.util.Map;

/**
 * {@code GET /v1/event-types}: the resource × trigger catalogue, the propagation table and the derived types, as
 * data.
 */
public final class ListEventTypesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final EventCatalog catalog;

    public ListEventTypesHandler() {
        this(EventCatalog.standard());
        SnapStartPriming.register(ListEventTypesHandler.class);
    }

    ListEventTypesHandler(EventCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            request.principal().require(Scope.READ);
            return HttpApi.json(200, catalog.toJson(), Map.of());
        });
    }
}
