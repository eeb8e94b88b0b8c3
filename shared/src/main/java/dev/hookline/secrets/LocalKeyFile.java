package dev.hookline.secrets;

import dev.hookline.config.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Key-encryption keys kept in a local file, in the same JSON shape as the Secrets Manager secret. Only for
 * the local runner when no Secrets Manager endpoint is configured; the file is created owner-readable.
 */
public final class LocalKeyFile implements KeyEncryptionKeySource {

    private final Path file;
    private KeyEncryptionKeys keys;

    private LocalKeyFile(Path file) {
        this.file = file;
        this.keys = refresh();
    }

    /** Opens the file, creating it with a fresh random key first if it does not exist. */
    public static LocalKeyFile openOrCreate(Path file) {
        if (!Files.exists(file)) {
            create(file);
        }
        return new LocalKeyFile(file);
    }

    /** The JSON a new key-encryption secret holds, also used to seed a Secrets Manager emulator. */
    public static String newSecretJson() {
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        return "{\"current\":\"v1\",\"v1\":\"" + HexFormat.of().formatHex(material) + "\"}";
    }

    public Path path() {
        return file;
    }

    @Override
    public synchronized KeyEncryptionKeys keys() {
        return keys;
    }

    @Override
    public synchronized KeyEncryptionKeys refresh() {
        try {
            keys = KeyEncryptionKeys.parse(Files.readString(file, StandardCharsets.UTF_8));
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void create(Path file) {
        PrivateFiles.write(file, newSecretJson());
    }
}
