package dev.hookline.local;

import dev.hookline.json.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One function's handler, loaded and invoked the way the Java Lambda runtime does it.
 *
 * <p>The handler class is loaded and instantiated once through its public no-arg constructor. Events arrive as
 * the JSON Lambda would send and are turned into the handler's declared input type with the runtime's own
 * serializers ({@code aws-lambda-java-serialization}), picked as the runtime picks them:
 * {@link LambdaEventSerializers} for the event classes it supports, its {@link JacksonFactory} for everything else
 * (other event classes, POJOs, {@code Map<String, Object>}). Results go back to JSON the same way. So a handler that works here deserializes identically on Lambda
 * (for example {@code SQSEvent} from {@code "Records"}).
 *
 * <p>Unlike Lambda, which runs one invocation per execution environment at a time, concurrent invocations share
 * the single instance here: handlers must not keep per-invocation state in fields.
 *
 * <p>The handler reads its configuration from system properties, which {@link SystemPropertyEnvironment} must
 * set before {@link #load} runs the class's static initializers.
 */
public final class LambdaContainer implements AutoCloseable {

    /** How the function is known and limited on Lambda. */
    public record Config(String functionName, String functionArn, String handlerClass, String handlerMethod,
                         int timeoutSeconds, int memorySizeMb) {
    }

    @FunctionalInterface
    private interface Handler {
        byte[] handle(byte[] event, Context context) throws Throwable;
    }

    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final Config config;
    private final Handler handler;
    private final LambdaLogger logger;
    private final ExecutorService executor;

    private LambdaContainer(Config config, Handler handler) {
        this.config = config;
        this.handler = handler;
        this.logger = LocalContext.stdoutLogger(config.functionName());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "lambda-" + config.functionName() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads and instantiates the handler with {@code classLoader}.
     *
     * @throws IllegalStateException when the class or method is missing or the constructor fails
     */
    public static LambdaContainer load(Config config, ClassLoader classLoader) {
        String where = "function " + config.functionName() + " handler " + config.handlerClass() + "::"
                + config.handlerMethod();
        try {
            Class<?> type = Class.forName(config.handlerClass(), true, classLoader);
            Method method = handlerMethod(type, config.handlerMethod(), where);
            Object instance = Modifier.isStatic(method.getModifiers()) ? null : type.getConstructor().newInstance();
            return new LambdaContainer(config, adapt(instance, method, classLoader, where));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(where + ": class not found on the classpath", e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(where + ": the class has no public no-arg constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(where + ": the constructor threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(where + ": cannot be instantiated: " + e, e);
        }
    }

    public Config config() {
        return config;
    }

    /** Invokes and waits; the outcome is the result JSON or the failure Lambda would report. */
    public String invoke(String eventJson) throws LambdaInvocationException {
        try {
            return invokeAsync(eventJson).join();
        } catch (CompletionException e) {
            throw (LambdaInvocationException) e.getCause();
        }
    }

    /**
     * Starts an invocation; the future completes with the result JSON or with a {@link LambdaInvocationException},
     * at the latest when the function's Timeout expires (the handler thread is then interrupted).
     */
    public CompletableFuture<String> invokeAsync(String eventJson) {
        String requestId = UUID.randomUUID().toString();
        long timeoutNanos = TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        long start = System.nanoTime();
        LocalContext context = new LocalContext(requestId, config.functionName(), config.functionArn(),
                config.memorySizeMb(), start + timeoutNanos, logger);
        byte[] event = eventJson.getBytes(StandardCharsets.UTF_8);

        CompletableFuture<String> result = new CompletableFuture<>();
        Future<?> running = executor.submit(() -> {
            try {
                String output = new String(handler.handle(event, context), StandardCharsets.UTF_8);
                if (result.complete(output)) {
                    report(requestId, start);
                }
            } catch (Throwable failure) {
                Throwable cause = failure instanceof InvocationTargetException ite && ite.getCause() != null
                        ? ite.getCause() : failure;
                if (result.completeExceptionally(new LambdaInvocationException(config.functionName(), requestId,
                        cause.toString(), cause, false))) {
                    logger.log(stackTrace(cause));
                    report(requestId, start);
                }
            }
        });
        CompletableFuture.delayedExecutor(timeoutNanos, TimeUnit.NANOSECONDS).execute(() -> {
            String message = String.format(Locale.ROOT, "Task timed out after %d.00 seconds",
                    config.timeoutSeconds());
            if (result.completeExceptionally(new LambdaInvocationException(config.functionName(), requestId,
                    message, null, true))) {
                logger.log(requestId + " " + message);
                running.cancel(true);
            }
        });
        return result;
    }

    public Duration timeout() {
        return Duration.ofSeconds(config.timeoutSeconds());
    }

    /** Stops the invocation threads; invocations still running are interrupted. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private void report(String requestId, long startNanos) {
        logger.log(String.format(Locale.ROOT, "REPORT RequestId: %s Duration: %.2f ms", requestId,
                (System.nanoTime() - startNanos) / 1e6));
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /**
     * The runtime's choice among same-named public methods: non-bridge first, then the longest signature
     * (a trailing Context counting double); only the signatures Lambda accepts are considered.
     */
    private static Method handlerMethod(Class<?> type, String name, String where) {
        List<Method> candidates = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name))
                .filter(LambdaContainer::isSupportedSignature)
                .sorted(Comparator.comparing(Method::isBridge)
                        .thenComparing(m -> -weight(m.getParameterTypes())))
                .toList();
        if (candidates.isEmpty()) {
            throw new IllegalStateException(where + ": no public method " + name
                    + "(Input[, Context]) or (InputStream, OutputStream[, Context])");
        }
        return candidates.get(0);
    }

    private static boolean isSupportedSignature(Method method) {
        Class<?>[] p = method.getParameterTypes();
        return switch (p.length) {
            case 1 -> !Context.class.equals(p[0]) && !OutputStream.class.equals(p[0]);
            case 2 -> isStream(p) || (!Context.class.equals(p[0]) && Context.class.equals(p[1]));
            case 3 -> isStream(p) && Context.class.equals(p[2]);
            default -> false;
        };
    }

    private static boolean isStream(Class<?>[] p) {
        return InputStream.class.equals(p[0]) && OutputStream.class.equals(p[1]);
    }

    private static int weight(Class<?>[] parameters) {
        return parameters.length + (parameters.length > 0 && Context.class.equals(parameters[parameters.length - 1])
                ? 1 : 0);
    }

    private static Handler adapt(Object instance, Method method, ClassLoader classLoader, String where) {
        Class<?>[] p = method.getParameterTypes();
        boolean withContext = Context.class.equals(p[p.length - 1]);
        if (isStream(p)) {
            return (event, context) -> {
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                InputStream input = new ByteArrayInputStream(event);
                if (withContext) {
                    method.invoke(instance, input, output, context);
                } else {
                    method.invoke(instance, input, output);
                }
                return output.toByteArray();
            };
        }
        Type inputType = method.getGenericParameterTypes()[0];
        Type outputType = method.getGenericReturnType();
        if (inputType instanceof TypeVariable<?> || outputType instanceof TypeVariable<?>) {
            throw new IllegalStateException(where + ": input and output types must be concrete, got "
                    + inputType.getTypeName() + " -> " + outputType.getTypeName());
        }
        PojoSerializer<Object> input = serializer(inputType, classLoader);
        PojoSerializer<Object> output = isVoid(outputType) ? null : serializer(outputType, classLoader);
        return (event, context) -> {
            Object argument = input.fromJson(new ByteArrayInputStream(event));
            Object result = withContext ? method.invoke(instance, argument, context) : method.invoke(instance, argument);
            if (output == null || result == null) {
                return JSON_NULL;
            }
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            output.toJson(result, json);
            return json.toByteArray();
        };
    }

    private static boolean isVoid(Type type) {
        return type == void.class || type == Void.class;
    }

    /**
     * The runtime's serializer choice: Lambda's event serializers (with their mixins) for the event classes they
     * support, otherwise the runtime's Jackson setup.
     */
    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader classLoader) {
        if (type instanceof Class<?> plain && LambdaEventSerializers.isLambdaSupportedEvent(plain.getName())) {
            return LambdaEventSerializers.serializerFor((Class<Object>) plain, classLoader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }
}
