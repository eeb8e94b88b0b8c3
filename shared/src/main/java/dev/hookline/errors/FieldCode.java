package dev.hookline.errors;

import java.util.Locale;

/**
 * Every {@code error.fields[].code} of a {@code 422 validation_failed}. Like {@link ErrorCode}, checked against
 * docs/openapi.yaml both ways by ApiContractTest.
 */
public enum FieldCode {
    REQUIRED,
    INVALID_TYPE,
    INVALID_VALUE,
    INVALID_CHARACTERS,
    TOO_LONG,
    OUT_OF_RANGE,
    UNKNOWN_FIELD,
    READ_ONLY,
    CONFLICTING_FIELDS,
    UNKNOWN_RESOURCE,
    UNRELATED_RESOURCE,
    UNKNOWN_TRIGGER,
    UNSUPPORTED_EVENT_TYPE,
    INVALID_EVENT_TYPE,
    DUPLICATE,
    INVALID_IDENTIFIER,
    TOO_MANY_ENTRIES,
    INVALID_KEY,
    WEAK_SECRET,
    INVALID_SECRET,
    INVALID_URL,
    SCHEME_NOT_ALLOWED,
    CREDENTIALS_NOT_ALLOWED,
    UNRESOLVABLE_HOST,
    ADDRESS_NOT_ALLOWED,
    INVALID_CURSOR;

    /** The code as it appears on the wire: the constant's name in lower case. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
