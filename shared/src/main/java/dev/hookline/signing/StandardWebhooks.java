package dev.hookline.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signatures: {@code v1,base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))}.
 */
public final class StandardWebhooks {

    public static final String WEBHOOK_ID = "webhook-id";
    public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";

    /** How far the timestamp may be from the verifier's clock, either way (the reference libraries' value). */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    // Unsigned decimal seconds only: Long.parseLong would also take "+123" and "-5".
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");

    /** Outcome of {@link #verify}; only VALID means the request is authentic. */
    public enum Verification {
        VALID,
        INVALID_SIGNATURE,
        TIMESTAMP_TOO_OLD,
        TIMESTAMP_TOO_NEW,
        MISSING_HEADERS,
        MALFORMED_HEADERS
    }

    private StandardWebhooks() {
    }

    /** The {@code v1,...} signature of the exact body bytes (never re-encode the body after signing). */
    public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        return VERSION + "," + Base64.getEncoder().encodeToString(
                hmac(SigningSecrets.keyBytes(secret), messageId, timestampSeconds, body));
    }

    /** One signature per secret, space separated, so receivers on the old or the new secret both verify during rotation. */
    public static String signatureHeader(List<String> secrets, String messageId, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one signing secret is required");
        }
        List<String> signatures = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            signatures.add(sign(secret, messageId, timestampSeconds, body));
        }
        return String.join(" ", signatures);
    }

    /**
     * Verifies a received request against any of the candidate secrets. Signatures with versions other
     * than v1 are ignored; the header is malformed only if it holds no {@code version,signature} pair.
     */
    public static Verification verify(List<String> candidateSecrets, String messageId, String timestampHeader,
            String signatureHeader, byte[] body, Instant now) {
        if (candidateSecrets.isEmpty()) {
            throw new IllegalArgumentException("At least one candidate secret is required");
        }
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(now, "now");
        if (isBlank(messageId) || isBlank(timestampHeader) || isBlank(signatureHeader)) {
            return Verification.MISSING_HEADERS;
        }
        if (!TIMESTAMP.matcher(timestampHeader).matches()) {
            return Verification.MALFORMED_HEADERS;
        }
        List<byte[]> v1Signatures = new ArrayList<>();
        boolean anyWellFormed = false;
        for (String entry : signatureHeader.split(" ")) {
            int comma = entry.indexOf(',');
            if (comma <= 0 || comma == entry.length() - 1) {
                continue;
            }
            anyWellFormed = true;
            if (entry.substring(0, comma).equals(VERSION)) {
                byte[] decoded = decodeOrNull(entry.substring(comma + 1));
                if (decoded != null) {
                    v1Signatures.add(decoded);
                }
            }
        }
        if (!anyWellFormed) {
            return Verification.MALFORMED_HEADERS;
        }
        long timestamp = Long.parseLong(timestampHeader);
        long nowSeconds = now.getEpochSecond();
        if (timestamp < nowSeconds - TOLERANCE.toSeconds()) {
            return Verification.TIMESTAMP_TOO_OLD;
        }
        if (timestamp > nowSeconds + TOLERANCE.toSeconds()) {
            return Verification.TIMESTAMP_TOO_NEW;
        }
        for (String secret : candidateSecrets) {
            byte[] expected = hmac(SigningSecrets.keyBytes(secret), messageId, timestamp, body);
            for (byte[] received : v1Signatures) {
                if (MessageDigest.isEqual(expected, received)) { // constant time: no timing oracle on the MAC
                    return Verification.VALID;
                }
            }
        }
        return Verification.INVALID_SIGNATURE;
    }

    private static byte[] hmac(byte[] key, String messageId, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(body, "body");
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
        }
    }

    private static byte[] decodeOrNull(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null; // cannot match; other signatures in the header still may
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
