package dev.hookline.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rate limiter's counter on DynamoDB Local, with several "instances" reserving at once. */
class DeliveryRateLimiterIT {

    private static TestStack stack;

    @BeforeAll
    static void startStack() {
        stack = TestStack.createLocal();
    }

    @Test
    void instancesReservingAtOnceNeverGiveOneSecondMoreThanTheLimitAndLeaveNoGaps() throws Exception {
        String table = stack.createDeliveryResources().table();
        String webhookId = "wh-" + UUID.randomUUID();
        Instant earliest = Instant.now().plusSeconds(60); // a fixed start, whatever the test's own speed
        List<DeliveryRateLimiter> instances = List.of(new DeliveryRateLimiter(stack.clients().dynamoDb(), table),
                new DeliveryRateLimiter(stack.clients().dynamoDb(), table),
                new DeliveryRateLimiter(stack.clients().dynamoDb(), table));
        List<Instant> seconds = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                DeliveryRateLimiter instance = instances.get(i % instances.size());
                running.add(executor.submit(() -> seconds.add(instance.reserve(webhookId, 5, earliest, Duration.ofMinutes(15)))));
            }
            for (Future<?> task : running) {
                task.get();
            }
        }

        Map<Instant, Integer> perSecond = new TreeMap<>();
        seconds.forEach(second -> perSecond.merge(second, 1, Integer::sum));
        assertEquals(12, perSecond.size(), "60 deliveries at 5/s fill exactly 12 seconds: " + perSecond);
        assertTrue(perSecond.values().stream().allMatch(n -> n == 5), perSecond.toString());
        assertEquals(earliest.getEpochSecond(), perSecond.keySet().iterator().next().getEpochSecond());
    }

    @Test
    void aSecondBeyondTheHorizonIsNamedButNotReserved() {
        DeliveryRateLimiter limiter = new DeliveryRateLimiter(stack.clients().dynamoDb(),
                stack.createDeliveryResources().table());
        Instant earliest = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 60);
        for (int i = 0; i < 3; i++) {
            assertEquals(earliest.plusSeconds(i), limiter.reserve("wh-1", 1, earliest, Duration.ofSeconds(2)));
        }
        assertEquals(earliest.plusSeconds(3), limiter.reserve("wh-1", 1, earliest, Duration.ofSeconds(2)), "beyond: named");
        assertEquals(earliest.plusSeconds(3), limiter.reserve("wh-1", 1, earliest, Duration.ofSeconds(2)), "and still free");
    }
}
