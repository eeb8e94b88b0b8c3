package dev.hookline.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Reads events/*.json and writes responses exactly as the Lambda Java runtime does. */
public final class LambdaEvents {

    private LambdaEvents() {
    }

    public static <T> T load(String file, Class<T> type) {
        try (InputStream in = Files.newInputStream(RepoFiles.resolve("events/" + file))) {
            return serializer(type).fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T fromJson(String json, Class<T> type) {
        return serializer(type).fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    public static <T> String toJson(T value, Class<T> type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer(type).toJson(value, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Invokes a handler and round-trips its result through the runtime's serializer: the caller sees what
     * API Gateway or the event source mapping would receive.
     */
    public static <I, O> O invoke(RequestHandler<I, O> handler, I event, Class<O> outputType) {
        return fromJson(toJson(handler.handleRequest(event, null), outputType), outputType);
    }

    private static <T> PojoSerializer<T> serializer(Class<T> type) {
        return LambdaEventSerializers.serializerFor(type, LambdaEvents.class.getClassLoader());
    }
}
