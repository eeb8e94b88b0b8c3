package dev.hookline.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** API keys by hash, in their own table so the authorizer can read keys and nothing else. */
public final class ApiKeyStore {

    public record StoredKey(String keyHash, String keyId, String companyId, Set<Scope> scopes, String description,
            Instant createdAt, Instant revokedAt) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public ApiKeyStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    public void put(StoredKey key) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("key_hash", AttributeValue.fromS(key.keyHash()));
        item.put("key_id", AttributeValue.fromS(key.keyId()));
        item.put("company_id", AttributeValue.fromS(key.companyId()));
        item.put("scopes", AttributeValue.fromSs(key.scopes().stream().map(Scope::wireName).toList()));
        if (key.description() != null) {
            item.put("description", AttributeValue.fromS(key.description()));
        }
        item.put("created_at", AttributeValue.fromS(key.createdAt().toString()));
        dynamoDb.putItem(request -> request.tableName(tableName).item(item).conditionExpression("attribute_not_exists(key_hash)"));
    }

    public Optional<StoredKey> find(String keyHash) {
        Map<String, AttributeValue> item = dynamoDb.getItem(request -> request.tableName(tableName)
                .key(Map.of("key_hash", AttributeValue.fromS(keyHash)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Set<Scope> scopes = item.get("scopes").ss().stream()
                .map(Scope::fromWireName).flatMap(Optional::stream)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        AttributeValue description = item.get("description");
        AttributeValue revoked = item.get("revoked_at");
        return Optional.of(new StoredKey(keyHash, item.get("key_id").s(), item.get("company_id").s(), scopes,
                description == null ? null : description.s(), Instant.parse(item.get("created_at").s()),
                revoked == null ? null : Instant.parse(revoked.s())));
    }
}
