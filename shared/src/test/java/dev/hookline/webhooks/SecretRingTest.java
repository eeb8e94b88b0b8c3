package dev.hookline.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookline.model.SecretRing;
import dev.hookline.secrets.EncryptedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRingTest {

    private static EncryptedSecret secret(int n) {
        return new EncryptedSecret("v1", "sealed-" + n);
    }

    @Test
    void aRotatedSecretSignsForTwentyFourHoursMore() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SecretRing ring = SecretRing.of(secret(1)).rotate(secret(2), now);
        assertEquals(List.of(secret(2), secret(1)), ring.signingAt(now.plus(Duration.ofHours(23))));
        assertEquals(List.of(secret(2)), ring.signingAt(now.plus(Duration.ofHours(24))));
    }

    @Test
    void afterTwoRotationsInTheOverlapThreeSecretsSign() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SecretRing ring = SecretRing.of(secret(1)).rotate(secret(2), now).rotate(secret(3), now.plusSeconds(60));

        assertEquals(List.of(secret(3), secret(2), secret(1)), ring.signingAt(now.plusSeconds(120)));
    }

    @Test
    void keepsAtMostThreeSigningSecretsAndDropsExpiredOnes() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SecretRing ring = SecretRing.of(secret(0));
        for (int i = 1; i <= 15; i++) {
            ring = ring.rotate(secret(i), now.plusSeconds(i));
        }
        assertEquals(SecretRing.MAX_SIGNING_SECRETS - 1, ring.retired().size());
        assertEquals(List.of(secret(15), secret(14), secret(13)), ring.signingAt(now.plusSeconds(16)));
        SecretRing later = ring.rotate(secret(16), now.plus(Duration.ofDays(2)));
        assertEquals(1, later.retired().size());
    }

    @Test
    void aRingStoredUnderTheOldCapOfTenSignsWithThreeSecretsAtMost() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        List<SecretRing.Retired> retired = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            retired.add(new SecretRing.Retired(secret(i), now.plus(Duration.ofHours(20))));
        }
        SecretRing ring = new SecretRing(secret(10), retired);

        assertEquals(List.of(secret(10), secret(9), secret(8)), ring.signingAt(now));
    }
}
