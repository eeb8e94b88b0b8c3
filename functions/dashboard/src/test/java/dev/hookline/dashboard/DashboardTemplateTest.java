package dev.hookline.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml serves the dashboard as docs/dashboard.md says: this module's handler, open routes, no policies. */
class DashboardTemplateTest {

    private static Map<?, ?> resources;

    @BeforeAll
    static void loadTemplate() {
        resources = (Map<?, ?>) TemplateYaml.load(RepoFiles.resolve("template.yaml")).get("Resources");
    }

    private static Map<?, ?> properties() {
        return (Map<?, ?>) ((Map<?, ?>) resources.get("DashboardFunction")).get("Properties");
    }

    @Test
    void theDashboardFunctionRunsThisModulesHandlerFromItsOwnArtifact() throws ReflectiveOperationException {
        assertEquals(DashboardHandler.class.getName() + "::handleRequest", properties().get("Handler"));
        assertEquals("functions/dashboard", properties().get("CodeUri"));
        assertEquals(Map.of("BuildMethod", "makefile"), ((Map<?, ?>) resources.get("DashboardFunction")).get("Metadata"));
        DashboardHandler.class.getConstructor();
    }

    @Test
    void thePageAndItsFilesAreServedWithoutAnApiKeyOnTheApisOwnOrigin() {
        Map<String, String> routes = new TreeMap<>();
        ((Map<?, ?>) properties().get("Events")).forEach((name, value) -> {
            Map<?, ?> event = (Map<?, ?>) value;
            assertEquals("HttpApi", event.get("Type"), name.toString());
            Map<?, ?> route = (Map<?, ?>) event.get("Properties");
            assertEquals("HooklineApi", route.get("ApiId"), "the API's own origin, so no CORS");
            assertEquals(Map.of("Authorizer", "NONE"), route.get("Auth"), "the page asks for the key itself");
            routes.put(route.get("Method") + " " + route.get("Path"), name.toString());
        });
        assertEquals(Map.of("GET /dashboard", "Page", "GET /dashboard/{proxy+}", "Assets"), routes);
    }

    @Test
    void theFunctionMayTouchNothing() {
        assertEquals(List.of(), properties().get("Policies"));
    }
}
