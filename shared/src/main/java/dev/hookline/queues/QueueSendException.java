package dev.hookline.queues;

/** Messages that SQS did not accept after retries. Carries SQS error codes only, never message bodies. */
public final class QueueSendException extends RuntimeException {

    public QueueSendException(String message) {
        super(message, null, false, false);
    }
}
