package dev.hookline.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hookline.auth.Principal;
import dev.hookline.auth.Scope;
import dev.hookline.errors.ApiException;
import dev.hookline.errors.ErrorCode;
import dev.hookline.errors.FieldCode;
import dev.hookline.json.Json;
import dev.hookline.model.EventType;
import dev.hookline.model.SecretRing;
import dev.hookline.model.Webhook;
import dev.hookline.secrets.EncryptedSecret;
import dev.hookline.secrets.SecretCipher;
import dev.hookline.signing.SigningSecrets;
import dev.hookline.signing.StandardWebhooks;
import dev.hookline.storage.ConcurrentModificationException;
import dev.hookline.storage.Page;
import dev.hookline.storage.WebhookStore;
import dev.hookline.storage.WebhookStore.IdempotencyRecord;
import dev.hookline.webhooks.WebhookVersion.Action;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The webhook registry: every rule of the API lives here, every handler is a thin adapter over it. */
public final class WebhookService {

    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Pattern WEBHOOK_ID = Pattern.compile("[0-9a-f-]{36}");
    private static final ObjectMapper CANONICAL_JSON = Json.MAPPER.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** A webhook together with a secret to show once (create, rotate). */
    public record WithSecret(Webhook webhook, String secret, boolean replayed) {
        @Override
        public String toString() {
            return "WithSecret[webhook=" + webhook.id() + ", replayed=" + replayed + "]";
        }
    }

    /** Listing filters; empty means "any". {@code reference} matches exactly. */
    public record ListQuery(Optional<String> cursor, int limit, Optional<String> resource, Optional<String> trigger,
            Optional<Boolean> active, Optional<String> reference) {
        public static final int DEFAULT_LIMIT = 20;
        public static final int MAX_LIMIT = 100;
    }

    private final WebhookStore store;
    private final WebhookRequests requests;
    private final SecretCipher cipher;
    private final Clock clock;

    public WebhookService(WebhookStore store, WebhookRequests requests, SecretCipher cipher, Clock clock) {
        this.store = store;
        this.requests = requests;
        this.cipher = cipher;
        this.clock = clock;
    }

