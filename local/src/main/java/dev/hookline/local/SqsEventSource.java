package dev.hookline.local;

import dev.hookline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS event source mapping: pollers that receive batches from a queue, invoke the function with the SQS event
 * Lambda would build, and delete what the function processed.
 *
 * <p>Outcome handling follows Lambda. Without ReportBatchItemFailures a successful invocation deletes the whole
 * batch. With it, every message except the reported {@code batchItemFailures} is deleted; a malformed response,
 * an empty or unknown {@code itemIdentifier}, or an error fails the whole batch. Failed messages are not touched:
 * they become visible again after the queue's visibility timeout, and the queue's RedrivePolicy moves them to the
 * dead-letter queue after {@code maxReceiveCount} receives, as on AWS.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SqsEventSource.class.getName());

    /**
     * Long-poll wait per receive. Lambda's pollers wait 20 s; a short wait keeps {@link #close()} prompt and costs
     * an idle local queue nothing worth counting.
     */
    private static final int POLL_WAIT_SECONDS = 1;
    private static final int MAX_MESSAGES_PER_RECEIVE = 10;
    /**
     * Pollers receiving at once. Lambda scales its pollers with the queue's traffic rather than keeping
     * MaximumConcurrency of them busy on an idle queue; here a poller that receives a batch lets a resting one take
     * its place at the queue, so concurrency still grows to MaximumConcurrency under load, while an idle stack costs
     * two long polls per second per mapping instead of one per poller.
     */
    private static final int RECEIVING_POLLERS = 2;
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    /** One mapping: the queue, the function's batching settings and the pollers' concurrency. */
    public record Mapping(String queueUrl, String queueArn, int batchSize, Duration batchingWindow,
                          boolean reportBatchItemFailures, int maximumConcurrency) {
    }

    /** Counts since start, for logs and tests. */
    public record Stats(long invocations, long failedInvocations, long deletedMessages) {
    }

    private final SqsClient sqs;
    private final Mapping mapping;
    private final LambdaContainer function;
    private final String region;
    private final ExecutorService pollers;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private final AtomicLong deletedMessages = new AtomicLong();
    private volatile boolean running = true;
    private final Object receiveSlots = new Object();
    private int receiving;

    private SqsEventSource(SqsClient sqs, Mapping mapping, LambdaContainer function, String region) {
        this.sqs = sqs;
        this.mapping = mapping;
        this.function = function;
        this.region = region;
        AtomicInteger threads = new AtomicInteger();
        String name = "sqs-" + function.config().functionName() + "-";
        this.pollers = Executors.newFixedThreadPool(mapping.maximumConcurrency(), task -> {
            Thread thread = new Thread(task, name + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts {@code maximumConcurrency} pollers, each running one batch at a time.
     *
     * @throws TemplateException when the queue's visibility timeout is shorter than the function's Timeout, which
     *                           Lambda refuses too (messages would come back while still being processed)
     */
    public static SqsEventSource start(SqsClient sqs, Mapping mapping, LambdaContainer function, String region) {
        int visibilityTimeout = Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(mapping.queueUrl())
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                .get(QueueAttributeName.VISIBILITY_TIMEOUT));
        if (visibilityTimeout < function.config().timeoutSeconds()) {
            throw new TemplateException("function " + function.config().functionName() + " reading "
                    + mapping.queueArn() + ": Queue visibility timeout: " + visibilityTimeout
                    + " seconds is less than Function timeout: " + function.config().timeoutSeconds() + " seconds");
        }
        SqsEventSource source = new SqsEventSource(sqs, mapping, function, region);
        for (int i = 0; i < mapping.maximumConcurrency(); i++) {
            source.pollers.execute(source::poll);
        }
        return source;
    }

    public Stats stats() {
        return new Stats(invocations.get(), failedInvocations.get(), deletedMessages.get());
    }

    public Mapping mapping() {
        return mapping;
    }

    /** Stops polling and waits for batches in flight to finish (their invocations are bounded by the Timeout). */
    @Override
    public void close() {
        running = false;
        synchronized (receiveSlots) {
            receiveSlots.notifyAll();
        }
        pollers.shutdown();
        long waitMillis = TimeUnit.SECONDS.toMillis(POLL_WAIT_SECONDS + mapping.batchingWindow().toSeconds())
                + function.timeout().toMillis() + 5_000;
        try {
            if (!pollers.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                pollers.shutdownNow();
            }
        } catch (InterruptedException e) {
            pollers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void poll() {
        while (running) {
            try {
                if (!takeReceiveSlot()) {
                    return;
                }
                List<Message> batch = List.of();
                try {
                    batch = receiveBatch();
                } finally {
                    releaseReceiveSlot();
                }
                if (!batch.isEmpty()) {
                    process(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "polling " + mapping.queueUrl() + " failed, retrying", e);
                sleep(ERROR_BACKOFF);
            }
        }
    }

    /** Waits for one of the {@link #RECEIVING_POLLERS} slots; false once the mapping is closed. */
    private boolean takeReceiveSlot() throws InterruptedException {
        synchronized (receiveSlots) {
            while (running && receiving >= RECEIVING_POLLERS) {
                receiveSlots.wait();
            }
            receiving++;
            return running;
        }
    }

    private void releaseReceiveSlot() {
        synchronized (receiveSlots) {
            receiving--;
            receiveSlots.notify();
        }
    }

    /**
     * Up to BatchSize messages: one receive when there is no batching window, otherwise receives until the batch
     * is full or the window, started by the first message, has passed.
     */
    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        long windowEnd = 0;
        while (running && batch.size() < mapping.batchSize()) {
            int waitSeconds = POLL_WAIT_SECONDS;
            if (!batch.isEmpty()) {
                long remainingMillis = (windowEnd - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    break;
                }
                waitSeconds = (int) Math.min(POLL_WAIT_SECONDS, Math.ceil(remainingMillis / 1000.0));
            }
            int wanted = Math.min(MAX_MESSAGES_PER_RECEIVE, mapping.batchSize() - batch.size());
            int wait = waitSeconds;
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(mapping.queueUrl())
                    .maxNumberOfMessages(wanted)
                    .waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                if (received.isEmpty()) {
                    continue;
                }
                windowEnd = System.nanoTime() + mapping.batchingWindow().toNanos();
            }
            batch.addAll(received);
            if (mapping.batchingWindow().isZero()) {
                break;
            }
        }
        return batch;
    }

    private void process(List<Message> batch) {
        invocations.incrementAndGet();
        String output;
        try {
            output = function.invoke(Json.write(event(batch)));
        } catch (LambdaInvocationException e) {
            failedInvocations.incrementAndGet();
            LOG.log(Level.WARNING, "{0}; the batch of {1} stays on {2}", e.getMessage(), batch.size(),
                    mapping.queueUrl());
            return;
        }
        List<Message> toDelete = batch;
        if (mapping.reportBatchItemFailures()) {
            Set<String> failed = reportedFailures(output, batch);
            if (failed == null) {
                failedInvocations.incrementAndGet();
                return;
            }
            toDelete = batch.stream().filter(m -> !failed.contains(m.messageId())).toList();
        }
        delete(toDelete);
    }

    /** The reported message ids, or null when the response makes Lambda fail the whole batch. */
    private Set<String> reportedFailures(String output, List<Message> batch) {
        JsonNode response;
        try {
            response = Json.parse(output);
        } catch (Json.MalformedJsonException e) {
            return invalidResponse("is not JSON");
        }
        if (response.isNull() || response.isObject() && response.path("batchItemFailures").isMissingNode()) {
            return Set.of();
        }
        if (!response.isObject()) {
            return invalidResponse("is not an object");
        }
        JsonNode failures = response.get("batchItemFailures");
        if (failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            return invalidResponse("has a batchItemFailures that is not a list");
        }
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !inBatch.contains(id.asText())) {
                return invalidResponse("reports itemIdentifier " + id + ", which is not a message of the batch");
            }
            failed.add(id.asText());
        }
        return failed;
    }

    private Set<String> invalidResponse(String problem) {
        LOG.log(Level.WARNING, "function {0}: the batch response {1}; the whole batch fails as on Lambda",
                function.config().functionName(), problem);
        return null;
    }

    private void delete(List<Message> messages) {
        for (int start = 0; start < messages.size(); start += MAX_MESSAGES_PER_RECEIVE) {
            List<Message> chunk = messages.subList(start, Math.min(messages.size(), start + MAX_MESSAGES_PER_RECEIVE));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(String.valueOf(i)).receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(mapping.queueUrl())
                    .entries(entries));
            deletedMessages.addAndGet(response.successful().size());
            response.failed().forEach(failure -> LOG.log(Level.WARNING, "deleting a message from {0} failed: {1}"
                    + " (if the receipt handle expired, the batch outlasted the queue''s visibility timeout and the"
                    + " message will be processed again)", mapping.queueUrl(), failure.message()));
        }
    }

    /** The event Lambda builds for an SQS batch. */
    private ObjectNode event(List<Message> batch) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message message : batch) {
            ObjectNode record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            ObjectNode attributes = record.putObject("attributes");
            message.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> entry : message.messageAttributes().entrySet()) {
                messageAttributes.set(entry.getKey(), messageAttribute(entry.getValue()));
            }
            if (message.md5OfMessageAttributes() != null) {
                record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
            }
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", mapping.queueArn());
            record.put("awsRegion", region);
        }
        return event;
    }

    private static ObjectNode messageAttribute(MessageAttributeValue value) {
        ObjectNode node = Json.object();
        if (value.stringValue() != null) {
            node.put("stringValue", value.stringValue());
        }
        if (value.binaryValue() != null) {
            node.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
        }
        ArrayNode strings = node.putArray("stringListValues");
        value.stringListValues().forEach(strings::add);
        ArrayNode binaries = node.putArray("binaryListValues");
        value.binaryListValues().forEach(b -> binaries.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        node.put("dataType", value.dataType());
        return node;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
