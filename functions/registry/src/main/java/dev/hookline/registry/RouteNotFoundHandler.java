package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.errors.ApiException;

/**
 * The HTTP API's {@code $default} route: a structured 405 (with {@code Allow}) when the path exists under
 * other methods, else 404.
 */
public final class RouteNotFoundHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public RouteNotFoundHandler() {
        SnapStartPriming.register(RouteNotFoundHandler.class);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            String allowed = ApiRoutes.allowedMethods(event.getRawPath());
            if (allowed.isEmpty()) {
                throw ApiException.routeNotFound();
            }
            APIGatewayV2HTTPResponse response = HttpApi.error(ApiException.methodNotAllowed(allowed));
            response.getHeaders().put("allow", allowed);
            return response;
        });
    }
}
