package dev.hookline.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.errors.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * One shared mapper. Hookline reads and writes JSON through the tree model with hand-written mappers
 * instead of bean binding: no reflection on domain types, which keeps cold starts short.
 *
 * <p>Untrusted JSON is read as I-JSON (RFC 7493): UTF-8 only, no duplicate member names, no unpaired
 * surrogates, and exactly one value. Anything else is a {@link MalformedJsonException} naming the problem:
 * a lenient reader would let two readers of the same bytes see different documents.
 */
public final class Json {

    /** Deepest nesting read or written (Jackson's default, stated here because errors quote it). */
    public static final int MAX_NESTING_DEPTH = 1000;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses untrusted bytes, which must be UTF-8 (overlong forms and encoded surrogates are not). */
    public static JsonNode parse(byte[] utf8) {
        try {
            return parse(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException(ErrorCode.INVALID_UTF8, "The body is not valid UTF-8.");
        }
    }

    /** Parses untrusted text; a {@link MalformedJsonException} carries no parser internals and no content. */
    public static JsonNode parse(String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode node = readValue(parser);
            requireEnd(parser);
            requirePairedSurrogates(node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only closing could get here, and closing a String reader does no I/O
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(java.io.InputStream in) {
        try {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readValue(JsonParser parser) {
        JsonNode node;
        try {
            node = MAPPER.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw new MalformedJsonException(ErrorCode.JSON_LIMIT_EXCEEDED, "The JSON nests deeper than "
                    + MAX_NESTING_DEPTH + " levels, or holds a number, string or key beyond the parser's length limits.");
        } catch (MismatchedInputException e) {
            // With FAIL_ON_READING_DUP_TREE_KEY this is the only mismatch reading a tree can report.
            throw new MalformedJsonException(ErrorCode.DUPLICATE_KEY,
                    "A JSON object has the same key twice" + at(e.getLocation()) + ".");
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(ErrorCode.MALFORMED_JSON, "Body is not valid JSON" + at(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw new MalformedJsonException(ErrorCode.MALFORMED_JSON, "Body is empty");
        }
        return node;
    }

    /** Whitespace may follow the value; anything else is a second document or garbage. */
    private static void requireEnd(JsonParser parser) {
        boolean more;
        try {
            more = parser.nextToken() != null;
        } catch (IOException e) {
            more = true;
        }
        if (more) {
            throw new MalformedJsonException(ErrorCode.TRAILING_CONTENT,
                    "Text follows the JSON value" + at(parser.currentTokenLocation()) + ".");
        }
    }

    /** A lone {@code \ud800} escape parses, but no UTF-8 encoder can write it back (Java writes '?'). */
    private static void requirePairedSurrogates(JsonNode root) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isTextual() && hasUnpairedSurrogate(node.textValue())) {
                throw unpairedSurrogate();
            }
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (hasUnpairedSurrogate(member.getKey())) {
                    throw unpairedSurrogate();
                }
                pending.push(member.getValue());
            }
            if (node.isArray()) {
                node.forEach(pending::push);
            }
        }
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static MalformedJsonException unpairedSurrogate() {
        return new MalformedJsonException(ErrorCode.UNPAIRED_SURROGATE,
                "A string holds an unpaired UTF-16 surrogate (\\ud800-\\udfff escape), which is not a character.");
    }

    private static String at(JsonLocation location) {
        // Stream-constraint errors, among others, carry no location.
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Why untrusted JSON was refused: {@link #code()} for machines, the message for people. */
    public static final class MalformedJsonException extends RuntimeException {

        private final ErrorCode code;

        private MalformedJsonException(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }
}
