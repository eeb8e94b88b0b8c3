package dev.hookline.queues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

class SqsBatchSenderTest {

    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries";

    /** Records every SendMessageBatch call and answers with {@code answer}; all else is unsupported. */
    private static final class RecordingSqs implements SqsClient {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final Function<SendMessageBatchRequest, SendMessageBatchResponse> answer;

        RecordingSqs(Function<SendMessageBatchRequest, SendMessageBatchResponse> answer) {
            this.answer = answer;
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                calls.add(request.entries().stream().map(SendMessageBatchRequestEntry::messageBody).toList());
                return answer.apply(request);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    private static SendMessageBatchResponse accepted(SendMessageBatchRequest request) {
        return SendMessageBatchResponse.builder().successful(List.of()).failed(List.of()).build();
    }

    private static BatchResultErrorEntry failure(String id, boolean senderFault) {
        return BatchResultErrorEntry.builder().id(id).code(senderFault ? "InvalidMessageContents" : "InternalError")
                .senderFault(senderFault).build();
    }

    private static void sendAll(SqsBatchSender sender, List<String> bodies) {
        try (SqsBatchSender.Stream stream = sender.open(QUEUE)) {
            bodies.forEach(stream::add);
            stream.finish();
        }
    }

    private static List<String> bodies(int count, int size) {
        return IntStream.range(0, count).mapToObj(i -> String.format("%0" + size + "d", i)).toList();
    }

    @Test
    void sendsTenMessagesPerCall() {
        RecordingSqs sqs = new RecordingSqs(SqsBatchSenderTest::accepted);
        List<String> bodies = bodies(25, 8);

        sendAll(new SqsBatchSender(sqs, 4), bodies);

        assertEquals(List.of(5, 10, 10), sqs.calls.stream().map(List::size).sorted().toList());
        assertEquals(new HashSet<>(bodies), sqs.calls.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void startsANewBatchBeforeOneWouldExceed256KiB() {
        RecordingSqs sqs = new RecordingSqs(SqsBatchSenderTest::accepted);

        sendAll(new SqsBatchSender(sqs, 2), bodies(5, 100 * 1024));

        assertEquals(List.of(1, 2, 2), sqs.calls.stream().map(List::size).sorted().toList());
    }

    @Test
    void retriesOnlyTheEntriesSqsDidNotAccept() {
        AtomicInteger attempt = new AtomicInteger();
        RecordingSqs sqs = new RecordingSqs(request -> attempt.incrementAndGet() == 1
                ? SendMessageBatchResponse.builder().failed(failure("3", false), failure("7", false)).build()
                : accepted(request));
        List<String> bodies = bodies(10, 4);

        sendAll(new SqsBatchSender(sqs, 1, 3, Duration.ZERO), bodies);

        assertEquals(List.of(bodies, List.of(bodies.get(3), bodies.get(7))), sqs.calls);
    }

    @Test
    void givesUpAtOnceOnASenderFault() {
        RecordingSqs sqs = new RecordingSqs(request -> SendMessageBatchResponse.builder().failed(failure("0", true)).build());

        QueueSendException e = assertThrows(QueueSendException.class, () -> sendAll(new SqsBatchSender(sqs, 1, 5, Duration.ZERO), bodies(2, 4)));

        assertEquals(1, sqs.calls.size());
        assertTrue(e.getMessage().contains("InvalidMessageContents"), e.getMessage());
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        RecordingSqs sqs = new RecordingSqs(request -> SendMessageBatchResponse.builder().failed(failure("1", false)).build());

        assertThrows(QueueSendException.class, () -> sendAll(new SqsBatchSender(sqs, 1, 3, Duration.ZERO), bodies(2, 4)));

        assertEquals(3, sqs.calls.size());
    }

    @Test
    void keepsAtMostTheConfiguredNumberOfCallsInFlight() {
        RecordingSqs sqs = new RecordingSqs(request -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return accepted(request);
        });

        sendAll(new SqsBatchSender(sqs, 3), bodies(200, 4));

        assertEquals(20, sqs.calls.size());
        assertTrue(sqs.maxInFlight.get() <= 3, "at most 3 in flight, saw " + sqs.maxInFlight.get());
    }

    @Test
    void refusesAMessageSqsCouldNeverTake() {
        RecordingSqs sqs = new RecordingSqs(SqsBatchSenderTest::accepted);

        try (SqsBatchSender.Stream stream = new SqsBatchSender(sqs, 1).open(QUEUE)) {
            assertThrows(IllegalArgumentException.class, () -> stream.add("x".repeat(SqsBatchSender.MAX_BATCH_BYTES + 1)));
        }
        assertEquals(Set.of(), Set.copyOf(sqs.calls));
    }
}
