package dev.hookline.config;

import dev.hookline.security.UrlGuard;
import dev.hookline.storage.WebhookStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The deployment's configuration, read once per container from the environment template.yaml sets.
 * Missing required variables fail the init, naming the variable.
 *
 * @param kekSecretId Secrets Manager secret holding the key-encryption keys (deployed stacks)
 * @param kekFile     local key file used instead when no secret is configured (local runner only)
 * @param versionRetention how long webhook versions are kept (WEBHOOK_VERSION_RETENTION_DAYS)
 */
public record HooklineConfig(
        String webhooksTable,
        String apiKeysTable,
        Optional<String> kekSecretId,
        Optional<Path> kekFile,
        UrlGuard.Policy urlPolicy,
        Duration versionRetention) {

    public HooklineConfig {
        if (versionRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("WEBHOOK_VERSION_RETENTION_DAYS must be at least 1");
        }
    }

    public static HooklineConfig fromEnvironment() {
        Optional<String> secretId = Env.optional("KEK_SECRET_ID");
        Optional<Path> file = Env.optional("KEK_FILE").map(Path::of);
        if (secretId.isEmpty() && file.isEmpty()) {
            throw new IllegalStateException("Missing required environment variable KEK_SECRET_ID (or KEK_FILE for local runs)");
        }
        // Only the local runner sets this; deployed stacks always refuse http and private targets.
        UrlGuard.Policy policy = Env.flag("ALLOW_PRIVATE_WEBHOOK_URLS") ? UrlGuard.Policy.local() : UrlGuard.Policy.deployed();
        return new HooklineConfig(
                Env.optional("WEBHOOKS_TABLE").orElse(""),
                Env.optional("API_KEYS_TABLE").orElse(""),
                secretId,
                file,
                policy,
                Duration.ofDays(Env.integer("WEBHOOK_VERSION_RETENTION_DAYS",
                        (int) WebhookStore.DEFAULT_VERSION_RETENTION.toDays())));
    }

    public String requireWebhooksTable() {
        return require(webhooksTable, "WEBHOOKS_TABLE");
    }

    public String requireApiKeysTable() {
        return require(apiKeysTable, "API_KEYS_TABLE");
    }

    private static String require(String value, String name) {
        if (value.isEmpty()) {
            throw new IllegalStateException("Missing required environment variable " + name);
        }
        return value;
    }
}
