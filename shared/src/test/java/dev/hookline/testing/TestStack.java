package dev.hookline.testing;

import dev.hookline.auth.ApiKeyService;
import dev.hookline.auth.Principal;
import dev.hookline.auth.Scope;
import dev.hookline.config.AwsClients;
import dev.hookline.config.HooklineConfig;
import dev.hookline.config.Services;
import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.engines.Engines;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.storage.WebhookStore;
import dev.hookline.fanout.FanoutConfig;
import dev.hookline.secrets.LocalKeyFile;
import dev.hookline.security.UrlGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A Hookline deployment on the real embedded engines: DynamoDB Local tables and a key-encryption secret in
 * moto's Secrets Manager, fresh per instance (unique names), on engines shared by the whole test JVM.
 */
public final class TestStack {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** Public hosts resolve to a documentation-free public address; {@code *.internal.test} to a private one. */
    public static final UrlGuard.Resolver RESOLVER = host -> {
        if (host.endsWith(".internal.test")) {
            return List.of(InetAddress.getByAddress(host, new byte[] {10, 0, 0, 5}));
        }
        if (host.endsWith(".test") || host.equals("example.com") || host.endsWith(".example.com")) {
            return List.of(InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34}));
        }
        throw new UnknownHostException(host);
    };

    private final Engines engines;
    private final AwsClients clients;
    private final Services services;
    private final String webhooksTable;
    private final String apiKeysTable;
    private final String secretId;
    private SqsClient sqs;

    private TestStack(Clock clock) {
        this(clock, UrlGuard.Policy.deployed());
    }

    private TestStack(Clock clock, UrlGuard.Policy urlPolicy) {
        this.engines = Engines.shared();
        this.clients = AwsClients.of(Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                Map.of("DYNAMODB", engines.dynamoDb().endpoint(), "SQS", engines.sqs().endpoint(),
                        "SECRETS_MANAGER", engines.moto().orElseThrow().endpoint()),
                null);
        int n = SEQUENCE.incrementAndGet();
        String suffix = n + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.webhooksTable = "webhooks-" + suffix;
        this.apiKeysTable = "api-keys-" + suffix;
        DynamoDbClient dynamoDb = clients.dynamoDb();
        createTable(dynamoDb, webhooksTable, "pk", "sk");
        createTable(dynamoDb, apiKeysTable, "key_hash", null);
        this.secretId = "hookline-kek-" + suffix;
        clients.secretsManager().createSecret(request -> request.name(secretId).secretString(LocalKeyFile.newSecretJson()));
        HooklineConfig config = new HooklineConfig(webhooksTable, apiKeysTable, Optional.of(secretId), Optional.empty(),
                urlPolicy, WebhookStore.DEFAULT_VERSION_RETENTION);
        this.services = new Services(config, clients, clock, RESOLVER);
    }

    public static TestStack create() {
        return new TestStack(Clock.systemUTC());
    }

    public static TestStack create(Clock clock) {
        return new TestStack(clock);
    }

    /** A stack whose registry accepts http and loopback URLs, for webhooks that target a local receiver. */
    public static TestStack createLocal() {
        return new TestStack(Clock.systemUTC(), UrlGuard.Policy.local());
    }

    public Services services() {
        return services;
    }

    public AwsClients clients() {
        return clients;
    }

    public Engines engines() {
        return engines;
    }

    public String webhooksTable() {
        return webhooksTable;
    }

    public String apiKeysTable() {
        return apiKeysTable;
    }

    public String secretId() {
        return secretId;
    }

    public static Principal admin(String companyId) {
        return new Principal(companyId, "key-" + companyId, Set.of(Scope.ADMIN));
    }

    public static Principal reader(String companyId) {
        return new Principal(companyId, "key-" + companyId, Set.of(Scope.READ));
    }

    public ApiKeyService.MintedKey mintKey(String companyId, Scope... scopes) {
        return services.apiKeys().mint(companyId, Set.of(scopes), "test key");
    }

    public Map<String, URI> endpoints() {
        return Map.of("DYNAMODB", engines.dynamoDb().endpoint(), "SQS", engines.sqs().endpoint(),
                "SECRETS_MANAGER", engines.moto().orElseThrow().endpoint());
    }

    /** Fresh ingest, delivery and parking queues on ElasticMQ, for a fan-out built with {@link FanoutQueues#config()}. */
    public FanoutQueues createFanoutQueues() {
        String suffix = SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new FanoutQueues(createQueue("ingest-" + suffix), createQueue("delivery-" + suffix),
                createQueue("parking-" + suffix));
    }

    public record FanoutQueues(String ingest, String delivery, String parking) {
        public FanoutConfig config() {
            return FanoutConfig.of(ingest, delivery, parking);
        }
    }

    /** A fresh deliveries table (with its by_time and parked indexes), delivery queue and delivery DLQ. */
    public DeliveryResources createDeliveryResources() {
        String suffix = SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String table = "deliveries-" + suffix;
        createDeliveriesTable(clients.dynamoDb(), table);
        return new DeliveryResources(table, createQueue("delivery-" + suffix), createQueue("delivery-dlq-" + suffix),
                createQueue("delivery-slow-" + suffix));
    }

    /** A deliveries table and the delivery queues; {@link #config()} leaves the slow lane off unless a test asks. */
    public record DeliveryResources(String table, String queue, String deadLetterQueue, String slowLane) {
        public DeliveryConfig config() {
            return DeliveryConfig.of(queue, deadLetterQueue, table);
        }
    }

    /** The DeliveriesTable of template.yaml: pk/sk plus the sparse KEYS_ONLY parked index. */
    public static void createDeliveriesTable(DynamoDbClient dynamoDb, String name) {
        dynamoDb.createTable(request -> request.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("parked_pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("parked_sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                .globalSecondaryIndexes(index(DeliveryLog.PARKED_INDEX, "parked_pk", "parked_sk")));
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                .build();
    }

    public SqsClient sqsClient() {
        return sqs();
    }

    public String createQueue(String name) {
        return sqs().createQueue(request -> request.queueName(name)).queueUrl();
    }

    /** Receives and deletes every message now visible on the queue, with its attributes. */
    public List<Message> drain(String queueUrl) {
        List<Message> drained = new ArrayList<>();
        while (true) {
            List<Message> received = sqs().receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (received.isEmpty()) {
                return drained;
            }
            sqs().deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(received.stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                    .toList()));
            drained.addAll(received);
        }
    }

    private synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = clients.sqs();
        }
        return sqs;
    }

    private static void createTable(DynamoDbClient dynamoDb, String name, String hashKey, String rangeKey) {
        var builder = software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (rangeKey == null) {
            builder.attributeDefinitions(AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build());
        } else {
            builder.attributeDefinitions(
                            AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(rangeKey).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build());
        }
        dynamoDb.createTable(builder.build());
    }
}
