package dev.hookline.storage;

/** A conditional write lost against a concurrent writer: the caller re-reads or reports a conflict. */
public final class ConcurrentModificationException extends RuntimeException {

    public ConcurrentModificationException(String message) {
        super(message, null, false, false);
    }
}
