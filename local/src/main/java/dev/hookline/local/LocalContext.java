package dev.hookline.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** The {@link Context} of one local invocation; the remaining time counts down from the function's Timeout. */
public final class LocalContext implements Context {

    private final String requestId;
    private final String functionName;
    private final String functionArn;
    private final int memoryLimitMb;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    LocalContext(String requestId, String functionName, String functionArn, int memoryLimitMb, long deadlineNanos,
                 LambdaLogger logger) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.memoryLimitMb = memoryLimitMb;
        this.deadlineNanos = deadlineNanos;
        this.logger = logger;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        return (int) Math.max(0, remaining);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /**
     * Writes to standard output with every line prefixed by the function name, because all functions of the
     * platform share the one stdout (on Lambda each has its own log stream).
     */
    static LambdaLogger stdoutLogger(String functionName) {
        String prefix = "[" + functionName + "] ";
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                StringBuilder out = new StringBuilder();
                message.lines().forEach(line -> out.append(prefix).append(line).append(System.lineSeparator()));
                System.out.print(out);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
