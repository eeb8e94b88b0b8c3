package dev.hookline.signing;

import static dev.hookline.signing.StandardWebhooks.Verification.INVALID_SIGNATURE;
import static dev.hookline.signing.StandardWebhooks.Verification.MALFORMED_HEADERS;
import static dev.hookline.signing.StandardWebhooks.Verification.MISSING_HEADERS;
import static dev.hookline.signing.StandardWebhooks.Verification.TIMESTAMP_TOO_NEW;
import static dev.hookline.signing.StandardWebhooks.Verification.TIMESTAMP_TOO_OLD;
import static dev.hookline.signing.StandardWebhooks.Verification.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hookline.signing.StandardWebhooks.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksTest {

    // Published Standard Webhooks / Svix test vector.
    static final String SECRET = "whsec_plJ3nmyCDGBKInavdOK15jsl";
    static final String MESSAGE_ID = "msg_loFOjxBNrRLzqYUf";
    static final long TIMESTAMP = 1731705121L;
    static final byte[] BODY = "{\"event_type\":\"ping\",\"data\":{\"success\":true}}".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=";

    private static final String OTHER_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant AT_TIMESTAMP = Instant.ofEpochSecond(TIMESTAMP);

    @Test
    void signsThePublishedTestVector() {
        assertEquals(SIGNATURE, StandardWebhooks.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY));
    }

    @Test
    void verifiesThePublishedTestVector() {
        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @Test
    void usesTheHeaderNamesOfTheSpecification() {
        assertEquals("webhook-id", StandardWebhooks.WEBHOOK_ID);
        assertEquals("webhook-timestamp", StandardWebhooks.WEBHOOK_TIMESTAMP);
        assertEquals("webhook-signature", StandardWebhooks.WEBHOOK_SIGNATURE);
    }

    @Test
    void signsTheExactBodyBytesEvenWhenTheyAreNotValidUtf8() {
        byte[] body = {'{', (byte) 0xff, (byte) 0xc3, '}'};
        String signature = StandardWebhooks.sign(SECRET, MESSAGE_ID, TIMESTAMP, body);

        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), signature, body, AT_TIMESTAMP));
        byte[] reencoded = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        assertEquals(INVALID_SIGNATURE,
                verify(List.of(SECRET), String.valueOf(TIMESTAMP), signature, reencoded, AT_TIMESTAMP));
    }

    @Test
    void signsWithEverySecretDuringRotationSoEitherOneVerifies() {
        String header = StandardWebhooks.signatureHeader(List.of(SECRET, OTHER_SECRET), MESSAGE_ID, TIMESTAMP, BODY);

        assertEquals(SIGNATURE + " " + StandardWebhooks.sign(OTHER_SECRET, MESSAGE_ID, TIMESTAMP, BODY), header);
        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
        assertEquals(VALID, verify(List.of(OTHER_SECRET), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
        assertEquals(INVALID_SIGNATURE,
                verify(List.of(SigningSecrets.generate()), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
    }

    @Test
    void verifiesAgainstAnyOfSeveralCandidateSecrets() {
        assertEquals(VALID, verify(List.of(OTHER_SECRET, SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @Test
    void refusesToBuildASignatureHeaderWithoutSecrets() {
        assertThrows(IllegalArgumentException.class,
                () -> StandardWebhooks.signatureHeader(List.of(), MESSAGE_ID, TIMESTAMP, BODY));
    }

    @Test
    void rejectsATamperedBody() {
        byte[] tampered = "{\"event_type\":\"ping\",\"data\":{\"success\":false}}".getBytes(StandardCharsets.UTF_8);

        assertEquals(INVALID_SIGNATURE, verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, tampered, AT_TIMESTAMP));
    }

    @Test
    void rejectsATamperedMessageIdOrTimestamp() {
        assertEquals(INVALID_SIGNATURE, StandardWebhooks.verify(List.of(SECRET), "msg_other", String.valueOf(TIMESTAMP),
                SIGNATURE, BODY, AT_TIMESTAMP));
        assertEquals(INVALID_SIGNATURE, verify(List.of(SECRET), String.valueOf(TIMESTAMP + 1), SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @Test
    void rejectsASignatureMadeWithAnotherSecret() {
        assertEquals(INVALID_SIGNATURE, verify(List.of(OTHER_SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @Test
    void acceptsTimestampsUpToFiveMinutesOldOrAhead() {
        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP.plusSeconds(300)));
        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP.minusSeconds(300)));
    }

    @Test
    void rejectsTimestampsMoreThanFiveMinutesOld() {
        assertEquals(TIMESTAMP_TOO_OLD,
                verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP.plusSeconds(301)));
    }

    @Test
    void rejectsTimestampsMoreThanFiveMinutesAhead() {
        assertEquals(TIMESTAMP_TOO_NEW,
                verify(List.of(SECRET), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP.minusSeconds(301)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t"})
    void reportsMissingHeadersWhenAnyOfTheThreeIsAbsentOrBlank(String absent) {
        String ts = String.valueOf(TIMESTAMP);
        assertEquals(MISSING_HEADERS, StandardWebhooks.verify(List.of(SECRET), absent, ts, SIGNATURE, BODY, AT_TIMESTAMP));
        assertEquals(MISSING_HEADERS, verify(List.of(SECRET), absent, SIGNATURE, BODY, AT_TIMESTAMP));
        assertEquals(MISSING_HEADERS, verify(List.of(SECRET), ts, absent, BODY, AT_TIMESTAMP));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1731705121", "+1731705121", "1731705121.0", " 1731705121", "1731705121000000000000",
            "0x6737a7a1", "１７３１７０５１２１"})
    void reportsMalformedTimestamps(String timestamp) {
        assertEquals(MALFORMED_HEADERS, verify(List.of(SECRET), timestamp, SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "v1", "v1,", ",rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=", ", ,", "rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0="})
    void reportsSignatureHeadersWithoutAnyVersionedSignatureAsMalformed(String header) {
        assertEquals(MALFORMED_HEADERS, verify(List.of(SECRET), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
    }

    @Test
    void ignoresUnknownVersionsAndStraySpacesAroundSignatures() {
        String header = "  v1a,c2lnbmVkLXdpdGgtZWQyNTUxOQ== garbage  v2,whatever " + SIGNATURE + " ";

        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
    }

    @Test
    void acceptsTheRightSignatureOnlyUnderTheV1Version() {
        String header = "v2," + SIGNATURE.substring(3);

        assertEquals(INVALID_SIGNATURE, verify(List.of(SECRET), String.valueOf(TIMESTAMP), header, BODY, AT_TIMESTAMP));
    }

    @Test
    void treatsAV1SignatureThatIsNotBase64AsNotMatching() {
        assertEquals(INVALID_SIGNATURE, verify(List.of(SECRET), String.valueOf(TIMESTAMP), "v1,***", BODY, AT_TIMESTAMP));
        assertEquals(VALID, verify(List.of(SECRET), String.valueOf(TIMESTAMP), "v1,*** " + SIGNATURE, BODY, AT_TIMESTAMP));
    }

    @Test
    void signsAndVerifiesWithACustomSecretUsedAsRawUtf8() {
        String custom = "tenant-chosen-secret-0123456789abcdef";
        String signature = StandardWebhooks.sign(custom, MESSAGE_ID, TIMESTAMP, BODY);

        assertEquals(VALID, verify(List.of(custom), String.valueOf(TIMESTAMP), signature, BODY, AT_TIMESTAMP));
        assertEquals(INVALID_SIGNATURE, verify(List.of(SECRET), String.valueOf(TIMESTAMP), signature, BODY, AT_TIMESTAMP));
    }

    @Test
    void refusesToSignWithAWeakCustomSecret() {
        assertThrows(IllegalArgumentException.class,
                () -> StandardWebhooks.sign("short-secret", MESSAGE_ID, TIMESTAMP, BODY));
    }

    @Test
    void refusesToVerifyWithoutCandidateSecrets() {
        assertThrows(IllegalArgumentException.class,
                () -> verify(List.of(), String.valueOf(TIMESTAMP), SIGNATURE, BODY, AT_TIMESTAMP));
    }

    private static Verification verify(List<String> secrets, String timestamp, String signature, byte[] body,
            Instant now) {
        return StandardWebhooks.verify(secrets, MESSAGE_ID, timestamp, signature, body, now);
    }
}
