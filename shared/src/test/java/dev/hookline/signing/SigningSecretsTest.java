package dev.hookline.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SigningSecretsTest {

    @Test
    void generatesWhsecPrefixedBase64OfThirtyTwoRandomBytes() {
        String secret = SigningSecrets.generate();

        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertEquals(32, SigningSecrets.keyBytes(secret).length);
    }

    @Test
    void generatesADifferentSecretEachTime() {
        assertNotEquals(SigningSecrets.generate(), SigningSecrets.generate());
    }

    @Test
    void considersGeneratedSecretsAcceptableWhenSuppliedByATenant() {
        assertTrue(SigningSecrets.isAcceptableCustomSecret(SigningSecrets.generate()));
    }

    @Test
    void usesTheDecodedPartOfAWhsecSecretAsTheKey() {
        assertArrayEquals(Base64.getDecoder().decode("plJ3nmyCDGBKInavdOK15jsl"),
                SigningSecrets.keyBytes("whsec_plJ3nmyCDGBKInavdOK15jsl"));
    }

    @Test
    void usesTheUtf8BytesOfACustomSecretAsTheKey() {
        String custom = "my-very-own-secret-of-32-chars!!";

        assertArrayEquals(custom.getBytes(StandardCharsets.UTF_8), SigningSecrets.keyBytes(custom));
    }

    @Test
    void givesACustomSecretTheWhsecFormOfTheSameKeyAndLeavesWhsecSecretsAlone() {
        String custom = "optional-custom-secret-min-32-chars-long";
        String standard = SigningSecrets.standardForm(custom);

        assertEquals("whsec_b3B0aW9uYWwtY3VzdG9tLXNlY3JldC1taW4tMzItY2hhcnMtbG9uZw==", standard);
        assertArrayEquals(SigningSecrets.keyBytes(custom), SigningSecrets.keyBytes(standard));
        assertEquals(standard, SigningSecrets.standardForm(standard));
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 100, 256})
    void acceptsCustomSecretsFrom32To256PrintableCharacters(int length) {
        String secret = "x".repeat(length - 1) + "~";

        assertTrue(SigningSecrets.isAcceptableCustomSecret(secret));
        assertEquals(length, SigningSecrets.keyBytes(secret).length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 257})
    void refusesCustomSecretsOfOtherLengths(int length) {
        String secret = "k".repeat(length);

        assertFalse(SigningSecrets.isAcceptableCustomSecret(secret));
        assertThrows(IllegalArgumentException.class, () -> SigningSecrets.keyBytes(secret));
    }

    @ParameterizedTest
    @ValueSource(strings = {"with a space inside it, 32 chars+", "tab\tseparated-secret-of-32-chars", "newline\nsecret-of-32-characters!",
            "non-ascii-é-secret-of-32-chars!!", "nul\u0000-secret-of-32-characters!!!!", "del\u007f-secret-of-32-characters!!!!"})
    void refusesCustomSecretsWithWhitespaceControlOrNonAsciiCharacters(String secret) {
        assertTrue(secret.length() >= 32, secret);
        assertFalse(SigningSecrets.isAcceptableCustomSecret(secret));
    }

    @Test
    void refusesNullAsACustomSecret() {
        assertFalse(SigningSecrets.isAcceptableCustomSecret(null));
    }

    @Test
    void refusesWhsecCustomSecretsThatDoNotDecodeToA24To64ByteKey() {
        String tooShortKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[23]);
        String tooLongKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[65]);
        String notBase64 = "whsec_" + "not*base64*at*all*but*long*enough";

        assertFalse(SigningSecrets.isAcceptableCustomSecret(tooShortKey));
        assertFalse(SigningSecrets.isAcceptableCustomSecret(tooLongKey));
        assertFalse(SigningSecrets.isAcceptableCustomSecret(notBase64));
        assertTrue(SigningSecrets.isAcceptableCustomSecret("whsec_" + Base64.getEncoder().encodeToString(new byte[24])));
        assertTrue(SigningSecrets.isAcceptableCustomSecret("whsec_" + Base64.getEncoder().encodeToString(new byte[64])));
    }

    @Test
    void refusesWhsecSecretsWithoutAValidKeyWithoutQuotingThem() {
        IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class,
                () -> SigningSecrets.keyBytes("whsec_s3cr3t*value"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> SigningSecrets.keyBytes("whsec_"));

        assertFalse(notBase64.getMessage().contains("s3cr3t"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("*"), notBase64.getMessage());
        assertTrue(empty.getMessage().contains("whsec_"));
    }
}
