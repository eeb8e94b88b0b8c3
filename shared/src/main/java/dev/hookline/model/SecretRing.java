package dev.hookline.model;

import dev.hookline.secrets.EncryptedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook's signing secrets: the current one and those retired by a rotation that still sign until
 * {@code validUntil}, so receivers can switch over without dropping deliveries.
 */
public record SecretRing(EncryptedSecret current, List<Retired> retired) {

    /** Overlap during which the previous secret still signs deliveries (Svix and Standard Webhooks practice). */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    /**
     * Most secrets that sign one delivery: the current one and two retired ones still in their overlap (after two
     * rotations within 24 h, three signatures). A third rotation in the overlap ends the oldest one's early. Bounds
     * the signature header, the HMACs per delivery and the record, however often a tenant rotates.
     */
    public static final int MAX_SIGNING_SECRETS = 3;

    public record Retired(EncryptedSecret secret, Instant validUntil) {
    }

    public SecretRing {
        retired = List.copyOf(retired);
    }

    public static SecretRing of(EncryptedSecret current) {
        return new SecretRing(current, List.of());
    }

    /** Secrets that still sign at {@code now}: the current one first. */
    public List<EncryptedSecret> signingAt(Instant now) {
        List<EncryptedSecret> signing = new ArrayList<>();
        signing.add(current);
        // The limit also bounds rings written when up to ten retired secrets were kept.
        retired.stream().filter(r -> r.validUntil().isAfter(now)).limit(MAX_SIGNING_SECRETS - 1)
                .forEach(r -> signing.add(r.secret()));
        return signing;
    }

    /** Makes {@code next} current; the old current keeps signing for {@link #ROTATION_OVERLAP}. */
    public SecretRing rotate(EncryptedSecret next, Instant now) {
        List<Retired> kept = new ArrayList<>();
        kept.add(new Retired(current, now.plus(ROTATION_OVERLAP)));
        retired.stream().filter(r -> r.validUntil().isAfter(now)).limit(MAX_SIGNING_SECRETS - 2).forEach(kept::add);
        return new SecretRing(next, kept);
    }
}
