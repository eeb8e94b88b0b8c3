package dev.hookline.registry;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.hookline.errors.ErrorCode;
import dev.hookline.errors.FieldCode;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the three descriptions of the registry API in step, both ways: the HttpApi routes of template.yaml
 * (what API Gateway serves), docs/openapi.yaml (what users are told) and {@link ApiRoutes#ALL} (what the
 * {@code $default} route answers 405 for). Also checks that every handler template.yaml names exists.
 */
class ApiContractTest {

    /** API Gateway's catch-all; RouteNotFoundHandler serves it and it is no documented operation. */
    private static final String DEFAULT_ROUTE = "$default";
    private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^}]+}");

    /** A route as {@code METHOD /path}, the form API Gateway writes route keys in; sorts and prints readably. */
    record Route(String method, String path) implements Comparable<Route> {
        @Override
        public int compareTo(Route other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A function of template.yaml: its logical id, its Handler and its HttpApi routes. */
    record Function(String logicalId, String handler, List<Route> routes) {
    }

    @Test
    void everyTemplateRouteIsDocumentedAndEveryDocumentedRouteIsInTheTemplate() throws IOException {
        Set<Route> template = templateRoutes();
        Set<Route> documented = openApiOperations().keySet();
        assertFalse(template.isEmpty(), "template.yaml declares no HttpApi routes");
        assertAll(
                () -> assertEquals(Set.of(), difference(template, documented),
                        "Routes in template.yaml but not documented in docs/openapi.yaml"),
                () -> assertEquals(Set.of(), difference(documented, template),
                        "Operations in docs/openapi.yaml that template.yaml does not route"));
    }

    @Test
    void apiRoutesListsExactlyTheTemplateRoutes() throws IOException {
        Set<Route> template = templateRoutes();
        List<Route> listed = ApiRoutes.ALL.stream().map(route -> new Route(route.method(), route.path())).toList();
        assertAll(
                () -> assertEquals(listed.size(), new HashSet<>(listed).size(), "ApiRoutes.ALL lists a route twice: " + listed),
                () -> assertEquals(Set.of(), difference(template, new HashSet<>(listed)),
                        "Routes in template.yaml missing from ApiRoutes.ALL (their path would answer 404, not 405)"),
                () -> assertEquals(Set.of(), difference(new HashSet<>(listed), template),
                        "Routes in ApiRoutes.ALL that template.yaml does not route"));
    }

    @Test
    void everyOperationDocumentsItsErrorsAndHasAUniqueOperationId() throws IOException {
        Map<Route, Map<?, ?>> operations = openApiOperations();
        assertFalse(operations.isEmpty(), "docs/openapi.yaml documents no operations");
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        operations.forEach((route, operation) -> {
            Object operationId = operation.get("operationId");
            if (!(operationId instanceof String id) || id.isBlank()) {
                problems.add(route + ": no operationId");
            } else if (!operationIds.add(id)) {
                problems.add(route + ": operationId " + id + " is used twice");
            }
            Set<String> statuses = new TreeSet<>();
            if (operation.get("responses") instanceof Map<?, ?> responses) {
                responses.keySet().forEach(status -> statuses.add(String.valueOf(status)));
            }
            List<String> required = new ArrayList<>(List.of("401", "500"));
            if (PATH_PARAMETER.matcher(route.path()).find()) {
                required.add("404");
            }
            for (String status : required) {
                if (!statuses.contains(status)) {
                    problems.add(route + ": no " + status + " response (documents " + statuses + ")");
                }
            }
        });
        assertEquals(List.of(), problems, "docs/openapi.yaml operations with missing pieces");
    }

    @Test
    void theSpecListsExactlyTheErrorCodesTheCodeCanAnswerWith() throws IOException {
        Map<?, ?> schemas = map(map(load(RepoFiles.root().resolve("docs/openapi.yaml")).get("components"), "components")
                .get("schemas"), "components.schemas");
        Map<?, ?> error = map(map(map(schemas.get("Error"), "Error").get("properties"), "Error.properties").get("error"),
                "Error.properties.error");
        Set<String> documentedCodes = enumOf(map(error.get("properties"), "Error...properties").get("code"), "Error code");
        Set<String> documentedFieldCodes = enumOf(map(map(schemas.get("FieldError"), "FieldError").get("properties"),
                "FieldError.properties").get("code"), "FieldError code");
        Set<String> codes = new TreeSet<>(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
        Set<String> fieldCodes = new TreeSet<>(Arrays.stream(FieldCode.values()).map(FieldCode::code).toList());
        assertAll(
                () -> assertEquals(Set.of(), difference(codes, documentedCodes), "ErrorCodes missing from Error.code's enum"),
                () -> assertEquals(Set.of(), difference(documentedCodes, codes), "Error.code's enum lists codes ErrorCode lacks"),
                () -> assertEquals(Set.of(), difference(fieldCodes, documentedFieldCodes), "FieldCodes missing from FieldError.code's enum"),
                () -> assertEquals(Set.of(), difference(documentedFieldCodes, fieldCodes), "FieldError.code's enum lists codes FieldCode lacks"));
    }

    /**
     * ApiException takes codes only as {@link ErrorCode} and {@link FieldCode}, so the enums bound what can be
     * answered; this checks the other direction, that each constant is used, so the enums are what is answered.
     */
    @Test
    void everyErrorCodeIsUsedByTheCode() throws IOException {
        StringBuilder sources = new StringBuilder();
        for (String module : List.of("shared", "functions/registry")) {
            try (Stream<Path> files = Files.walk(RepoFiles.root().resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String name = file.getFileName().toString();
                    if (!name.equals("ErrorCode.java") && !name.equals("FieldCode.java")) {
                        sources.append(Files.readString(file));
                    }
                }
            }
        }
        List<String> constants = new ArrayList<>();
        Arrays.stream(ErrorCode.values()).forEach(code -> constants.add("ErrorCode." + code.name()));
        Arrays.stream(FieldCode.values()).forEach(code -> constants.add("FieldCode." + code.name()));
        List<String> unused = constants.stream()
                .filter(constant -> !Pattern.compile("\\b" + Pattern.quote(constant) + "\\b").matcher(sources).find())
                .toList();
        assertEquals(List.of(), unused, "codes nothing answers with: remove them (and from docs/openapi.yaml)");
    }

    private static Set<String> enumOf(Object schema, String where) {
        Object values = map(schema, where).get("enum");
        if (!(values instanceof List<?> list)) {
            throw new AssertionError(where + " has no enum");
        }
        return new TreeSet<>(list.stream().map(String::valueOf).toList());
    }

    @Test
    void everyHandlerInTheTemplateExistsAndIsALambdaRequestHandler() throws IOException {
        List<Function> functions = templateFunctions();
        assertFalse(functions.isEmpty(), "template.yaml declares no functions");
        List<String> problems = new ArrayList<>();
        for (Function function : functions) {
            String[] parts = function.handler() == null ? new String[0] : function.handler().split("::", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                problems.add(function.logicalId() + ": Handler is not class::method: " + function.handler());
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(parts[0], false, ApiContractTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                problems.add(function.logicalId() + ": no class " + parts[0]);
                continue;
            }
            if (!RequestHandler.class.isAssignableFrom(type)) {
                problems.add(function.logicalId() + ": " + parts[0] + " does not implement RequestHandler");
            }
            if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
                problems.add(function.logicalId() + ": " + parts[0] + " is not a public concrete class");
            }
            try {
                type.getConstructor();
            } catch (NoSuchMethodException e) {
                problems.add(function.logicalId() + ": " + parts[0] + " has no public no-argument constructor");
            }
            boolean hasMethod = Arrays.stream(type.getMethods()).map(Method::getName).anyMatch(parts[1]::equals);
            if (!hasMethod) {
                problems.add(function.logicalId() + ": " + parts[0] + " has no public method " + parts[1]);
            }
        }
        assertEquals(List.of(), problems, "template.yaml functions whose handler the Lambda runtime could not start");
    }

    @Test
    void templateLoadsDespiteIntrinsicFunctionTags() throws IOException {
        Map<?, ?> template = load(RepoFiles.root().resolve("template.yaml"));
        Map<?, ?> outputs = map(template.get("Outputs"), "Outputs");
        // !Sub keeps its plain string, !Ref and !GetAtt likewise.
        assertTrue(String.valueOf(map(outputs.get("ApiUrl"), "ApiUrl").get("Value")).contains("${HooklineApi}"),
                "!Sub should load as its plain string");
    }

    // ------------------------------------------------------------------ template.yaml

    static Set<Route> templateRoutes() throws IOException {
        Set<Route> routes = new TreeSet<>();
        for (Function function : templateFunctions()) {
            for (Route route : function.routes()) {
                if (!route.path().equals(DEFAULT_ROUTE) && !routes.add(route)) {
                    fail("template.yaml routes " + route + " twice");
                }
            }
        }
        return routes;
    }

    static List<Function> templateFunctions() throws IOException {
        Map<?, ?> template = load(RepoFiles.root().resolve("template.yaml"));
        Map<?, ?> resources = map(template.get("Resources"), "Resources");
        List<Function> functions = new ArrayList<>();
        resources.forEach((logicalId, value) -> {
            Map<?, ?> resource = map(value, "Resources." + logicalId);
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                return;
            }
            Map<?, ?> properties = map(resource.get("Properties"), logicalId + ".Properties");
            // Functions of other modules (their own CodeUri) are checked by that module's tests.
            Object codeUri = properties.get("CodeUri");
            if (codeUri != null && !"functions/registry".equals(codeUri)) {
                return;
            }
            List<Route> routes = new ArrayList<>();
            Object events = properties.get("Events");
            if (events != null) {
                map(events, logicalId + ".Events").forEach((eventId, eventValue) -> {
                    Map<?, ?> event = map(eventValue, logicalId + ".Events." + eventId);
                    if (!"HttpApi".equals(event.get("Type"))) {
                        return;
                    }
                    Map<?, ?> eventProperties = map(event.get("Properties"), logicalId + ".Events." + eventId + ".Properties");
                    Object path = eventProperties.get("Path");
                    Object method = eventProperties.get("Method");
                    if (!(path instanceof String) || !(method instanceof String)) {
                        fail(logicalId + ".Events." + eventId + " needs an explicit Path and Method");
                    }
                    routes.add(new Route(((String) method).toUpperCase(Locale.ROOT), (String) path));
                });
            }
            Object handler = properties.get("Handler");
            functions.add(new Function(String.valueOf(logicalId), handler == null ? null : String.valueOf(handler), routes));
        });
        return functions;
    }

    // ------------------------------------------------------------------ openapi.yaml

    static Map<Route, Map<?, ?>> openApiOperations() throws IOException {
        Path file = RepoFiles.root().resolve("docs/openapi.yaml");
        assertTrue(Files.isRegularFile(file), "missing " + file);
        Map<?, ?> document = load(file);
        assertTrue(String.valueOf(document.get("openapi")).startsWith("3.1"), "docs/openapi.yaml should be OpenAPI 3.1");
        Map<Route, Map<?, ?>> operations = new LinkedHashMap<>();
        map(document.get("paths"), "paths").forEach((path, value) -> {
            map(value, "paths." + path).forEach((key, operation) -> {
                String name = String.valueOf(key);
                if (OPENAPI_METHODS.contains(name)) {
                    operations.put(new Route(name.toUpperCase(Locale.ROOT), String.valueOf(path)),
                            map(operation, "paths." + path + "." + name));
                }
            });
        });
        return operations;
    }

    // ------------------------------------------------------------------ YAML

    static Map<?, ?> load(Path file) {
        return TemplateYaml.load(file);
    }

    private static Map<?, ?> map(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new AssertionError(where + " should be a mapping, is " + value);
    }

    private static <T extends Comparable<T>> Set<T> difference(Set<T> left, Set<T> right) {
        Set<T> result = new TreeSet<>(left);
        result.removeAll(right);
        return result;
    }
}
