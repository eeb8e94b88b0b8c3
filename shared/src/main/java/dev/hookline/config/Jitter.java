package dev.hookline.config;

import java.security.SecureRandom;

/**
 * Randomness for back-off jitter that stays random across SnapStart restores. Every execution environment
 * resumed from one snapshot would draw the same {@code ThreadLocalRandom} or {@code Random} sequence, so retries
 * meant to spread out would line up again; the Lambda Java runtimes reseed {@link SecureRandom} on restore.
 */
public final class Jitter {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Jitter() {
    }

    /** Uniform in [0, 1). */
    public static double fraction() {
        return RANDOM.nextDouble();
    }

    /** Uniform in [0, {@code bound}). */
    public static long below(long bound) {
        return RANDOM.nextLong(bound);
    }
}
