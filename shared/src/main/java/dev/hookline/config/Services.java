package dev.hookline.config;

import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.ApiKeyStore;
import dev.hookline.delivery.DeliveryAdmin;
import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.delivery.DeliveryService;
import dev.hookline.delivery.HttpSender;
import dev.hookline.delivery.RetryPolicy;
import dev.hookline.delivery.WebhookCache;
import dev.hookline.fanout.CachedSubscriptionIndex;
import dev.hookline.fanout.FanoutConfig;
import dev.hookline.fanout.FanoutService;
import dev.hookline.fanout.IngestReader;
import dev.hookline.queues.SqsBatchSender;
import dev.hookline.rules.EventCatalog;
import dev.hookline.secrets.KeyEncryptionKeySource;
import dev.hookline.secrets.LocalKeyFile;
import dev.hookline.secrets.SecretCipher;
import dev.hookline.secrets.SecretsManagerKeySource;
import dev.hookline.security.UrlGuard;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.storage.DeliveryRateLimiter;
import dev.hookline.storage.EndpointHealthStore;
import dev.hookline.storage.FanoutLedger;
import dev.hookline.storage.WebhookStore;
import dev.hookline.webhooks.WebhookRequests;
import dev.hookline.webhooks.WebhookService;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wires the domain from configuration. Each piece is built on first use and then kept for the container's
 * life, so a function pays only for the clients it needs (the authorizer never builds a Secrets Manager client).
 */
public final class Services {

    private static final Supplier<Services> FROM_ENVIRONMENT =
            memoize(() -> new Services(HooklineConfig.fromEnvironment(), AwsClients.fromEnvironment(), Clock.systemUTC(),
                    UrlGuard.Resolver.system()));

    private final HooklineConfig config;
    private final Clock clock;
    private final UrlGuard urlGuard;
    private final Supplier<DynamoDbClient> dynamoDb;
    private final Supplier<SecretCipher> cipher;
    private final Supplier<WebhookStore> webhookStore;
    private final Supplier<WebhookService> webhookService;
    private final Supplier<ApiKeyService> apiKeyService;
    private final Supplier<SqsClient> sqs;
    private final Supplier<FanoutService> fanout;
    private final Supplier<DeliveryService> delivery;
    private final Supplier<DeliveryAdmin> deliveryAdmin;

    /** @param resolver DNS for the webhook URL check; tests pass a fixed one */
    public Services(HooklineConfig config, AwsClients clients, Clock clock, UrlGuard.Resolver resolver) {
        this.config = config;
        this.clock = clock;
        this.urlGuard = new UrlGuard(config.urlPolicy(), resolver);
        this.dynamoDb = memoize(clients::dynamoDb);
        this.cipher = memoize(() -> new SecretCipher(keySource(config, clients, clock)));
        this.webhookStore = memoize(() -> new WebhookStore(dynamoDb.get(), config.requireWebhooksTable(),
                config.versionRetention()));
        this.webhookService = memoize(() -> new WebhookService(webhookStore.get(),
                new WebhookRequests(EventCatalog.standard(), urlGuard), cipher.get(), clock));
        this.apiKeyService = memoize(() -> new ApiKeyService(new ApiKeyStore(dynamoDb.get(), config.requireApiKeysTable()), clock));
        this.sqs = memoize(clients::sqs);
        this.fanout = memoize(() -> fanout(FanoutConfig.fromEnvironment()));
        this.delivery = memoize(() -> delivery(DeliveryConfig.fromEnvironment(), urlGuard));
        this.deliveryAdmin = memoize(() -> deliveryAdmin(DeliveryConfig.forApi()));
    }

    /** The container-wide instance, configured from the function's environment. */
    public static Services fromEnvironment() {
        return FROM_ENVIRONMENT.get();
    }

    public HooklineConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public UrlGuard urlGuard() {
        return urlGuard;
    }

    public WebhookStore webhookStore() {
        return webhookStore.get();
    }

    public WebhookService webhooks() {
        return webhookService.get();
    }

    public ApiKeyService apiKeys() {
        return apiKeyService.get();
    }

    public SecretCipher cipher() {
        return cipher.get();
    }

    /** The fan-out on the queues the function's environment names. */
    public FanoutService fanout() {
        return fanout.get();
    }

    /** A fan-out on explicit queues (tests, the local runner); each call builds its own sender threads. */
    public FanoutService fanout(FanoutConfig queues) {
        EventCatalog catalog = EventCatalog.standard();
        return new FanoutService(new IngestReader(catalog), catalog, new CachedSubscriptionIndex(webhookStore.get()),
                new FanoutLedger(dynamoDb.get(), config.requireWebhooksTable()),
                new SqsBatchSender(sqs.get(), queues.sendConcurrency()), queues, clock);
    }

    /** The delivery function's service, on the resources its environment names. */
    public DeliveryService delivery() {
        return delivery.get();
    }

    /**
     * A delivery service on explicit resources (tests, the local runner, benchmarks). {@code guard} decides which
     * targets may be reached at send time; each call builds its own HTTP client and cache.
     */
    public DeliveryService delivery(DeliveryConfig deliveryConfig, UrlGuard guard) {
        DeliveryLog log = deliveryLog(deliveryConfig);
        EndpointHealthStore health = endpointHealth(deliveryConfig);
        HttpSender sender = new HttpSender(guard, deliveryConfig.connectTimeout(), deliveryConfig.totalTimeout(),
                deliveryConfig.maxResponseBytes(), clock);
        WebhookCache cache = new WebhookCache(webhookStore.get(), webhookService.get(), health, deliveryConfig.cacheTtl(), clock);
        return new DeliveryService(cache, log, health, new DeliveryRateLimiter(dynamoDb.get(), deliveryConfig.deliveriesTable()),
                sender, new RetryPolicy(deliveryConfig.retrySchedule(), Jitter::fraction),
                sqs.get(), new SqsBatchSender(sqs.get(), 2), deliveryConfig, clock);
    }

    /** The registry API's delivery operations (log, retry, recover, test, re-enable). */
    public DeliveryAdmin deliveryAdmin() {
        return deliveryAdmin.get();
    }

    public DeliveryAdmin deliveryAdmin(DeliveryConfig deliveryConfig) {
        return new DeliveryAdmin(webhookService.get(), deliveryLog(deliveryConfig), endpointHealth(deliveryConfig), sqs,
                deliveryConfig.deliveryQueueUrl(), clock);
    }

    public EndpointHealthStore endpointHealth(DeliveryConfig deliveryConfig) {
        return new EndpointHealthStore(dynamoDb.get(), deliveryConfig.deliveriesTable());
    }

    public DeliveryLog deliveryLog(DeliveryConfig deliveryConfig) {
        return new DeliveryLog(dynamoDb.get(), deliveryConfig.deliveriesTable(), deliveryConfig.logRetention());
    }

    private static KeyEncryptionKeySource keySource(HooklineConfig config, AwsClients clients, Clock clock) {
        if (config.kekSecretId().isPresent()) {
            return new SecretsManagerKeySource(clients.secretsManager(), config.kekSecretId().get(),
                    SecretsManagerKeySource.DEFAULT_TTL, clock);
        }
        return LocalKeyFile.openOrCreate(config.kekFile().orElseThrow());
    }

    static <T> Supplier<T> memoize(Supplier<T> factory) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T result = value;
                if (result == null) {
                    synchronized (this) {
                        result = value;
                        if (result == null) {
                            value = result = factory.get();
                        }
                    }
                }
                return result;
            }
        };
    }
}
