package dev.hookline.errors;

import java.util.Locale;

/**
 * Every {@code error.code} the API answers with. Codes are part of the contract: ApiContractTest checks this
 * list against docs/openapi.yaml both ways, so a code cannot reach a client without being documented.
 */
public enum ErrorCode {
    MALFORMED_JSON,
    JSON_LIMIT_EXCEEDED,
    DUPLICATE_KEY,
    TRAILING_CONTENT,
    INVALID_UTF8,
    UNPAIRED_SURROGATE,
    INVALID_BODY,
    INVALID_IDEMPOTENCY_KEY,
    UNAUTHORIZED,
    INSUFFICIENT_SCOPE,
    NOT_FOUND,
    ROUTE_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    CONCURRENT_MODIFICATION,
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY_REUSED,
    DELIVERY_IN_PROGRESS,
    PAYLOAD_NOT_RETAINED,
    PRECONDITION_FAILED,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_FAILED,
    INTERNAL_ERROR;

    /** The code as it appears on the wire: the constant's name in lower case. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
