package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.Principal;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.ErrorCode;
import dev.hookline.errors.FieldCode;
import dev.hookline.json.Json;
import dev.hookline.log.Log;
import dev.hookline.queues.Utf8;
import dev.hookline.storage.Page;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Translates between API Gateway HTTP API (payload 2.0) events and the domain: reads the principal the
 * authorizer resolved, parses bodies, and maps every outcome to a JSON response. All error mapping is here.
 */
final class HttpApi {

    /** Webhook requests are small; anything near this is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private HttpApi() {
    }

    /** A request as the domain sees it. */
    record Request(APIGatewayV2HTTPEvent event, Principal principal) {

        String pathParameter(String name) {
            Map<String, String> parameters = event.getPathParameters();
            return parameters == null ? null : parameters.get(name);
        }

        Optional<String> header(String name) {
            Map<String, String> headers = event.getHeaders();
            if (headers == null) {
                return Optional.empty();
            }
            String value = headers.get(name.toLowerCase(Locale.ROOT));
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        Optional<String> query(String name) {
            Map<String, String> parameters = event.getQueryStringParameters();
            String value = parameters == null ? null : parameters.get(name);
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        /** A listing's {@code limit}: from 1 to {@code max}, {@code defaultLimit} when absent; anything else is a 422. */
        int limit(int defaultLimit, int max) {
            Optional<String> value = query("limit");
            if (value.isEmpty()) {
                return defaultLimit;
            }
            try {
                int limit = Integer.parseInt(value.get());
                if (limit >= 1 && limit <= max) {
                    return limit;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw ApiException.validation("limit", FieldCode.OUT_OF_RANGE, "limit is an integer from 1 to " + max + ".");
        }

        /**
         * The JSON body; a missing body reads as {@code {}} so operations without input accept none. A text body
         * is parsed as the String the event holds: encoding it first would turn a lone surrogate into '?'.
         */
        JsonNode jsonBody() {
            String body = event.getBody();
            if (body == null || body.isEmpty()) {
                return Json.object();
            }
            byte[] bytes = event.getIsBase64Encoded() ? decodeBase64(body) : null;
            if ((bytes == null ? Utf8.length(body) : bytes.length) > MAX_BODY_BYTES) {
                throw ApiException.payloadTooLarge(MAX_BODY_BYTES);
            }
            header("content-type").ifPresent(type -> {
                if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                    throw ApiException.unsupportedMediaType();
                }
            });
            try {
                return bytes == null ? Json.parse(body) : Json.parse(bytes);
            } catch (Json.MalformedJsonException e) {
                throw ApiException.badRequest(e.code(), e.getMessage());
            }
        }
    }

    /**
     * Runs one operation. Client mistakes become their 4xx; anything else is logged (class and stack only)
     * and answered with a generic 500 carrying the request id, never exception text.
     */
    static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context,
            Function<Request, APIGatewayV2HTTPResponse> operation) {
        long started = System.nanoTime();
        String requestId = requestId(event, context);
        Principal principal = null;
        APIGatewayV2HTTPResponse response;
        try {
            principal = principal(event);
            response = operation.apply(new Request(event, principal));
        } catch (ApiException e) {
            response = error(e);
        } catch (RuntimeException e) {
            Log.error("Unhandled failure", e);
            ObjectNode body = ApiException.of(500, ErrorCode.INTERNAL_ERROR, "Internal error; quote request id " + requestId + ".").toJson();
            response = json(500, body, Map.of());
        }
        response.getHeaders().put("x-request-id", requestId);
        ObjectNode access = Log.info("request");
        access.put("request_id", requestId);
        access.put("route", event.getRouteKey());
        access.put("status", response.getStatusCode());
        access.put("company_id", principal == null ? null : principal.companyId());
        access.put("latency_ms", (System.nanoTime() - started) / 1_000_000);
        Log.emit(access);
        return response;
    }

    /** A listing's one shape: {@code {"data": [...], "next_cursor": ...}}, 200. */
    static <T> APIGatewayV2HTTPResponse page(Page<T> page, Function<T, JsonNode> render) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.items().forEach(item -> data.add(render.apply(item)));
        body.put("next_cursor", page.nextCursor().orElse(null));
        return json(200, body, Map.of());
    }

    static APIGatewayV2HTTPResponse json(int status, JsonNode body, Map<String, String> headers) {
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("content-type", "application/json");
        allHeaders.put("cache-control", "no-store");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(allHeaders)
                .withBody(Json.write(body))
                .build();
    }

    static APIGatewayV2HTTPResponse noContent() {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(204).withHeaders(new LinkedHashMap<>()).build();
    }

    static APIGatewayV2HTTPResponse error(ApiException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.status() == 401) {
            headers.put("www-authenticate", "Bearer");
        }
        return json(e.status(), e.toJson(), headers);
    }

    /** The tenant and scopes the API key authorizer put in the request context. */
    private static Principal principal(APIGatewayV2HTTPEvent event) {
        Map<String, Object> context = Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getLambda)
                .orElse(Map.of());
        Object companyId = context.get(ApiKeyAuthorizer.COMPANY_ID);
        if (!(companyId instanceof String company) || company.isEmpty()) {
            throw ApiException.unauthorized();
        }
        return new Principal(company, String.valueOf(context.get(ApiKeyAuthorizer.KEY_ID)),
                Principal.parseScopes(String.valueOf(context.get(ApiKeyAuthorizer.SCOPES))));
    }

    private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
            return event.getRequestContext().getRequestId();
        }
        return context == null ? "unknown" : context.getAwsRequestId();
    }

    private static byte[] decodeBase64(String body) {
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(ErrorCode.INVALID_BODY, "The request body could not be decoded.");
        }
    }
}
