package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.Principal;
import dev.hookline.config.Services;
import dev.hookline.config.SnapStartPriming;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP API Lambda authorizer (payload 2.0, simple responses): resolves {@code Authorization: Bearer <key>}
 * to a tenant and scopes, which API Gateway caches per key and hands to the handlers in the request context.
 *
 * <p>An unknown key is let through with an empty context rather than denied: an HTTP API can only answer a
 * denial with a bare 403, while the API promises a structured 401. Every handler refuses a request whose
 * context carries no tenant before doing anything else ({@code HttpApi.handle}).
 */
public final class ApiKeyAuthorizer implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {

    static final String COMPANY_ID = "company_id";
    static final String KEY_ID = "key_id";
    static final String SCOPES = "scopes";

    private final ApiKeyService apiKeys;

    public ApiKeyAuthorizer() {
        this(Services.fromEnvironment().apiKeys());
        SnapStartPriming.register(ApiKeyAuthorizer.class);
    }

    ApiKeyAuthorizer(ApiKeyService apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        Optional<Principal> principal = apiKeys.authenticate(headers.get("authorization"));
        return principal
                .map(p -> SimpleIAMPolicyResponse.builder()
                        .withIsAuthorized(true)
                        .withContext(Map.of(COMPANY_ID, p.companyId(), KEY_ID, p.keyId(), SCOPES, p.scopesText()))
                        .build())
                .orElseGet(() -> SimpleIAMPolicyResponse.builder().withIsAuthorized(true).withContext(Map.of()).build());
    }
}
