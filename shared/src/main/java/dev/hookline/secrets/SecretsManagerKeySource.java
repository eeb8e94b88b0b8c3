package dev.hookline.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the key-encryption keys from Secrets Manager once per container and keeps them for a TTL, so a
 * warm function makes no Secrets Manager call per request while a key rotation still reaches it.
 */
public final class SecretsManagerKeySource implements KeyEncryptionKeySource {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private final SecretsManagerClient client;
    private final String secretId;
    private final Duration ttl;
    private final Clock clock;
    private KeyEncryptionKeys cached;
    private Instant loadedAt = Instant.MIN;

    public SecretsManagerKeySource(SecretsManagerClient client, String secretId, Duration ttl, Clock clock) {
        this.client = client;
        this.secretId = secretId;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public synchronized KeyEncryptionKeys keys() {
        if (cached == null || clock.instant().isAfter(loadedAt.plus(ttl))) {
            return refresh();
        }
        return cached;
    }

    @Override
    public synchronized KeyEncryptionKeys refresh() {
        String secret = client.getSecretValue(request -> request.secretId(secretId)).secretString();
        cached = KeyEncryptionKeys.parse(secret);
        loadedAt = clock.instant();
        return cached;
    }
}
