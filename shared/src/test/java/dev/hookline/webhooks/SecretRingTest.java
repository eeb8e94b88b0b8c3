package dev.hookline.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hookline.model.SecretRing;
import dev.hookline.secrets.EncryptedSecret;
import java.time.Duration;
import java.time.Instant;
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
    void keepsAtMostTenRetiredSecretsAndDropsExpiredOnes() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        SecretRing ring = SecretRing.of(secret(0));
        for (int i = 1; i <= 15; i++) {
            ring = ring.rotate(secret(i), now.plusSeconds(i));
        }
        assertEquals(SecretRing.MAX_RETIRED, ring.retired().size());
        assertEquals(secret(14), ring.retired().get(0).secret());
        SecretRing later = ring.rotate(secret(16), now.plus(Duration.ofDays(2)));
        assertEquals(1, later.retired().size());
    }
}
