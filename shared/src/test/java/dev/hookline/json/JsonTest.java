package dev.hookline.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.hookline.errors.ErrorCode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    /** 2 KB of arrays one level deeper than the parser takes: the audit's 500. */
    static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static ErrorCode refusal(String text) {
        return assertThrows(Json.MalformedJsonException.class, () -> Json.parse(text)).code();
    }

    private static ErrorCode refusal(byte[] bytes) {
        return assertThrows(Json.MalformedJsonException.class, () -> Json.parse(bytes)).code();
    }

    @Test
    void readsNestingUpToTheLimit() {
        assertTrue(Json.parse(nestedArrays(Json.MAX_NESTING_DEPTH)).isArray());
    }

    @Test
    void refusesNestingBeyondTheLimitWithACodeInsteadOfCrashing() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class,
                () -> Json.parse(nestedArrays(Json.MAX_NESTING_DEPTH + 1)));

        assertEquals(ErrorCode.JSON_LIMIT_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        assertFalse(e.getMessage().contains("StreamReadConstraints"), e.getMessage());
    }

    @Test
    void refusesNumbersLongerThanTheParserTakes() {
        assertEquals(ErrorCode.JSON_LIMIT_EXCEEDED, refusal("{\"n\": " + "9".repeat(1001) + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"url\": \"https://a.example/\", \"url\": \"https://b.example/\"}",
            "{\"a\": {\"x\": 1, \"x\": 1}}", "[{\"k\": 1, \"k\": 2}]"})
    void refusesDuplicateKeysAtAnyDepth(String text) {
        assertEquals(ErrorCode.DUPLICATE_KEY, refusal(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{\"a\": 1}x", "{\"a\": 1}]", "{} // comment", "[1] [2]", "{}\u0000"})
    void refusesTextAfterTheValue(String text) {
        assertEquals(ErrorCode.TRAILING_CONTENT, refusal(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}\n", "  {\"a\": 1}\r\n\t "})
    void acceptsWhitespaceAroundTheValue(String text) {
        assertTrue(Json.parse(text).isObject());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\": \"\\ud800\"}", "{\"name\": \"x\\udc00y\"}", "{\"\\ud83d\": 1}",
            "[\"ok\", [\"\\udfff\"]]", "{\"name\": \"\\udc00\\ud800\"}"})
    void refusesUnpairedSurrogateEscapesInValuesAndKeys(String text) {
        assertEquals(ErrorCode.UNPAIRED_SURROGATE, refusal(text));
    }

    @Test
    void acceptsPairedSurrogateEscapes() {
        assertEquals("\uD83D\uDE00", Json.parse("{\"emoji\": \"\\ud83d\\ude00\"}").get("emoji").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "lone continuation byte, 7b22613a2280227d",
            "truncated sequence, 7b2261223a22e282227d",
            "overlong slash (C0 AF), 7b2261223a22c0af227d",
            "overlong NUL (E0 80 80), 7b2261223a22e08080227d",
            "encoded surrogate (ED A0 80), 7b2261223a22eda080227d",
            "beyond U+10FFFF (F4 90 80 80), 7b2261223a22f4908080227d",
            "Latin-1 e-acute, 7b2261223a22e9227d"})
    void refusesBytesThatAreNotUtf8(String description, String hex) {
        assertEquals(ErrorCode.INVALID_UTF8, refusal(HexFormat.of().parseHex(hex)));
    }

    @Test
    void readsUtf8Bytes() {
        assertEquals("Zoë €", Json.parse("{\"a\": \"Zoë €\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{\"name\": ", "{'a': 1}", "{\"a\": 01}", "nul"})
    void refusesWhatIsNotJsonAsMalformed(String text) {
        assertEquals(ErrorCode.MALFORMED_JSON, refusal(text));
    }

    @Test
    void writesNoDeeperThanItReads() {
        ArrayNode deepest = Json.array();
        ArrayNode root = deepest;
        for (int level = 1; level < Json.MAX_NESTING_DEPTH; level++) {
            deepest = deepest.addArray();
        }
        assertEquals(nestedArrays(Json.MAX_NESTING_DEPTH), Json.write(root));

        deepest.addArray();
        assertThrows(UncheckedIOException.class, () -> Json.write(root));
    }
}
