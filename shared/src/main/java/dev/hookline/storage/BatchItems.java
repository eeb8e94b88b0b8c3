package dev.hookline.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchGetItem and BatchWriteItem on one table, in calls of at most 100 keys / 25 items, with what DynamoDB left
 * unprocessed (throttling) resubmitted after a short backoff. Throws rather than return a partial answer: a key
 * left unread must not look like an item that does not exist.
 */
final class BatchItems {

    static final int MAX_GET_KEYS = 100;
    static final int MAX_WRITE_ITEMS = 25;
    private static final int MAX_ROUNDS = 10;

    private BatchItems() {
    }

    /** The items found for {@code keys} (distinct key maps), in no particular order. */
    static List<Map<String, AttributeValue>> get(DynamoDbClient dynamoDb, String tableName,
            List<Map<String, AttributeValue>> keys, boolean consistentRead) {
        List<Map<String, AttributeValue>> distinct = keys.stream().distinct().toList();
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i += MAX_GET_KEYS) {
            List<Map<String, AttributeValue>> pending = distinct.subList(i, Math.min(distinct.size(), i + MAX_GET_KEYS));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_ROUNDS) {
                    throw new IllegalStateException(pending.size() + " keys stayed unprocessed in " + tableName);
                }
                if (round > 0) {
                    backOff(round);
                }
                List<Map<String, AttributeValue>> request = pending;
                BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(
                        Map.of(tableName, KeysAndAttributes.builder().keys(request).consistentRead(consistentRead).build())));
                found.addAll(response.responses().getOrDefault(tableName, List.of()));
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
                pending = unprocessed == null ? List.of() : unprocessed.keys();
            }
        }
        return found;
    }

    /** Puts every item, unconditionally. */
    static void put(DynamoDbClient dynamoDb, String tableName, List<Map<String, AttributeValue>> items) {
        List<WriteRequest> writes = items.stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                .toList();
        for (int i = 0; i < writes.size(); i += MAX_WRITE_ITEMS) {
            List<WriteRequest> pending = writes.subList(i, Math.min(writes.size(), i + MAX_WRITE_ITEMS));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_ROUNDS) {
                    throw new IllegalStateException(pending.size() + " items stayed unprocessed in " + tableName);
                }
                if (round > 0) {
                    backOff(round);
                }
                List<WriteRequest> request = pending;
                BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(tableName, request)));
                pending = response.unprocessedItems().getOrDefault(tableName, List.of());
            }
        }
    }

    private static void backOff(int round) {
        try {
            Thread.sleep(20L << Math.min(round - 1, 6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while resubmitting unprocessed items", e);
        }
    }
}
