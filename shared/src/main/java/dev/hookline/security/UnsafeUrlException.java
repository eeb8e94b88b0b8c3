package dev.hookline.security;

/**
 * A webhook target URL was refused by {@link UrlGuard}.
 *
 * <p>{@link #code()} is a stable, machine-readable reason; {@link #getMessage()} is safe to show to the
 * tenant: it names at most the host, never the path, query, credentials or the addresses the host
 * resolved to (those would turn the API into a probe of our internal DNS).
 */
public final class UnsafeUrlException extends RuntimeException {

    public static final String INVALID_URL = "invalid_url";
    public static final String SCHEME_NOT_ALLOWED = "scheme_not_allowed";
    public static final String URL_TOO_LONG = "url_too_long";
    public static final String CREDENTIALS_NOT_ALLOWED = "credentials_not_allowed";
    public static final String UNRESOLVABLE_HOST = "unresolvable_host";
    public static final String ADDRESS_NOT_ALLOWED = "address_not_allowed";

    private final String code;

    UnsafeUrlException(String code, String message) {
        // No cause on purpose: URISyntaxException and friends quote the whole URL, query string included.
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
