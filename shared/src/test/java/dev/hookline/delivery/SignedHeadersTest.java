package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headers delivery sends, against the published Standard Webhooks / Svix test vector and the official library. */
class SignedHeadersTest {

    private static final String SECRET = "whsec_plJ3nmyCDGBKInavdOK15jsl";
    private static final String ID = "msg_loFOjxBNrRLzqYUf";
    private static final long TIMESTAMP = 1731705121L;
    private static final String BODY = "{\"event_type\":\"ping\",\"data\":{\"success\":true}}";

    @Test
    void matchesThePublishedTestVector() {
        Map<String, String> headers = DeliveryService.signedHeaders(List.of(SECRET), ID, TIMESTAMP,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("webhook-id", ID, "webhook-timestamp", "1731705121",
                "webhook-signature", "v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0="), headers);
    }

    @Test
    void duringRotationCarriesOneSignaturePerSecretAndTheOfficialLibraryAcceptsEach() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        long now = java.time.Instant.now().getEpochSecond();
        Map<String, String> headers = DeliveryService.signedHeaders(List.of(other, SECRET), ID, now,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, headers.get("webhook-signature").split(" ").length);
        Map<String, List<String>> official = Map.of("webhook-id", List.of(ID),
                "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(headers.get("webhook-signature")));
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(SECRET).verify(BODY, official));
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(other).verify(BODY, official));
    }
}
