package dev.hookline.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.TestStack;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ApiKeyServiceIT {

    private static TestStack stack;
    private static ApiKeyService apiKeys;

    @BeforeAll
    static void startStack() {
        stack = TestStack.create();
        apiKeys = stack.services().apiKeys();
    }

    @Test
    void aMintedKeyResolvesToItsTenantAndScopes() {
        ApiKeyService.MintedKey key = apiKeys.mint("company-keys", Set.of(Scope.READ), "reporting");
        Principal principal = apiKeys.authenticate("Bearer " + key.plaintext()).orElseThrow();
        assertEquals("company-keys", principal.companyId());
        assertEquals(Set.of(Scope.READ), principal.scopes());
        assertFalse(principal.has(Scope.ADMIN));
        assertTrue(apiKeys.authenticate("bearer " + key.plaintext()).isPresent(), "the scheme is case-insensitive");
        assertFalse(key.toString().contains(key.plaintext()), "a key's toString never shows the secret");
    }

    @Test
    void onlyTheHashIsStored() {
        ApiKeyService.MintedKey key = apiKeys.mint("company-hash", Set.of(Scope.ADMIN), null);
        var items = stack.clients().dynamoDb().scan(r -> r.tableName(stack.apiKeysTable())).items();
        assertTrue(items.stream().noneMatch(item -> item.toString().contains(key.plaintext())));
        assertTrue(items.stream().anyMatch(item -> item.get("key_hash").s().equals(ApiKeyService.hash(key.plaintext()))));
    }

    @Test
    void unknownMalformedAndRevokedKeysResolveToNobody() {
        ApiKeyService.MintedKey key = apiKeys.mint("company-revoked", Set.of(Scope.ADMIN), null);
        assertTrue(apiKeys.authenticate(null).isEmpty());
        assertTrue(apiKeys.authenticate(key.plaintext()).isEmpty(), "the Bearer scheme is required");
        assertTrue(apiKeys.authenticate("Bearer hk_garbage").isEmpty());
        String plaintext = key.plaintext();
        char last = plaintext.charAt(plaintext.length() - 1);
        String tampered = plaintext.substring(0, plaintext.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertTrue(apiKeys.authenticate("Bearer " + tampered).isEmpty());
        stack.clients().dynamoDb().updateItem(r -> r.tableName(stack.apiKeysTable())
                .key(Map.of("key_hash", AttributeValue.fromS(ApiKeyService.hash(key.plaintext()))))
                .updateExpression("SET revoked_at = :now")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromS("2026-11-23T10:00:00Z"))));
        assertTrue(apiKeys.authenticate("Bearer " + key.plaintext()).isEmpty());
    }

    @Test
    void refusesToMintForAnInvalidTenantOrWithoutScopes() {
        assertThrows(IllegalArgumentException.class, () -> apiKeys.mint("bad tenant id", Set.of(Scope.READ), null));
        assertThrows(IllegalArgumentException.class, () -> apiKeys.mint("company", Set.of(), null));
    }
}
