package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy MIDDLE = new RetryPolicy(() -> 0.5); // no jitter
    private static final RetryPolicy LOW = new RetryPolicy(() -> 0.0);    // -20 %
    private static final RetryPolicy HIGH = new RetryPolicy(() -> 0.9999999); // +20 %

    private static SendResult status(int code) {
        return new SendResult(code, code >= 200 && code < 300 ? null : SendResult.HTTP_STATUS, Duration.ofMillis(5),
                Optional.empty(), false, "");
    }

    private static Duration retryDelay(RetryPolicy policy, SendResult result, int attempt) {
        return assertInstanceOf(RetryPolicy.Retry.class, policy.decide(result, attempt, 99)).delay();
    }

    @Test
    void followsSvixScheduleWithoutJitterInTheMiddle() {
        assertEquals(Duration.ofSeconds(5), retryDelay(MIDDLE, status(500), 1));
        assertEquals(Duration.ofMinutes(5), retryDelay(MIDDLE, status(500), 2));
        assertEquals(Duration.ofMinutes(30), retryDelay(MIDDLE, status(500), 3));
        assertEquals(Duration.ofHours(2), retryDelay(MIDDLE, status(500), 4));
        assertEquals(Duration.ofHours(5), retryDelay(MIDDLE, status(500), 5));
        assertEquals(Duration.ofHours(10), retryDelay(MIDDLE, status(500), 6));
        assertEquals(Duration.ofHours(10), retryDelay(MIDDLE, status(500), 7));
        assertEquals(Duration.ofHours(10), retryDelay(MIDDLE, status(500), 10), "the last step repeats");
    }

    @Test
    void jitterIsPlusMinusTwentyPercentAndNeverExceedsTheSqsVisibilityCap() {
        assertEquals(Duration.ofSeconds(4), retryDelay(LOW, status(500), 1));
        assertEquals(Duration.ofMinutes(6).toSeconds(), retryDelay(HIGH, status(500), 2).toSeconds());
        Duration longest = retryDelay(HIGH, status(500), 7);
        assertEquals(RetryPolicy.MAX_DELAY, longest, "10 h + 20 % = 12 h is clamped below SQS's 12 h maximum");
        assertTrue(longest.compareTo(Duration.ofHours(12)) < 0);
    }

    @Test
    void overloadAndTimeoutsWaitAtLeastAMinute() {
        for (int code : new int[] {429, 502, 504}) {
            assertEquals(RetryPolicy.OVERLOAD_MINIMUM, retryDelay(MIDDLE, status(code), 1), "HTTP " + code);
        }
        assertEquals(RetryPolicy.OVERLOAD_MINIMUM, retryDelay(MIDDLE, SendResult.failure(SendResult.TIMEOUT, Duration.ZERO), 1));
        assertEquals(Duration.ofSeconds(5), retryDelay(MIDDLE, SendResult.failure(SendResult.CONNECT_ERROR, Duration.ZERO), 1));
        assertEquals(Duration.ofSeconds(5), retryDelay(MIDDLE, status(503), 1));
    }

    @Test
    void retryAfterIsHonouredButClamped() {
        SendResult asksTwoMinutes = new SendResult(503, SendResult.HTTP_STATUS, Duration.ZERO,
                Optional.of(Duration.ofMinutes(2)), false, "");
        assertEquals(Duration.ofMinutes(2), retryDelay(MIDDLE, asksTwoMinutes, 1));
        SendResult asksShorterThanSchedule = new SendResult(500, SendResult.HTTP_STATUS, Duration.ZERO,
                Optional.of(Duration.ofSeconds(1)), false, "");
        assertEquals(Duration.ofMinutes(5), retryDelay(MIDDLE, asksShorterThanSchedule, 2), "never earlier than the schedule");
        SendResult asksAWeek = new SendResult(429, SendResult.HTTP_STATUS, Duration.ZERO, Optional.of(Duration.ofDays(7)), false, "");
        assertEquals(RetryPolicy.MAX_RETRY_AFTER, retryDelay(MIDDLE, asksAWeek, 1));
    }

    @Test
    void classifiesOutcomes() {
        assertInstanceOf(RetryPolicy.Delivered.class, MIDDLE.decide(status(204), 1, 8));
        RetryPolicy.Abort gone = assertInstanceOf(RetryPolicy.Abort.class, MIDDLE.decide(status(410), 1, 8));
        assertTrue(gone.disableWebhook());
        SendResult abort = new SendResult(500, SendResult.HTTP_STATUS, Duration.ZERO, Optional.empty(), true, "");
        assertEquals(false, assertInstanceOf(RetryPolicy.Abort.class, MIDDLE.decide(abort, 1, 8)).disableWebhook());
        for (int code : new int[] {301, 302, 400, 401, 404, 413}) {
            assertInstanceOf(RetryPolicy.GiveUp.class, MIDDLE.decide(status(code), 1, 8), "HTTP " + code + " is final");
        }
        assertInstanceOf(RetryPolicy.GiveUp.class, MIDDLE.decide(SendResult.failure(SendResult.SSRF_BLOCKED, Duration.ZERO), 1, 8));
        assertEquals("HTTP 500 after 8 attempt(s)",
                assertInstanceOf(RetryPolicy.GiveUp.class, MIDDLE.decide(status(500), 8, 8)).reason());
        assertInstanceOf(RetryPolicy.Retry.class, MIDDLE.decide(status(500), 7, 8));
    }

    @Test
    void aConfiguredScheduleReplacesSvixsAndCapsTheOverloadMinimum() {
        RetryPolicy fast = new RetryPolicy(RetryPolicy.parseSchedule("1s, 2s,4s"), () -> 0.5);
        assertEquals(Duration.ofSeconds(1), retryDelay(fast, status(500), 1));
        assertEquals(Duration.ofSeconds(4), retryDelay(fast, status(500), 3));
        assertEquals(Duration.ofSeconds(4), retryDelay(fast, status(500), 9), "the last step repeats");
        assertEquals(Duration.ofSeconds(4), retryDelay(fast, status(429), 1), "overload waits the longest step, not 60 s");
        assertEquals(List.of(Duration.ofMinutes(5), Duration.ofHours(2)), RetryPolicy.parseSchedule("5m,2h"));
    }

    @Test
    void aBadScheduleIsRefusedNamingTheEntry() {
        IllegalArgumentException unit = assertThrows(IllegalArgumentException.class, () -> RetryPolicy.parseSchedule("5s,5x"));
        assertEquals("retry schedule entry '5x' is not a whole number of s, m or h (e.g. 5s,5m,30m,2h)", unit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.parseSchedule("0s"));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.parseSchedule("13h"));
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.parseSchedule(""));
    }
}
