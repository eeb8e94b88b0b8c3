package dev.hookline.storage;

import dev.hookline.errors.ApiException;
import dev.hookline.errors.FieldCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination cursors: base64url of the last sort key seen. The partition key is never in the cursor;
 * it always comes from the caller's tenant, so a forged cursor cannot reach another tenant's items.
 */
public final class Cursors {

    private Cursors() {
    }

    public static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    /** @param prefix the sort-key prefix the cursor must carry for this listing */
    public static String decode(String cursor, String prefix) {
        try {
            String sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (sortKey.startsWith(prefix)) {
                return sortKey;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the validation error
        }
        throw ApiException.validation("cursor", FieldCode.INVALID_CURSOR, "The cursor is not one this listing returned.");
    }
}
