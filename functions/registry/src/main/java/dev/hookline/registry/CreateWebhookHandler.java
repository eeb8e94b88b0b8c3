package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import dev.hookline.webhooks.WebhookJson;
import dev.hookline.webhooks.WebhookService;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /v1/webhooks}: 201 with the webhook and its secret, shown this once. Honours {@code Idempotency-Key}. */
public final class CreateWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final WebhookService webhooks;

    public CreateWebhookHandler() {
        this(Services.fromEnvironment().webhooks());
        SnapStartPriming.register(CreateWebhookHandler.class);
    }

    CreateWebhookHandler(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.handle(event, context, request -> {
            WebhookService.WithSecret created = webhooks.create(request.principal(), request.jsonBody(),
                    request.header("idempotency-key"));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("location", "/v1/webhooks/" + created.webhook().id());
            headers.put("etag", created.webhook().etag());
            if (created.replayed()) {
                headers.put("idempotent-replayed", "true");
            }
            return HttpApi.json(201, WebhookJson.renderWithSecret(created.webhook(), created.secret()), headers);
        });
    }
}
