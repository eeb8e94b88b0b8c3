package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    /** Each route's target is its own key, so a match tells which route won. */
    private static RouteTable<String> table(String... routeKeys) {
        Map<String, String> targets = new LinkedHashMap<>();
        for (String key : routeKeys) {
            targets.put(key, key);
        }
        return new RouteTable<>(targets);
    }

    private static String winner(RouteTable<String> table, String method, String path) {
        return table.match(method, path).map(RouteTable.Match::target).orElse("(none)");
    }

    @Test
    void mostSpecificRouteWinsWhateverTheDeclarationOrder() {
        // The examples of API Gateway's routing documentation, declared least specific first.
        RouteTable<String> table = table("$default", "ANY /{proxy+}", "GET /pets/{proxy+}",
                "GET /pets/dog/{id}", "GET /pets/dog/1");
        assertEquals("GET /pets/dog/1", winner(table, "GET", "/pets/dog/1"));
        assertEquals("GET /pets/dog/{id}", winner(table, "GET", "/pets/dog/2"));
        assertEquals("GET /pets/{proxy+}", winner(table, "GET", "/pets/cat/1"));
        assertEquals("ANY /{proxy+}", winner(table, "POST", "/pets/dog/1"));
        assertEquals("$default", winner(table, "GET", "/"));
    }

    @Test
    void methodRouteBeatsAnyOnTheSamePath() {
        RouteTable<String> table = table("ANY /v1/webhooks/{id}", "GET /v1/webhooks/{id}");
        assertEquals("GET /v1/webhooks/{id}", winner(table, "GET", "/v1/webhooks/w1"));
        assertEquals("ANY /v1/webhooks/{id}", winner(table, "DELETE", "/v1/webhooks/w1"));
    }

    @Test
    void literalSegmentBeatsVariableAtTheFirstDifference() {
        RouteTable<String> table = table("GET /v1/{tenant}/events", "GET /v1/webhooks/{id}");
        assertEquals("GET /v1/webhooks/{id}", winner(table, "GET", "/v1/webhooks/events"));
        assertEquals("GET /v1/{tenant}/events", winner(table, "GET", "/v1/acme/events"));
    }

    @Test
    void extractsAndDecodesPathParameters() {
        RouteTable<String> table = table("GET /v1/webhooks/{id}", "ANY /files/{proxy+}");
        RouteTable.Match<String> match = table.match("GET", "/v1/webhooks/wh%201+x").orElseThrow();
        assertEquals(Map.of("id", "wh 1+x"), match.pathParameters());
        assertEquals("GET /v1/webhooks/{id}", match.routeKey());
        assertEquals(Map.of("proxy", "a/b c/d.txt"),
                table.match("PUT", "/files/a/b%20c/d.txt").orElseThrow().pathParameters());
        assertEquals(Map.of("id", "a/b"), table.match("GET", "/v1/webhooks/a%2Fb").orElseThrow().pathParameters(),
                "an encoded slash stays inside one segment");
    }

    @Test
    void unmatchedWithoutDefaultIsEmpty() {
        RouteTable<String> table = table("GET /v1/webhooks/{id}", "GET /files/{proxy+}");
        assertEquals(Optional.empty(), table.match("GET", "/v1/webhooks"));
        assertEquals(Optional.empty(), table.match("GET", "/v1/webhooks/"), "a variable never matches empty");
        assertEquals(Optional.empty(), table.match("GET", "/v1/webhooks/a/b"));
        assertEquals(Optional.empty(), table.match("GET", "/files"), "a greedy variable needs one segment");
        assertEquals(Optional.empty(), table.match("POST", "/v1/webhooks/a"));
        assertEquals(Optional.empty(), table.match("GET", "/V1/webhooks/a"), "paths are case-sensitive");
    }

    @Test
    void defaultRouteHasNoPathParameters() {
        RouteTable.Match<String> match = table("$default").match("PATCH", "/any/thing").orElseThrow();
        assertEquals("$default", match.routeKey());
        assertTrue(match.pathParameters().isEmpty());
    }

    @Test
    void rejectsMalformedRoutes() {
        for (String key : List.of("GET /a/{proxy+}/b", "GET a/b", "GET /a/{b", "/a")) {
            assertThrows(TemplateException.class, () -> table(key), key);
        }
    }

    @Test
    void percentDecodingLeavesPlusAndMalformedEscapes() {
        assertEquals("a+b c", RouteTable.percentDecode("a+b%20c"));
        assertEquals("%zz%4", RouteTable.percentDecode("%zz%4"));
        assertEquals("é", RouteTable.percentDecode("%C3%A9"));
    }
}
