package dev.hookline.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals signing secrets with AES-256-GCM under the current key-encryption key. The associated data binds a
 * ciphertext to its record (tenant and webhook), so a sealed secret copied onto another webhook fails to open.
 */
public final class SecretCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KeyEncryptionKeySource keySource;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(KeyEncryptionKeySource keySource) {
        this.keySource = keySource;
    }

    public EncryptedSecret seal(String plaintext, String boundTo) {
        KeyEncryptionKeys.Kek kek = keySource.keys().current();
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = ByteBuffer.allocate(iv.length + ciphertext.length).put(iv).put(ciphertext).array();
            return new EncryptedSecret(kek.version(), Base64.getEncoder().encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not seal secret", e);
        }
    }

    public String open(EncryptedSecret secret, String boundTo) {
        KeyEncryptionKeys keys = keySource.keys();
        if (!keys.has(secret.keyVersion())) {
            keys = keySource.refresh();
        }
        SecretKey key = keys.version(secret.keyVersion());
        byte[] sealed = Base64.getDecoder().decode(secret.sealed());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] plaintext = cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Deliberately no detail: the cause may describe key material.
            throw new IllegalStateException("Could not open sealed secret (wrong key or record)");
        }
    }
}
