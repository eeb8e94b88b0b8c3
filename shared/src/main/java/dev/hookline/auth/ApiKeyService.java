package dev.hookline.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mints and resolves API keys. A key is {@code hk_<key id>_<secret>}; only its SHA-256 is stored. Keys carry
 * 256 random bits, so a fast hash is enough: there is nothing to brute-force that a slow hash would protect.
 */
public final class ApiKeyService {

    /** A freshly minted key: {@code plaintext} is shown once and never stored. */
    public record MintedKey(String plaintext, String keyId, String companyId, Set<Scope> scopes) {
        @Override
        public String toString() {
            return "MintedKey[keyId=" + keyId + ", companyId=" + companyId + ", scopes=" + scopes + "]";
        }
    }

    private static final Pattern KEY_SHAPE = Pattern.compile("hk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
    private static final Pattern COMPANY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final String KEY_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final ApiKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiKeyService(ApiKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public MintedKey mint(String companyId, Set<Scope> scopes, String description) {
        if (companyId == null || !COMPANY_ID.matcher(companyId).matches()) {
            throw new IllegalArgumentException("company id must match " + COMPANY_ID.pattern());
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one scope");
        }
        StringBuilder keyId = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            keyId.append(KEY_ID_ALPHABET.charAt(random.nextInt(KEY_ID_ALPHABET.length())));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String plaintext = "hk_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        store.put(new ApiKeyStore.StoredKey(hash(plaintext), keyId.toString(), companyId, scopes, description, clock.instant(), null));
        return new MintedKey(plaintext, keyId.toString(), companyId, scopes);
    }

    /** Resolves an {@code Authorization} header value; empty for anything that is not a live key. */
    public Optional<Principal> authenticate(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String value = authorizationHeader.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).trim();
        } else {
            return Optional.empty();
        }
        // Shape check first: garbage never costs a DynamoDB read.
        if (!KEY_SHAPE.matcher(value).matches()) {
            return Optional.empty();
        }
        return store.find(hash(value))
                .filter(key -> key.revokedAt() == null)
                .map(key -> new Principal(key.companyId(), key.keyId(), key.scopes()));
    }

    static String hash(String plaintext) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