    public WithSecret create(Principal principal, JsonNode body, Optional<String> idempotencyKey) {
        principal.require(Scope.ADMIN);
        idempotencyKey.filter(key -> !IDEMPOTENCY_KEY.matcher(key).matches()).ifPresent(key -> {
            throw ApiException.badRequest(ErrorCode.INVALID_IDEMPOTENCY_KEY, "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        });
        String fingerprint = fingerprint(body);
        Instant now = clock.instant();
        if (idempotencyKey.isPresent()) {
            Optional<WithSecret> replay = replay(principal, idempotencyKey.get(), fingerprint, now);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        WebhookRequests.NewWebhook request = requests.parseCreate(body);
        String id = UUID.randomUUID().toString();
        String secret = request.customSecret().map(SigningSecrets::standardForm).orElseGet(SigningSecrets::generate);
        EncryptedSecret sealed = cipher.seal(secret, Webhook.secretContext(principal.companyId(), id));
        Webhook webhook = new Webhook(id, principal.companyId(), request.name(), request.description(), request.url(),
                request.methodType(), request.events(), request.changeFilter(), request.identifier(),
                request.triggeredByChildResources(), request.retries(), request.rateLimit(), request.active(),
                request.metadata(), request.reference(), request.referenceOrigin(), request.includeResources(),
                SecretRing.of(sealed), 1, now, now, null);
        Optional<IdempotencyRecord> record = idempotencyKey.map(key ->
                new IdempotencyRecord(key, fingerprint, id, now.plus(IDEMPOTENCY_WINDOW)));
        try {
            store.create(webhook, WebhookVersion.of(Action.CREATE, principal.keyId(), null, webhook), record);
        } catch (WebhookStore.IdempotencyKeyTakenException e) {
            // A concurrent retry with the same key won the race: answer as it did.
            return replay(principal, idempotencyKey.orElseThrow(), fingerprint, now)
                    .orElseThrow(() -> ApiException.conflict(ErrorCode.IDEMPOTENCY_CONFLICT, "A request with this Idempotency-Key is in progress."));
        }
        return new WithSecret(webhook, secret, false);
    }

    public Page<Webhook> list(Principal principal, ListQuery query) {
        principal.require(Scope.READ);
        Predicate<Webhook> filter = webhook -> !webhook.deleted();
        if (query.resource().isPresent() || query.trigger().isPresent()) {
            filter = filter.and(webhook -> webhook.events().stream().anyMatch(type -> matches(type, query)));
        }
        if (query.active().isPresent()) {
            boolean active = query.active().get();
            filter = filter.and(webhook -> webhook.active() == active);
        }
        if (query.reference().isPresent()) {
            String reference = query.reference().get();
            filter = filter.and(webhook -> reference.equals(webhook.reference()));
        }
        return store.list(principal.companyId(), query.cursor(), query.limit(), filter);
    }

    public Webhook get(Principal principal, String webhookId) {
        principal.require(Scope.READ);
        return visible(principal, webhookId);
    }

    public Webhook update(Principal principal, String webhookId, JsonNode body, Optional<String> ifMatch) {
        principal.require(Scope.ADMIN);
        Webhook current = visible(principal, webhookId);
        checkPrecondition(current, ifMatch);
        Webhook next = requests.applyPatch(current, body).revise(clock.instant());
        return write(principal, Action.UPDATE, current, next);
    }

    /** Soft delete: out of the API and the subscription index at once; kept for the system's delivery history. */
    public void delete(Principal principal, String webhookId, Optional<String> ifMatch) {
        principal.require(Scope.ADMIN);
        Webhook current = visible(principal, webhookId);
        checkPrecondition(current, ifMatch);
        Instant now = clock.instant();
        write(principal, Action.DELETE, current, current.toBuilder().deletedAt(now).revise(now));
    }

    public WithSecret rotateSecret(Principal principal, String webhookId, Optional<String> ifMatch) {
        principal.require(Scope.ADMIN);
        Webhook current = visible(principal, webhookId);
        checkPrecondition(current, ifMatch);
        String secret = SigningSecrets.generate();
        Instant now = clock.instant();
        SecretRing ring = current.secrets().rotate(cipher.seal(secret, current.secretContext()), now);
        Webhook next = write(principal, Action.ROTATE_SECRET, current, current.toBuilder().secrets(ring).revise(now));
        return new WithSecret(next, secret, false);
    }

    /**
     * A page of the webhook's versions, newest first. A deleted webhook's history stays readable (its last version
     * is the delete) for as long as it is kept: this is where a tenant finds out which key deleted it.
     */
    public Page<WebhookVersion> versions(Principal principal, String webhookId, Optional<String> cursor, int limit) {
        principal.require(Scope.READ);
        Webhook webhook = stored(principal, webhookId).orElseThrow(WebhookService::notFound);
        return store.versions(principal.companyId(), webhook.id(), cursor, limit);
    }

    /**
     * Checks a payload and its Standard Webhooks headers against this webhook's current and still-valid
     * previous secrets (Tjar's "Verify Signature").
     */
    public StandardWebhooks.Verification verifySignature(Principal principal, String webhookId, JsonNode body) {
        principal.require(Scope.READ);
        Webhook webhook = visible(principal, webhookId);
        FieldReader reader = new FieldReader(body);
        reader.rejectUnknown(Set.of("payload", "headers"), Set.of());
        // The payload is checked byte for byte: no trimming, or a body with surrounding whitespace would fail.
        JsonNode payloadNode = reader.node("payload");
        if (payloadNode == null || !payloadNode.isTextual()) {
            reader.error("payload", FieldCode.REQUIRED, "Give the raw request body as a string.");
        }
        JsonNode headers = reader.node("headers");
        if (headers == null || !headers.isObject()) {
            reader.error("headers", FieldCode.REQUIRED, "Give the webhook-id, webhook-timestamp and webhook-signature headers.");
        }
        reader.throwIfInvalid();
        List<String> secrets = signingSecrets(webhook, clock.instant());
        return StandardWebhooks.verify(secrets, header(headers, StandardWebhooks.WEBHOOK_ID),
                header(headers, StandardWebhooks.WEBHOOK_TIMESTAMP), header(headers, StandardWebhooks.WEBHOOK_SIGNATURE),
                payloadNode.asText().getBytes(StandardCharsets.UTF_8), clock.instant());
    }

    /** The tenant epoch (docs/delivery.md, "Fresh webhooks"), read after a change to stamp on the messages it causes. */
    public long tenantEpoch(String companyId) {
        return store.tenantEpoch(companyId);
    }

    /** Plaintext secrets that sign at {@code now}, current first. For the signer; never for a response. */
    public List<String> signingSecrets(Webhook webhook, Instant now) {
        return webhook.secrets().signingAt(now).stream().map(s -> cipher.open(s, webhook.secretContext())).toList();
    }

    private Optional<WithSecret> replay(Principal principal, String key, String fingerprint, Instant now) {
        return store.findIdempotencyRecord(principal.companyId(), key, now).map(record -> {
            if (!record.fingerprint().equals(fingerprint)) {
                throw ApiException.of(422, ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was used with a different request body.");
            }
            Webhook webhook = store.find(principal.companyId(), record.webhookId())
                    .filter(w -> !w.deleted())
                    .orElseThrow(() -> ApiException.conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                            "The webhook this Idempotency-Key created has since been deleted."));
            String secret = SigningSecrets.standardForm(cipher.open(webhook.secrets().current(), webhook.secretContext()));
            return new WithSecret(webhook, secret, true);
        });
    }

    private Webhook visible(Principal principal, String webhookId) {
        return stored(principal, webhookId).filter(webhook -> !webhook.deleted()).orElseThrow(WebhookService::notFound);
    }

    /** The tenant's webhook, soft-deleted included. */
    private Optional<Webhook> stored(Principal principal, String webhookId) {
        // Ids are UUIDs: anything else cannot exist, and never reaches DynamoDB.
        if (webhookId == null || !WEBHOOK_ID.matcher(webhookId).matches()) {
            return Optional.empty();
        }
        return store.find(principal.companyId(), webhookId);
    }

    private static ApiException notFound() {
        return ApiException.notFound("No webhook with this id.");
    }

    private Webhook write(Principal principal, Action action, Webhook current, Webhook next) {
        try {
            store.update(current, next, WebhookVersion.of(action, principal.keyId(), current, next));
            return next;
        } catch (ConcurrentModificationException e) {
            throw ApiException.conflict(ErrorCode.CONCURRENT_MODIFICATION,
                    "The webhook was changed by another request; read it again and retry.");
        }
    }

    private static void checkPrecondition(Webhook current, Optional<String> ifMatch) {
        if (ifMatch.isEmpty() || ifMatch.get().equals("*")) {
            return;
        }
        String expected = current.etag();
        boolean matches = false;
        for (String tag : ifMatch.get().split(",")) {
            String trimmed = tag.trim();
            if (trimmed.startsWith("W/")) {
                trimmed = trimmed.substring(2);
            }
            matches |= trimmed.equals(expected) || trimmed.equals(Long.toString(current.version()));
        }
        if (!matches) {
            throw ApiException.preconditionFailed("If-Match does not match the webhook's current version " + expected + ".");
        }
    }

    private static boolean matches(EventType type, ListQuery query) {
        return query.resource().map(type.resource()::equals).orElse(true)
                && query.trigger().map(type.trigger()::equals).orElse(true);
    }

    private static String header(JsonNode headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, JsonNode> entry : headers.properties()) {
            if (entry.getKey().equalsIgnoreCase(name) && entry.getValue().isTextual()) {
                return entry.getValue().asText();
            }
        }
        return null;
    }

    /** A canonical hash of the request body: the same JSON, whatever its key order, is the same request. */
    private static String fingerprint(JsonNode body) {
        try {
            String canonical = CANONICAL_JSON.writeValueAsString(CANONICAL_JSON.treeToValue(body, Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
