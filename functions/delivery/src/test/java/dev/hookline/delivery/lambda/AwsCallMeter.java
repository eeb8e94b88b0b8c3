package dev.hookline.delivery.lambda;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Counts SDK calls per {@code Service.Operation} and what AWS would bill for them: the DynamoDB capacity units
 * each call consumed per table and per index (every call is made with ReturnConsumedCapacity=INDEXES), and SQS
 * requests in 64 KB chunks of payload. A ReceiveMessage that returned nothing is counted apart, as
 * {@code Sqs.ReceiveMessage (empty)}: idle polling, which costs per hour rather than per delivery.
 */
final class AwsCallMeter implements ExecutionInterceptor {

    /** SQS bills each 64 KB chunk of a request's payload (message bodies and attributes) as one request. */
    static final int SQS_BILLING_CHUNK_BYTES = 64 * 1024;
    static final String EMPTY_RECEIVE = "Sqs.ReceiveMessage (empty)";

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    /** Keyed by table name, or {@code table/index} for a global secondary index. */
    private final Map<String, DoubleAdder> writeUnits = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> readUnits = new ConcurrentHashMap<>();
    private final LongAdder sqsBilledRequests = new LongAdder();
    private final LongAdder sqsPayloadBytes = new LongAdder();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        ReturnConsumedCapacity indexes = ReturnConsumedCapacity.INDEXES;
        return switch (request) {
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactGetItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            default -> request;
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = service + "." + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkResponse response = context.response();
        if (response instanceof ReceiveMessageResponse received && received.messages().isEmpty()) {
            operation = EMPTY_RECEIVE;
        }
        calls.computeIfAbsent(operation, key -> new LongAdder()).increment();
        if ("Sqs".equals(service)) {
            long payload = sqsPayloadBytes(context.request(), response);
            sqsPayloadBytes.add(payload);
            if (!operation.equals(EMPTY_RECEIVE)) {
                sqsBilledRequests.add(Math.max(1, (payload + SQS_BILLING_CHUNK_BYTES - 1) / SQS_BILLING_CHUNK_BYTES));
            }
        }
        switch (response) {
            case UpdateItemResponse r -> consumed(r.consumedCapacity(), writeUnits);
            case PutItemResponse r -> consumed(r.consumedCapacity(), writeUnits);
            case DeleteItemResponse r -> consumed(r.consumedCapacity(), writeUnits);
            case BatchWriteItemResponse r -> r.consumedCapacity().forEach(c -> consumed(c, writeUnits));
            case TransactWriteItemsResponse r -> r.consumedCapacity().forEach(c -> consumed(c, writeUnits));
            case GetItemResponse r -> consumed(r.consumedCapacity(), readUnits);
            case QueryResponse r -> consumed(r.consumedCapacity(), readUnits);
            case BatchGetItemResponse r -> r.consumedCapacity().forEach(c -> consumed(c, readUnits));
            case TransactGetItemsResponse r -> r.consumedCapacity().forEach(c -> consumed(c, readUnits));
            default -> {
            }
        }
    }

    /** Splits a call's capacity into its table and indexes when DynamoDB says how; else all on the table. */
    private static void consumed(ConsumedCapacity capacity, Map<String, DoubleAdder> units) {
        if (capacity == null || capacity.capacityUnits() == null) {
            return;
        }
        String table = capacity.tableName();
        double itemised = 0;
        if (capacity.table() != null && capacity.table().capacityUnits() != null) {
            add(units, table, capacity.table().capacityUnits());
            itemised += capacity.table().capacityUnits();
        }
        for (Map.Entry<String, Capacity> index : capacity.globalSecondaryIndexes().entrySet()) {
            add(units, table + "/" + index.getKey(), index.getValue().capacityUnits());
            itemised += index.getValue().capacityUnits();
        }
        for (Map.Entry<String, Capacity> index : capacity.localSecondaryIndexes().entrySet()) {
            add(units, table + "/" + index.getKey(), index.getValue().capacityUnits());
            itemised += index.getValue().capacityUnits();
        }
        if (capacity.capacityUnits() - itemised > 1e-9) {
            add(units, table, capacity.capacityUnits() - itemised);
        }
    }

    private static void add(Map<String, DoubleAdder> units, String key, Double value) {
        if (value != null) {
            units.computeIfAbsent(key, k -> new DoubleAdder()).add(value);
        }
    }

    /** The message data a request carries or a receive returns, which is what SQS bills in 64 KB chunks. */
    private static long sqsPayloadBytes(SdkRequest request, SdkResponse response) {
        return switch (request) {
            case SendMessageRequest r -> messageBytes(r.messageBody(), r.messageAttributes());
            case SendMessageBatchRequest r -> r.entries().stream()
                    .mapToLong(e -> messageBytes(e.messageBody(), e.messageAttributes())).sum();
            default -> response instanceof ReceiveMessageResponse received ? receivedBytes(received.messages()) : 0;
        };
    }

    private static long receivedBytes(List<Message> messages) {
        return messages.stream().mapToLong(m -> messageBytes(m.body(), m.messageAttributes())).sum();
    }

    private static long messageBytes(String body, Map<String, MessageAttributeValue> attributes) {
        long bytes = utf8(body);
        for (Map.Entry<String, MessageAttributeValue> attribute : attributes.entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            bytes += utf8(attribute.getKey()) + utf8(value.dataType()) + utf8(value.stringValue())
                    + (value.binaryValue() == null ? 0 : value.binaryValue().asByteArray().length);
        }
        return bytes;
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    void reset() {
        calls.clear();
        writeUnits.clear();
        readUnits.clear();
        sqsBilledRequests.reset();
        sqsPayloadBytes.reset();
    }

    /** Calls by {@code Service.Operation}, sorted. */
    Map<String, Long> calls() {
        Map<String, Long> snapshot = new TreeMap<>();
        calls.forEach((key, count) -> snapshot.put(key, count.sum()));
        return snapshot;
    }

    /** Write request units by table, or {@code table/index}. */
    Map<String, Double> writeUnits() {
        return snapshot(writeUnits);
    }

    /** Read request units by table, or {@code table/index}. */
    Map<String, Double> readUnits() {
        return snapshot(readUnits);
    }

    /** SQS requests as billed: each call's payload in 64 KB chunks, at least one; empty receives left out. */
    long sqsBilledRequests() {
        return sqsBilledRequests.sum();
    }

    long sqsPayloadBytes() {
        return sqsPayloadBytes.sum();
    }

    private static Map<String, Double> snapshot(Map<String, DoubleAdder> units) {
        Map<String, Double> snapshot = new TreeMap<>();
        units.forEach((key, sum) -> snapshot.put(key, sum.sum()));
        return snapshot;
    }
}
