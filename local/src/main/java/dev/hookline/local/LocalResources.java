package dev.hookline.local;

import dev.hookline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates the template's DynamoDB tables and SQS queues in the local engines and answers what CloudFormation
 * would: table {@code Ref} = table name ({@code Arn}, {@code StreamArn}); queue {@code Ref} = queue URL
 * ({@code Arn}, {@code QueueName}, {@code QueueUrl}).
 *
 * <p>Names are the template's TableName/QueueName when set, else {@code <stack>-<LogicalId>} ({@code .fifo}
 * appended for FIFO queues). Tables are always PAY_PER_REQUEST. A table or queue that already exists with the same
 * name is reused (a queue gets the template's attributes), so a runner can restart against engines that kept their
 * data.
 */
public final class LocalResources {

    private static final System.Logger LOG = System.getLogger(LocalResources.class.getName());

    /**
     * CloudFormation queue properties that map one-to-one onto SQS attributes and matter locally (encryption and
     * throughput settings do not). FifoQueue is handled apart: SQS refuses it on a standard queue, even as false.
     */
    private static final List<String> QUEUE_ATTRIBUTES = List.of("DelaySeconds", "MaximumMessageSize",
            "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout");

    private final Map<String, ResolvedResource> lookup;

    private LocalResources(Map<String, ResolvedResource> lookup) {
        this.lookup = lookup;
    }

    /**
     * @param intrinsics resolves names and attributes; queues created here are added as they appear, so a
     *                   RedrivePolicy can name a dead-letter queue of the same template
     * @param dynamoDb   may be null when the template has no table
     * @param sqs        may be null when the template has no queue
     */
    public static LocalResources create(SamTemplate template, Intrinsics intrinsics, DynamoDbClient dynamoDb,
                                        SqsClient sqs) {
        Map<String, ResolvedResource> created = new LinkedHashMap<>();
        if (!template.tables().isEmpty() && dynamoDb == null) {
            throw new IllegalArgumentException("the template declares tables but no DynamoDB endpoint was given");
        }
        if (!template.queues().isEmpty() && sqs == null) {
            throw new IllegalArgumentException("the template declares queues but no SQS endpoint was given");
        }
        for (SamTemplate.Table table : template.tables()) {
            created.put(table.logicalId(), createTable(table, intrinsics, dynamoDb));
        }
        for (SamTemplate.Queue queue : template.queues()) {
            created.put(queue.logicalId(), createQueue(queue, intrinsics.withResources(created), sqs));
        }
        return new LocalResources(Collections.unmodifiableMap(created));
    }

    /** Every created table and queue by logical id. */
    public Map<String, ResolvedResource> lookup() {
        return lookup;
    }

    private static ResolvedResource createTable(SamTemplate.Table table, Intrinsics intrinsics,
                                                DynamoDbClient dynamoDb) {
        String name = name(table.logicalId(), table.tableName(), "TableName", intrinsics);
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema(table.keySchema()))
                .attributeDefinitions(table.attributeDefinitions().stream()
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(a.attributeName()).attributeType(a.attributeType()).build())
                        .toList());
        if (!table.globalSecondaryIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                    .map(i -> GlobalSecondaryIndex.builder().indexName(i.name()).keySchema(keySchema(i.keySchema()))
                            .projection(projection(i)).build())
                    .toList());
        }
        if (!table.localSecondaryIndexes().isEmpty()) {
            request.localSecondaryIndexes(table.localSecondaryIndexes().stream()
                    .map(i -> LocalSecondaryIndex.builder().indexName(i.name()).keySchema(keySchema(i.keySchema()))
                            .projection(projection(i)).build())
                    .toList());
        }
        if (table.streamViewType() != null) {
            request.streamSpecification(s -> s.streamEnabled(true).streamViewType(table.streamViewType()));
        }
        TableDescription description;
        try {
            description = dynamoDb.createTable(request.build()).tableDescription();
            LOG.log(Level.INFO, "created table {0} for {1}", name, table.logicalId());
        } catch (ResourceInUseException exists) {
            description = dynamoDb.describeTable(r -> r.tableName(name)).table();
            LOG.log(Level.INFO, "reusing existing table {0} for {1}", name, table.logicalId());
        }
        if (table.timeToLiveAttribute() != null && !timeToLiveEnabled(dynamoDb, name)) {
            dynamoDb.updateTimeToLive(r -> r.tableName(name)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName(table.timeToLiveAttribute())));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Arn", description.tableArn());
        if (description.latestStreamArn() != null) {
            attributes.put("StreamArn", description.latestStreamArn());
        }
        return new ResolvedResource(name, attributes);
    }

    private static boolean timeToLiveEnabled(DynamoDbClient dynamoDb, String tableName) {
        TimeToLiveStatus status = dynamoDb.describeTimeToLive(r -> r.tableName(tableName))
                .timeToLiveDescription().timeToLiveStatus();
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }

    private static List<KeySchemaElement> keySchema(List<SamTemplate.KeyElement> elements) {
        return elements.stream()
                .map(k -> KeySchemaElement.builder().attributeName(k.attributeName()).keyType(k.keyType()).build())
                .toList();
    }

    private static Projection projection(SamTemplate.Index index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }

    private static ResolvedResource createQueue(SamTemplate.Queue queue, Intrinsics intrinsics, SqsClient sqs) {
        String where = "queue " + queue.logicalId();
        String name = name(queue.logicalId(), queue.properties().get("QueueName"), "QueueName", intrinsics);
        if (queue.fifo() && !name.endsWith(".fifo")) {
            name = name + ".fifo";
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        try {
            if (queue.fifo()) {
                attributes.put("FifoQueue", "true");
                Object deduplication = queue.properties().get("ContentBasedDeduplication");
                if (deduplication != null && Values.bool(intrinsics.resolveString(deduplication), false,
                        where + " ContentBasedDeduplication")) {
                    attributes.put("ContentBasedDeduplication", "true");
                }
            }
            for (String property : QUEUE_ATTRIBUTES) {
                Object value = queue.properties().get(property);
                if (value != null) {
                    intrinsics.resolveOptionalString(value).ifPresent(v -> attributes.put(property, v));
                }
            }
            Object redrive = queue.properties().get("RedrivePolicy");
            if (redrive != null) {
                attributes.put(QueueAttributeName.REDRIVE_POLICY.toString(),
                        redrivePolicy(intrinsics.resolveTree(redrive), where));
            }
        } catch (TemplateException e) {
            throw new TemplateException(where + ": " + e.getMessage(), e);
        }
        String queueName = name;
        String url;
        try {
            url = sqs.createQueue(r -> r.queueName(queueName).attributesWithStrings(attributes)).queueUrl();
            LOG.log(Level.INFO, "created queue {0} for {1}", url, queue.logicalId());
        } catch (QueueNameExistsException exists) {
            // Kept by the engine from an earlier run with other settings (--persist, changed --parameters): the
            // template's settings win, and the messages stay.
            url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
            String existing = url;
            Map<String, String> settable = new LinkedHashMap<>(attributes);
            settable.remove("FifoQueue");
            sqs.setQueueAttributes(r -> r.queueUrl(existing).attributesWithStrings(settable));
            LOG.log(Level.INFO, "reusing existing queue {0} for {1}, its attributes updated", url, queue.logicalId());
        }
        String queueUrl = url;
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new ResolvedResource(queueUrl, Map.of("Arn", arn, "QueueName", queueName, "QueueUrl", queueUrl));
    }

    /** CloudFormation takes the policy as an object or as JSON text; SQS wants JSON text. */
    private static String redrivePolicy(Object resolved, String where) {
        JsonNode policy;
        if (resolved instanceof String text) {
            try {
                policy = Json.parse(text);
            } catch (Json.MalformedJsonException e) {
                throw new TemplateException(where + ": RedrivePolicy is not valid JSON: " + text);
            }
        } else {
            policy = Json.MAPPER.valueToTree(Values.map(resolved, where + " RedrivePolicy"));
        }
        JsonNode target = policy.get("deadLetterTargetArn");
        JsonNode count = policy.get("maxReceiveCount");
        if (target == null || !target.isTextual() || count == null) {
            throw new TemplateException(where + ": RedrivePolicy needs deadLetterTargetArn and maxReceiveCount");
        }
        ObjectNode out = Json.object();
        out.put("deadLetterTargetArn", target.asText());
        out.put("maxReceiveCount", Values.integer(count.asText(), 0, where + " RedrivePolicy.maxReceiveCount"));
        return Json.write(out);
    }

    private static String name(String logicalId, Object templateName, String property, Intrinsics intrinsics) {
        if (templateName == null) {
            return intrinsics.stackName() + "-" + logicalId;
        }
        try {
            return intrinsics.resolveString(templateName);
        } catch (TemplateException e) {
            throw new TemplateException(logicalId + " " + property + ": " + e.getMessage(), e);
        }
    }
}
