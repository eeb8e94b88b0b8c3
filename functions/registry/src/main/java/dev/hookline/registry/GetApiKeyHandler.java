package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.Scope;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.json.Json;
import java.util.Map;

/**
 * {@code GET /v1/api-key}: the key this request is made with, as the authorizer resolved it (its id, tenant and
 * scopes), never the key itself. A client such as the dashboard learns from it what it may offer.
 */
public final class GetApiKeyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public GetApiKeyHandler() {
        SnapStartPriming.register(GetApiKeyHandler.class);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            request.principal().require(Scope.READ);
            ObjectNode body = Json.object();
            body.put("id", request.principal().keyId());
            body.put("company_id", request.principal().companyId());
            // Effective scopes: admin implies read.
            ArrayNode scopes = body.putArray("scopes");
            for (Scope scope : Scope.values()) {
                if (request.principal().has(scope)) {
                    scopes.add(scope.wireName());
                }
            }
            return HttpApi.json(200, body, Map.of());
        });
    }
}
