package dev.hookline.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The versioned key-encryption keys, parsed from the secret's JSON: {@code {"current": "v2", "v1": "…", "v2": "…"}}.
 * New secrets are sealed under {@code current}; older versions stay readable until re-encrypted. Each version's
 * material is a long random string (CloudFormation's GenerateSecretString); SHA-256 turns it into an AES-256 key.
 */
public final class KeyEncryptionKeys {

    public record Kek(String version, SecretKey key) {
    }

    private final String currentVersion;
    private final Map<String, SecretKey> keys;

    private KeyEncryptionKeys(String currentVersion, Map<String, SecretKey> keys) {
        this.currentVersion = currentVersion;
        this.keys = Map.copyOf(keys);
    }

    public static KeyEncryptionKeys parse(String secretJson) {
        JsonNode document;
        try {
            document = Json.parse(secretJson);
        } catch (Json.MalformedJsonException e) {
            throw new IllegalStateException("Key-encryption secret is not JSON");
        }
        String current = document.path("current").asText("");
        Map<String, SecretKey> keys = new HashMap<>();
        document.properties().forEach(entry -> {
            if (!entry.getKey().equals("current") && entry.getValue().isTextual()) {
                String material = entry.getValue().asText();
                if (material.length() < 32) {
                    throw new IllegalStateException("Key-encryption key " + entry.getKey() + " is shorter than 32 characters");
                }
                keys.put(entry.getKey(), derive(material));
            }
        });
        if (!keys.containsKey(current)) {
            throw new IllegalStateException("Key-encryption secret has no key for its current version '" + current + "'");
        }
        return new KeyEncryptionKeys(current, keys);
    }

    public Kek current() {
        return new Kek(currentVersion, keys.get(currentVersion));
    }

    public boolean has(String version) {
        return keys.containsKey(version);
    }

    public SecretKey version(String version) {
        SecretKey key = keys.get(version);
        if (key == null) {
            throw new IllegalStateException("Unknown key-encryption key version " + version);
        }
        return key;
    }

    private static SecretKey derive(String material) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(digest, "AES");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
