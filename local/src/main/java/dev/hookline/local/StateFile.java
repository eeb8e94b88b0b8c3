package dev.hookline.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.PrivateFiles;
import dev.hookline.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code ./hookline local} tells scripts: the API URL, the dev key and tenant, and the local AWS endpoints
 * and resource names. Written atomically and owner-readable (it holds an API key).
 */
final class StateFile {

    private StateFile() {
    }

    static void write(Path file, ObjectNode state) {
        try {
            PrivateFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Json.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        }
    }
}
