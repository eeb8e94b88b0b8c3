package dev.hookline.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.DoubleSupplier;

/**
 * What to do after an attempt (docs/delivery.md, "Retries").
 *
 * <ul>
 *   <li>2xx: delivered.
 *   <li>410 Gone, or {@code webhook-delivery: abort-message}: stop; 410 also disables the webhook.
 *   <li>Retryable: timeouts, connection errors, 5xx and 429. Anything else (3xx, other 4xx, a refused address)
 *       fails at once: retrying would get the same answer.
 *   <li>Retry delays follow Svix's schedule, ±20 % jitter. 429, 502, 503 with Retry-After, 504 and timeouts are
 *       overload: at least {@link #OVERLOAD_MINIMUM}. Retry-After is honoured, clamped to {@link #MAX_RETRY_AFTER}.
 *   <li>Every delay fits SQS's 12-hour visibility cap ({@link #MAX_DELAY}): the schedule's longest step plus
 *       jitter (12 h) is clamped to it rather than parked and re-sent.
 * </ul>
 */
public final class RetryPolicy {

    /**
     * Svix's schedule, the default: wait before retry n (1-based); the last entry repeats for webhooks allowed more
     * retries. {@code DELIVERY_RETRY_SCHEDULE} replaces it (fault-injection runs drain in minutes with "1s,2s,4s").
     */
    public static final List<Duration> SCHEDULE = List.of(
            Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
            Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    public static final double JITTER = 0.20;
    public static final Duration OVERLOAD_MINIMUM = Duration.ofSeconds(60);
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);
    /** SQS's maximum visibility timeout (12 h) less a margin for the time the attempt itself took. */
    public static final Duration MAX_DELAY = Duration.ofHours(12).minusMinutes(5);

    public sealed interface Decision {
    }

    public record Delivered() implements Decision {
    }

    /** Try again after {@code delay}. */
    public record Retry(Duration delay) implements Decision {
    }

    /** Failed for good: to the dead-letter queue with this reason. */
    public record GiveUp(String reason) implements Decision {
    }

    /** The receiver asked us to stop; {@code disableWebhook} for 410 Gone. */
    public record Abort(String reason, boolean disableWebhook) implements Decision {
    }

    private final List<Duration> schedule;
    /** {@link #OVERLOAD_MINIMUM}, or the schedule's longest step when a short schedule is configured. */
    private final Duration overloadMinimum;
    private final DoubleSupplier random;

    /** Svix's schedule; {@code random} is uniform in [0, 1) (tests pass a constant). */
    public RetryPolicy(DoubleSupplier random) {
        this(SCHEDULE, random);
    }

    public RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("the retry schedule needs at least one delay");
        }
        this.schedule = List.copyOf(schedule);
        Duration longest = Collections.max(schedule);
        this.overloadMinimum = longest.compareTo(OVERLOAD_MINIMUM) < 0 ? longest : OVERLOAD_MINIMUM;
        this.random = random;
    }

    /**
     * Parses a schedule such as {@code 5s,5m,30m,2h}: positive whole numbers with the unit s, m or h, each at most
     * {@link #MAX_DELAY}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static List<Duration> parseSchedule(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String entry : text.split(",")) {
            Matcher m = Pattern.compile("\\s*(\\d{1,6})([smh])\\s*").matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("retry schedule entry '" + entry.trim()
                        + "' is not a whole number of s, m or h (e.g. 5s,5m,30m,2h)");
            }
            long amount = Long.parseLong(m.group(1));
            Duration delay = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (delay.isZero() || delay.compareTo(MAX_DELAY) > 0) {
                throw new IllegalArgumentException("retry schedule entry '" + entry.trim() + "' must be above 0 and at most 11h55m");
            }
            delays.add(delay);
        }
        return List.copyOf(delays);
    }

    /**
     * @param attempt     attempts made so far in this series, this one included (1 after the first)
     * @param maxAttempts the webhook's retries + 1
     */
    public Decision decide(SendResult result, int attempt, int maxAttempts) {
        if (result.success()) {
            return new Delivered();
        }
        if (result.status() == 410) {
            return new Abort("HTTP 410 Gone: the receiver removed this endpoint", true);
        }
        if (result.abort()) {
            return new Abort(result.describe() + " with webhook-delivery: abort-message", false);
        }
        if (!retryable(result)) {
            return new GiveUp(result.describe() + " is not retryable");
        }
        if (attempt >= maxAttempts) {
            return new GiveUp(result.describe() + " after " + attempt + " attempt(s)");
        }
        return new Retry(delay(result, attempt));
    }

    static boolean retryable(SendResult result) {
        if (result.status() > 0) {
            return result.status() >= 500 || result.status() == 429;
        }
        return SendResult.TIMEOUT.equals(result.errorClass()) || SendResult.CONNECT_ERROR.equals(result.errorClass())
                || SendResult.IO_ERROR.equals(result.errorClass());
    }

    static boolean overload(SendResult result) {
        int status = result.status();
        return status == 429 || status == 502 || status == 504 || SendResult.TIMEOUT.equals(result.errorClass())
                || (status == 503 && result.retryAfter().isPresent());
    }

    Duration delay(SendResult result, int attempt) {
        Duration base = schedule.get(Math.min(attempt, schedule.size()) - 1);
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        Duration delay = Duration.ofMillis(Math.round(base.toMillis() * factor));
        if (overload(result) && delay.compareTo(overloadMinimum) < 0) {
            delay = overloadMinimum;
        }
        if (result.retryAfter().isPresent()) {
            Duration asked = result.retryAfter().get();
            if (asked.compareTo(MAX_RETRY_AFTER) > 0) {
                asked = MAX_RETRY_AFTER;
            }
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }
}
