package dev.hookline.registry;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The API's routes, for answering 405 on known paths. {@code ApiContractTest} keeps this list, template.yaml
 * and openapi.yaml in step, both ways.
 */
final class ApiRoutes {

    record Route(String method, String path) {
        boolean matchesPath(String rawPath) {
            String regex = Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            return rawPath != null && rawPath.matches(regex);
        }
    }

    static final List<Route> ALL = List.of(
            new Route("GET", "/v1/event-types"),
            new Route("GET", "/v1/api-key"),
            new Route("GET", "/v1/webhooks"),
            new Route("POST", "/v1/webhooks"),
            new Route("GET", "/v1/webhooks/{id}"),
            new Route("PATCH", "/v1/webhooks/{id}"),
            new Route("PUT", "/v1/webhooks/{id}"),
            new Route("DELETE", "/v1/webhooks/{id}"),
            new Route("POST", "/v1/webhooks/{id}/secret/rotate"),
            new Route("POST", "/v1/webhooks/{id}/signature/verify"),
            new Route("GET", "/v1/webhooks/{id}/versions"),
            new Route("GET", "/v1/webhooks/{id}/deliveries"),
            new Route("GET", "/v1/webhooks/{id}/deliveries/{delivery_id}"),
            new Route("POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
            new Route("POST", "/v1/webhooks/{id}/recover"),
            new Route("POST", "/v1/webhooks/{id}/test"));

    private ApiRoutes() {
    }

    /** Comma-separated methods defined for this path, or empty when the path is unknown. */
    static String allowedMethods(String rawPath) {
        return ALL.stream().filter(route -> route.matchesPath(rawPath)).map(Route::method).distinct()
                .collect(Collectors.joining(", "));
    }
}
