package dev.hookline.secrets;

/**
 * A signing secret sealed with AES-256-GCM. {@code sealed} is base64 of IV || ciphertext || tag;
 * {@code keyVersion} names the key-encryption key, so that key can be rotated without rewriting every record.
 */
public record EncryptedSecret(String keyVersion, String sealed) {
}
