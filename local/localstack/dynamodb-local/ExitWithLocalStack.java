/**
 * The agent LocalStack adds to DynamoDB Local's JVM ({@code -javaagent:ddb-local-loader-0.1.jar}, placed by
 * {@code ./hookline localstack}). LocalStack's own agent lifts the 20-GSI limit, which Hookline's tables never near;
 * this one makes the JVM end with LocalStack, however LocalStack ends: LocalStack starts it in a session of its own,
 * where a crash or {@code kill -9} of LocalStack would leave it running.
 */
public final class ExitWithLocalStack {

    private ExitWithLocalStack() {
    }

    public static void premain(String args) {
        ProcessHandle.current().parent().ifPresent(localStack -> localStack.onExit().thenRun(() -> System.exit(0)));
    }
}
