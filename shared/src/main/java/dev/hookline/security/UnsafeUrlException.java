package dev.hookline.security;

import dev.hookline.errors.FieldCode;

/**
 * A webhook target URL was refused by {@link UrlGuard}.
 *
 * <p>{@link #code()} is a stable, machine-readable reason; {@link #getMessage()} is safe to show to the
 * tenant: it names at most the host, never the path, query, credentials or the addresses the host
 * resolved to (those would turn the API into a probe of our internal DNS).
 */
public final class UnsafeUrlException extends RuntimeException {

    // The guard's refusal reasons; they reach API clients unchanged as the url field's code.
    public static final FieldCode INVALID_URL = FieldCode.INVALID_URL;
    public static final FieldCode SCHEME_NOT_ALLOWED = FieldCode.SCHEME_NOT_ALLOWED;
    public static final FieldCode URL_TOO_LONG = FieldCode.TOO_LONG;
    public static final FieldCode CREDENTIALS_NOT_ALLOWED = FieldCode.CREDENTIALS_NOT_ALLOWED;
    public static final FieldCode UNRESOLVABLE_HOST = FieldCode.UNRESOLVABLE_HOST;
    public static final FieldCode ADDRESS_NOT_ALLOWED = FieldCode.ADDRESS_NOT_ALLOWED;

    private final FieldCode code;

    UnsafeUrlException(FieldCode code, String message) {
        // No cause on purpose: URISyntaxException and friends quote the whole URL, query string included.
        super(message);
        this.code = code;
    }

    public FieldCode code() {
        return code;
    }
}
