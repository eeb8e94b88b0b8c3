package dev.hookline.delivery.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What a run left stored in one table, in the bytes DynamoDB bills: items and their global secondary index
 * entries, sized by the rules of "DynamoDB item sizes and formats" (attribute names and values; numbers one byte
 * per two significant digits plus one; lists and maps 3 bytes plus 1 per element; 100 bytes of overhead per
 * item and per index entry). Each new item is kept until its TTL attribute, so storage is counted in byte-days.
 */
final class DynamoDbStorage {

    /** Storage overhead DynamoDB bills for every item, in the table and in each index. */
    static final int ITEM_OVERHEAD_BYTES = 100;
    private static final double SECONDS_PER_DAY = 86_400;

    /** Items a run added and what they cost in storage until they expire. */
    record Usage(String table, long items, long itemBytes, long indexEntries, long indexBytes, double byteDays,
            long itemsWithoutTtl) {
        long bytes() {
            return itemBytes + indexBytes;
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String ttlAttribute;
    private final TableDescription description;
    private final Set<Map<String, AttributeValue>> keysBefore;

    private DynamoDbStorage(DynamoDbClient dynamoDb, String table, String ttlAttribute) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttlAttribute = ttlAttribute;
        this.description = dynamoDb.describeTable(r -> r.tableName(table)).table();
        this.keysBefore = scan().map(this::key).collect(Collectors.toCollection(HashSet::new));
    }

    /** Remembers the items there are now; {@link #added} then sizes only those written after. */
    static DynamoDbStorage snapshot(DynamoDbClient dynamoDb, String table, String ttlAttribute) {
        return new DynamoDbStorage(dynamoDb, table, ttlAttribute);
    }

    /** The items written since the snapshot, each stored from now until its TTL (a month if it has none). */
    Usage added(double daysWithoutTtl) {
        long now = Instant.now().getEpochSecond();
        long items = 0;
        long itemBytes = 0;
        long indexEntries = 0;
        long indexBytes = 0;
        long withoutTtl = 0;
        double byteDays = 0;
        for (Map<String, AttributeValue> item : scan().filter(i -> !keysBefore.contains(key(i))).toList()) {
            long bytes = itemSize(item) + ITEM_OVERHEAD_BYTES;
            items++;
            itemBytes += bytes;
            for (GlobalSecondaryIndexDescription index : description.globalSecondaryIndexes()) {
                if (index.keySchema().stream().allMatch(k -> item.containsKey(k.attributeName()))) {
                    long entry = indexEntrySize(item, index) + ITEM_OVERHEAD_BYTES;
                    indexEntries++;
                    indexBytes += entry;
                    bytes += entry;
                }
            }
            AttributeValue expiresAt = item.get(ttlAttribute);
            double days = daysWithoutTtl;
            if (expiresAt == null || expiresAt.n() == null) {
                withoutTtl++;
            } else {
                days = Math.max(0, Long.parseLong(expiresAt.n()) - now) / SECONDS_PER_DAY;
            }
            byteDays += bytes * days;
        }
        return new Usage(table, items, itemBytes, indexEntries, indexBytes, byteDays, withoutTtl);
    }

    /** The table's global secondary indexes, each provisioned (and billed) on its own. */
    List<String> indexNames() {
        return description.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName).toList();
    }

    private Stream<Map<String, AttributeValue>> scan() {
        return dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream();
    }

    private Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        return description.keySchema().stream()
                .collect(Collectors.toMap(KeySchemaElement::attributeName, k -> item.get(k.attributeName())));
    }

    /** An index entry holds the table's key, the index's key and the projected attributes. */
    private long indexEntrySize(Map<String, AttributeValue> item, GlobalSecondaryIndexDescription index) {
        if (index.projection().projectionType() == ProjectionType.ALL) {
            return itemSize(item);
        }
        Set<String> attributes = new HashSet<>();
        description.keySchema().forEach(k -> attributes.add(k.attributeName()));
        index.keySchema().forEach(k -> attributes.add(k.attributeName()));
        if (index.projection().projectionType() == ProjectionType.INCLUDE) {
            attributes.addAll(index.projection().nonKeyAttributes());
        }
        return attributes.stream().filter(item::containsKey).mapToLong(a -> attributeSize(a, item.get(a))).sum();
    }

    static long itemSize(Map<String, AttributeValue> item) {
        return item.entrySet().stream().mapToLong(e -> attributeSize(e.getKey(), e.getValue())).sum();
    }

    private static long attributeSize(String name, AttributeValue value) {
        return utf8(name) + valueSize(value);
    }

    private static long valueSize(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> numberSize(value.n());
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToLong(DynamoDbStorage::utf8).sum();
            case NS -> value.ns().stream().mapToLong(DynamoDbStorage::numberSize).sum();
            case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case L -> 3 + value.l().stream().mapToLong(element -> 1 + valueSize(element)).sum();
            case M -> 3 + value.m().entrySet().stream().mapToLong(e -> 1 + attributeSize(e.getKey(), e.getValue())).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type");
        };
    }

    /** One byte per two significant digits, plus one; leading and trailing zeros do not count. */
    private static long numberSize(String number) {
        String mantissa = number.toLowerCase(Locale.ROOT).split("e")[0];
        String digits = mantissa.replaceAll("[^0-9]", "").replaceAll("^0+", "").replaceAll("0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
