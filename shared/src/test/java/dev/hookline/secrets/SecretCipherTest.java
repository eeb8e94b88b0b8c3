package dev.hookline.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    private static final String V1 = "0123456789abcdef0123456789abcdef-first-key-material";
    private static final String V2 = "fedcba9876543210fedcba9876543210-second-key-material";

    /** A key source whose secret JSON a test can change, like a rotated Secrets Manager secret. */
    private static final class MutableSource implements KeyEncryptionKeySource {
        String json;
        int refreshes;

        MutableSource(String json) {
            this.json = json;
        }

        KeyEncryptionKeys cached;

        @Override
        public KeyEncryptionKeys keys() {
            return cached == null ? refresh() : cached;
        }

        @Override
        public KeyEncryptionKeys refresh() {
            refreshes++;
            cached = KeyEncryptionKeys.parse(json);
            return cached;
        }
    }

    @Test
    void sealedSecretsOpenOnlyForTheRecordTheyAreBoundTo() {
        SecretCipher cipher = new SecretCipher(new MutableSource("{\"current\":\"v1\",\"v1\":\"" + V1 + "\"}"));
        EncryptedSecret sealed = cipher.seal("whsec_c2VjcmV0", "tenant-a/webhook-1");
        assertEquals("v1", sealed.keyVersion());
        assertFalse(sealed.sealed().contains("whsec_"));
        assertEquals("whsec_c2VjcmV0", cipher.open(sealed, "tenant-a/webhook-1"));
        assertThrows(IllegalStateException.class, () -> cipher.open(sealed, "tenant-b/webhook-1"));
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        SecretCipher cipher = new SecretCipher(new MutableSource("{\"current\":\"v1\",\"v1\":\"" + V1 + "\"}"));
        assertNotEquals(cipher.seal("same", "ctx").sealed(), cipher.seal("same", "ctx").sealed());
    }

    @Test
    void afterAKeyRotationOldSecretsStillOpenAndNewOnesUseTheNewVersion() {
        MutableSource source = new MutableSource("{\"current\":\"v1\",\"v1\":\"" + V1 + "\"}");
        SecretCipher cipher = new SecretCipher(source);
        EncryptedSecret old = cipher.seal("old", "ctx");
        source.json = "{\"current\":\"v2\",\"v1\":\"" + V1 + "\",\"v2\":\"" + V2 + "\"}";
        source.refresh();
        EncryptedSecret fresh = cipher.seal("new", "ctx");
        assertEquals("v2", fresh.keyVersion());
        assertEquals("old", cipher.open(old, "ctx"));
        assertEquals("new", cipher.open(fresh, "ctx"));
    }

    @Test
    void aRecordSealedUnderAVersionTheCacheLacksTriggersOneRefresh() {
        MutableSource source = new MutableSource("{\"current\":\"v2\",\"v1\":\"" + V1 + "\",\"v2\":\"" + V2 + "\"}");
        EncryptedSecret sealedUnderV2 = new SecretCipher(source).seal("x", "ctx");
        MutableSource stale = new MutableSource("{\"current\":\"v1\",\"v1\":\"" + V1 + "\"}");
        SecretCipher staleCipher = new SecretCipher(stale);
        staleCipher.seal("warm the cache", "ctx");
        stale.json = source.json;
        assertEquals("x", staleCipher.open(sealedUnderV2, "ctx"));
        assertEquals(2, stale.refreshes);
    }

    @Test
    void refusesASecretWithoutKeyForItsCurrentVersion() {
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKeys.parse("{\"current\":\"v3\",\"v1\":\"" + V1 + "\"}"));
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKeys.parse("{\"current\":\"v1\",\"v1\":\"short\"}"));
        assertThrows(IllegalStateException.class, () -> KeyEncryptionKeys.parse("not json"));
    }

    @Test
    void theLocalKeyFileIsCreatedOwnerReadableAndReusedAcrossRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/kek.json");
        LocalKeyFile first = LocalKeyFile.openOrCreate(file);
        EncryptedSecret sealed = new SecretCipher(first).seal("persisted", "ctx");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        LocalKeyFile second = LocalKeyFile.openOrCreate(file);
        assertEquals("persisted", new SecretCipher(second).open(sealed, "ctx"));
        assertTrue(Files.readString(file).contains("\"current\":\"v1\""));
    }
}
