package dev.hookline.local;

/**
 * A failed invocation, as Lambda reports it to the caller: the handler threw, or ran past its Timeout, or its
 * result could not be serialized. The function's log already holds the details.
 */
public final class LambdaInvocationException extends Exception {

    private final String functionName;
    private final boolean timedOut;

    LambdaInvocationException(String functionName, String requestId, String message, Throwable cause,
                              boolean timedOut) {
        super("function " + functionName + ", request " + requestId + ": " + message, cause);
        this.functionName = functionName;
        this.timedOut = timedOut;
    }

    public String functionName() {
        return functionName;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
