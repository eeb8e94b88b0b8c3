package dev.hookline.queues;

import dev.hookline.config.Jitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends many messages to a queue with SendMessageBatch: up to 10 entries and 256 KiB per call, a bounded number
 * of calls in flight, and entries that failed inside an otherwise successful call retried with backoff.
 * The SDK's own retry policy already covers whole-call failures (throttling, 5xx, timeouts).
 */
public final class SqsBatchSender {

    /** SendMessageBatch entry limit. */
    public static final int MAX_BATCH_ENTRIES = 10;
    /** Limit on one message and on the sum of a batch's bodies (the classic SQS quota, honoured by every engine). */
    public static final int MAX_BATCH_BYTES = 256 * 1024;
    /** SQS's longest DelaySeconds. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);

    /** Tries per entry whose batch call succeeded but which SQS did not accept (at most ~1.5 s of backoff in all). */
    private static final int DEFAULT_MAX_ATTEMPTS = 5;
    private static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(100);

    private final SqsClient sqs;
    private final int concurrency;
    private final int maxAttempts;
    private final Duration baseBackoff;
    private final ExecutorService executor;

    public SqsBatchSender(SqsClient sqs, int concurrency) {
        this(sqs, concurrency, DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_BACKOFF);
    }

    /**
     * @param concurrency SendMessageBatch calls in flight per {@link Stream}
     * @param maxAttempts tries per entry, the first included
     * @param baseBackoff wait before the first retry; doubled each time, with full jitter
     */
    public SqsBatchSender(SqsClient sqs, int concurrency, int maxAttempts, Duration baseBackoff) {
        if (concurrency < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("concurrency and maxAttempts must be positive");
        }
        this.sqs = sqs;
        this.concurrency = concurrency;
        this.maxAttempts = maxAttempts;
        this.baseBackoff = baseBackoff;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "hookline-sqs-send-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        // Idle threads go away, so tests that build many senders do not pile threads up.
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
    }

    /** A stream of messages to one queue, batched and sent in the background as it fills. */
    public Stream open(String queueUrl) {
        return new Stream(queueUrl);
    }

    /** One message, for the rare single sends (parking, continuations); the SDK retries transient failures. */
    public void send(String queueUrl, String body, Map<String, MessageAttributeValue> attributes) {
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes));
    }

    /**
     * One message that becomes visible after {@code delay} (at most SQS's 15 minutes), in the message group
     * {@code messageGroupId} (the tenant: on a standard queue that makes SQS schedule tenants fairly).
     */
    public void send(String queueUrl, String body, Duration delay, String messageGroupId) {
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody(body).delaySeconds(delaySeconds(delay))
                .messageGroupId(messageGroupId));
    }

    /** {@code delay} in whole seconds, rounded up and capped at {@link #MAX_DELAY}. */
    private static int delaySeconds(Duration delay) {
        long seconds = Math.max(0, (delay.toMillis() + 999) / 1000);
        return (int) Math.min(seconds, MAX_DELAY.toSeconds());
    }

    /** A message of a stream, how long SQS holds it back, and its message group (null: none). */
    private record Entry(String body, int delaySeconds, String messageGroupId) {
    }

    /**
     * Thread-safe: several producer threads may add (fan-out's events of one batch share a stream, so their
     * deliveries fill the same SendMessageBatch calls); the sender's threads send. {@link #finish()} waits for
     * every batch and throws the first failure; {@link #close()} only waits, for the error paths.
     */
    public final class Stream implements AutoCloseable {

        private final String queueUrl;
        private final Semaphore inFlight = new Semaphore(concurrency);
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final List<Entry> pending = new ArrayList<>(MAX_BATCH_ENTRIES);
        private int pendingBytes;
        private int calls;

        private Stream(String queueUrl) {
            this.queueUrl = queueUrl;
        }

        /** Queues one message body; blocks while {@code concurrency} batches are in flight. */
        public void add(String body) {
            add(body, Duration.ZERO, null);
        }

        /**
         * Queues one message that becomes visible after {@code delay} (at most SQS's 15 minutes), in the message
         * group {@code messageGroupId} (null: none). On a standard queue the group is a tenant of an SQS fair queue.
         */
        public synchronized void add(String body, Duration delay, String messageGroupId) {
            rethrowFailure();
            int bytes = Utf8.length(body);
            if (bytes > MAX_BATCH_BYTES) {
                throw new IllegalArgumentException("Message of " + bytes + " bytes exceeds the SQS limit");
            }
            if (pending.size() == MAX_BATCH_ENTRIES || pendingBytes + bytes > MAX_BATCH_BYTES) {
                flush();
            }
            pending.add(new Entry(body, delaySeconds(delay), messageGroupId));
            pendingBytes += bytes;
        }

        /** Sends what is left and waits for every batch; throws if any message could not be sent. */
        public void finish() {
            synchronized (this) {
                flush();
            }
            awaitInFlight();
            rethrowFailure();
        }

        /** SendMessageBatch calls started so far, retries not counted. */
        public synchronized int calls() {
            return calls;
        }

        @Override
        public void close() {
            awaitInFlight();
        }

        private void flush() {
            if (pending.isEmpty()) {
                return;
            }
            List<Entry> batch = List.copyOf(pending);
            pending.clear();
            pendingBytes = 0;
            inFlight.acquireUninterruptibly();
            calls++;
            try {
                executor.execute(() -> {
                    try {
                        sendWithRetries(batch);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        inFlight.release();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release();
                throw e;
            }
        }

        private void awaitInFlight() {
            inFlight.acquireUninterruptibly(concurrency);
            inFlight.release(concurrency);
        }

        private void rethrowFailure() {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        private void sendWithRetries(List<Entry> messages) {
            Map<String, SendMessageBatchRequestEntry> remaining = new LinkedHashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                String id = Integer.toString(i);
                Entry message = messages.get(i);
                remaining.put(id, SendMessageBatchRequestEntry.builder().id(id).messageBody(message.body())
                        .delaySeconds(message.delaySeconds()).messageGroupId(message.messageGroupId()).build());
            }
            for (int attempt = 1; ; attempt++) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(remaining.values());
                SendMessageBatchResponse response = sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
                if (!response.hasFailed() || response.failed().isEmpty()) {
                    return;
                }
                List<BatchResultErrorEntry> failed = response.failed();
                // A sender fault (too large, invalid characters) fails the same way every time.
                if (failed.stream().anyMatch(BatchResultErrorEntry::senderFault) || attempt == maxAttempts) {
                    throw new QueueSendException(failed.size() + " of " + entries.size() + " messages not accepted after "
                            + attempt + " attempt(s): " + failed.stream().map(BatchResultErrorEntry::code).distinct()
                            .collect(Collectors.joining(", ")));
                }
                remaining.keySet().retainAll(failed.stream().map(BatchResultErrorEntry::id).toList());
                sleep(backoff(attempt));
            }
        }
    }

    private Duration backoff(int attempt) {
        long ceiling = baseBackoff.toMillis() << Math.min(attempt - 1, 10);
        return Duration.ofMillis(Jitter.below(ceiling + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueSendException("Interrupted while retrying a batch");
        }
    }
}
