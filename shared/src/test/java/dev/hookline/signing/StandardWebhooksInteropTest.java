package dev.hookline.signing;

import static dev.hookline.signing.StandardWebhooksTest.BODY;
import static dev.hookline.signing.StandardWebhooksTest.MESSAGE_ID;
import static dev.hookline.signing.StandardWebhooksTest.SECRET;
import static dev.hookline.signing.StandardWebhooksTest.SIGNATURE;
import static dev.hookline.signing.StandardWebhooksTest.TIMESTAMP;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Receivers use the official libraries, so what we sign must verify there, and vice versa. */
class StandardWebhooksInteropTest {

    private static final String BODY_TEXT = "{\"event_type\":\"order.paid\",\"data\":{\"customer\":\"Zoë Ødegård\",\"total\":\"12.50 €\"}}";

    @Test
    void producesTheSameSignatureAsTheOfficialLibrary() throws Exception {
        assertEquals(SIGNATURE, new Webhook(SECRET).sign(MESSAGE_ID, TIMESTAMP, new String(BODY, StandardCharsets.UTF_8)));
    }

    @Test
    void officialLibraryVerifiesWhatWeSign() {
        long now = Instant.now().getEpochSecond();
        String secret = SigningSecrets.generate();
        String header = StandardWebhooks.signatureHeader(List.of(secret), MESSAGE_ID, now, utf8(BODY_TEXT));

        assertDoesNotThrow(() -> new Webhook(secret).verify(BODY_TEXT, headers(now, header)));
    }

    @Test
    void officialLibraryVerifiesOurRotationHeaderWithEitherSecret() {
        long now = Instant.now().getEpochSecond();
        String oldSecret = SigningSecrets.generate();
        String newSecret = SigningSecrets.generate();
        String header = StandardWebhooks.signatureHeader(List.of(oldSecret, newSecret), MESSAGE_ID, now, utf8(BODY_TEXT));

        assertDoesNotThrow(() -> new Webhook(oldSecret).verify(BODY_TEXT, headers(now, header)));
        assertDoesNotThrow(() -> new Webhook(newSecret).verify(BODY_TEXT, headers(now, header)));
        assertThrows(WebhookVerificationException.class,
                () -> new Webhook(SigningSecrets.generate()).verify(BODY_TEXT, headers(now, header)));
    }

    @Test
    void officialLibraryVerifiesCustomSecretSignaturesWhenGivenTheRawKeyBytes() {
        long now = Instant.now().getEpochSecond();
        String custom = "tenant-chosen-secret-0123456789abcdef";
        String header = StandardWebhooks.signatureHeader(List.of(custom), MESSAGE_ID, now, utf8(BODY_TEXT));

        assertDoesNotThrow(() -> new Webhook(SigningSecrets.keyBytes(custom)).verify(BODY_TEXT, headers(now, header)));
    }

    @Test
    void weVerifyWhatTheOfficialLibrarySigns() throws Exception {
        String secret = SigningSecrets.generate();
        String signature = new Webhook(secret).sign(MESSAGE_ID, TIMESTAMP, BODY_TEXT);

        assertEquals(StandardWebhooks.Verification.VALID, StandardWebhooks.verify(List.of(secret), MESSAGE_ID,
                String.valueOf(TIMESTAMP), signature, utf8(BODY_TEXT), Instant.ofEpochSecond(TIMESTAMP)));
    }

    private static Map<String, List<String>> headers(long timestamp, String signature) {
        return Map.of(
                StandardWebhooks.WEBHOOK_ID, List.of(MESSAGE_ID),
                StandardWebhooks.WEBHOOK_TIMESTAMP, List.of(String.valueOf(timestamp)),
                StandardWebhooks.WEBHOOK_SIGNATURE, List.of(signature));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
