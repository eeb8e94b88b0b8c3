package dev.hookline.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What one HTTP attempt produced.
 *
 * @param status      the HTTP status, or 0 when no response arrived
 * @param errorClass  null on 2xx; otherwise a stable short class: {@code http_status}, {@code timeout},
 *                    {@code connect_error}, {@code io_error}, {@code redirect}, {@code ssrf_blocked}, {@code invalid_url}
 * @param retryAfter  the response's Retry-After, parsed (seconds or HTTP date)
 * @param abort       the receiver answered {@code webhook-delivery: abort-message}
 * @param snippet     the start of the response body (at most the configured cap), for the delivery log
 */
public record SendResult(int status, String errorClass, Duration latency, Optional<Duration> retryAfter, boolean abort,
        String snippet) {

    public static final String HTTP_STATUS = "http_status";
    public static final String TIMEOUT = "timeout";
    public static final String CONNECT_ERROR = "connect_error";
    public static final String IO_ERROR = "io_error";
    public static final String REDIRECT = "redirect";
    public static final String SSRF_BLOCKED = "ssrf_blocked";
    public static final String INVALID_URL = "invalid_url";

    public boolean success() {
        return status >= 200 && status < 300;
    }

    public static SendResult failure(String errorClass, Duration latency) {
        return new SendResult(0, errorClass, latency, Optional.empty(), false, "");
    }

    /** "HTTP 503", "timeout", …: what the log, the DLQ and the API show as the reason. */
    public String describe() {
        if (status > 0) {
            return "HTTP " + status + (errorClass != null && !HTTP_STATUS.equals(errorClass) ? " (" + errorClass + ")" : "");
        }
        return errorClass == null ? "ok" : errorClass;
    }
}
