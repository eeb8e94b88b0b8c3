package dev.hookline.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.ErrorCode;
import dev.hookline.errors.FieldCode;
import dev.hookline.errors.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads fields of a JSON request body, collecting every problem instead of stopping at the first, so a
 * 422 lists all offending fields at once.
 */
final class FieldReader {

    private final JsonNode body;
    private final List<FieldError> errors = new ArrayList<>();

    FieldReader(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(ErrorCode.INVALID_BODY, "The request body must be a JSON object.");
        }
        this.body = body;
    }

    boolean has(String field) {
        return body.has(field);
    }

    boolean isNull(String field) {
        return body.has(field) && body.get(field).isNull();
    }

    JsonNode node(String field) {
        return body.get(field);
    }

    void rejectUnknown(Set<String> known, Set<String> readOnly) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (readOnly.contains(name)) {
                error(name, FieldCode.READ_ONLY, "This field cannot be set here.");
            } else if (!known.contains(name)) {
                error(name, FieldCode.UNKNOWN_FIELD, "Unknown field.");
            }
        }
    }

    /** @return the trimmed string, or null when absent or invalid (the error is recorded) */
    String string(String field, boolean required, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                error(field, FieldCode.REQUIRED, "This field is required.");
            }
            return null;
        }
        if (!value.isTextual()) {
            error(field, FieldCode.INVALID_TYPE, "Expected a string.");
            return null;
        }
        if (hasControlCharacters(value.asText())) {
            controlCharacters(field);
            return null;
        }
        String text = value.asText().strip();
        if (required && text.isEmpty()) {
            error(field, FieldCode.REQUIRED, "This field must not be empty.");
            return null;
        }
        if (text.length() > maxLength) {
            error(field, FieldCode.TOO_LONG, "At most " + maxLength + " characters.");
            return null;
        }
        return text;
    }

    Boolean bool(String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            error(field, FieldCode.INVALID_TYPE, "Expected true or false.");
            return null;
        }
        return value.asBoolean();
    }

    Integer integer(String field, int min, int max) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            error(field, FieldCode.INVALID_TYPE, "Expected an integer.");
            return null;
        }
        int number = value.asInt();
        if (number < min || number > max) {
            error(field, FieldCode.OUT_OF_RANGE, "Must be between " + min + " and " + max + ".");
            return null;
        }
        return number;
    }

    /** C0 and C1 controls (NUL, tab, newline, ESC, DEL, ...): invisible, and unsafe in logs, headers and UIs. */
    static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL);
    }

    void controlCharacters(String field) {
        error(field, FieldCode.INVALID_CHARACTERS, "Control characters (U+0000-U+001F, U+007F-U+009F) are not allowed.");
    }

    void error(String field, FieldCode code, String message) {
        errors.add(new FieldError(field, code.code(), message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }
}
