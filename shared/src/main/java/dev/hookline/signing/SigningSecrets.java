package dev.hookline.signing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/** Endpoint signing secrets in the Standard Webhooks format ({@code whsec_} + base64 key) or custom ones. */
public final class SigningSecrets {

    public static final String PREFIX = "whsec_";
    public static final int MIN_CUSTOM_LENGTH = 32;
    public static final int MAX_CUSTOM_LENGTH = 256;

    private static final int GENERATED_KEY_BYTES = 32;
    // The spec's range for whsec_ keys; enforced only on secrets tenants bring, generated ones are 32 bytes.
    private static final int MIN_CUSTOM_KEY_BYTES = 24;
    private static final int MAX_CUSTOM_KEY_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecrets() {
    }

    /** A fresh secret: {@code whsec_} + base64 of 32 random bytes. */
    public static String generate() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * The secret in the form the official Standard Webhooks libraries take: a {@code whsec_} secret as it is, a
     * custom one as {@code whsec_} + base64 of its UTF-8 bytes. Both forms are the same HMAC key, so what a
     * create or rotate returns in this form verifies as returned, and signatures do not change.
     */
    public static String standardForm(String secret) {
        return secret.startsWith(PREFIX) ? secret
                : PREFIX + Base64.getEncoder().encodeToString(keyBytes(secret));
    }

    /**
     * The HMAC key: the decoded part of a {@code whsec_} secret, otherwise the UTF-8 bytes of an acceptable
     * custom secret (stored as such before custom secrets were kept in {@link #standardForm}). Throws IllegalArgumentException (never quoting the secret) for anything else, so a
     * misconfigured endpoint fails loudly instead of signing with a weak key.
     */
    public static byte[] keyBytes(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.startsWith(PREFIX)) {
            byte[] key = decode(secret);
            if (key == null || key.length == 0) {
                throw new IllegalArgumentException("Signing secret has the whsec_ prefix but no valid base64 key");
            }
            return key;
        }
        if (!isAcceptableCustomSecret(secret)) {
            throw new IllegalArgumentException("Custom signing secret must be " + MIN_CUSTOM_LENGTH + " to "
                    + MAX_CUSTOM_LENGTH + " printable ASCII characters without whitespace");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a tenant-supplied secret may be stored: 32..256 printable ASCII characters, no whitespace.
     * One that starts with {@code whsec_} is read as base64 by {@link #keyBytes}, so it must also decode
     * to a 24..64 byte key.
     */
    public static boolean isAcceptableCustomSecret(String secret) {
        if (secret == null || secret.length() < MIN_CUSTOM_LENGTH || secret.length() > MAX_CUSTOM_LENGTH) {
            return false;
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return false;
        }
        if (!secret.startsWith(PREFIX)) {
            return true;
        }
        byte[] key = decode(secret);
        return key != null && key.length >= MIN_CUSTOM_KEY_BYTES && key.length <= MAX_CUSTOM_KEY_BYTES;
    }

    /** The base64 part of a whsec_ secret, or null if it is not valid base64. */
    private static byte[] decode(String prefixedSecret) {
        try {
            return Base64.getDecoder().decode(prefixedSecret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null; // the decoder's message quotes a character of the secret
        }
    }
}
