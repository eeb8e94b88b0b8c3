package dev.hookline.fanout;

import dev.hookline.errors.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ingest message that can never be fanned out as it is: it goes to the parking queue with {@link #reason()}
 * (a machine-readable code) and {@link #detail()} (which fields, and why). Neither quotes the message's content.
 */
public final class InvalidMessageException extends RuntimeException {

    private final String reason;

    InvalidMessageException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** The first error's code is the reason; every error is listed in the detail. */
    static InvalidMessageException of(List<FieldError> errors) {
        return new InvalidMessageException(errors.get(0).code(), errors.stream()
                .map(error -> error.field() + ": " + error.message())
                .collect(Collectors.joining("; ")));
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
