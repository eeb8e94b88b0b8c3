package dev.hookline.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.security.UrlGuard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Settings that make no sense stop the function at start, with the variable named. */
class HooklineConfigTest {

    @Test
    void aVersionRetentionBelowOneDayIsRefused() {
        String message = assertThrows(IllegalArgumentException.class, () -> new HooklineConfig("webhooks", "keys",
                Optional.empty(), Optional.of(Path.of("keys.json")), UrlGuard.Policy.deployed(), Duration.ofHours(23)))
                .getMessage();
        assertTrue(message.contains("WEBHOOK_VERSION_RETENTION_DAYS"), message);
    }
}
