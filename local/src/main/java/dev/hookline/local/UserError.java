package dev.hookline.local;

/**
 * Something the user can fix (a missing file, no local stack running, a port in use), told in one line without a
 * stack trace. Bugs stay ordinary exceptions, with their trace.
 */
final class UserError extends RuntimeException {

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
