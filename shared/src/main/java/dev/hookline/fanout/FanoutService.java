package dev.hookline.fanout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryMessages;
import dev.hookline.fanout.IngestReader.Ingested;
import dev.hookline.fanout.IngestReader.Position;
import dev.hookline.json.Json;
import dev.hookline.log.Log;
import dev.hookline.queues.SqsBatchSender;
import dev.hookline.queues.Utf8;
import dev.hookline.rules.EventCatalog;
import dev.hookline.storage.FanoutLedger;
import dev.hookline.storage.WebhookStore.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns ingest messages into one delivery message per matching webhook (docs/fanout.md), a Lambda batch at a time.
 *
 * <ol>
 *   <li>Invalid messages go to the parking queue with their reason and count as handled.
 *   <li>One ledger read for the whole batch says which event parts were fanned out already (a producer's
 *       duplicate: dropped) and brings each tenant's epoch, under which the cached subscription index is
 *       valid: a batch of events to known types makes no index Query.
 *   <li>The events' matches stream, concurrently, into one shared SendMessageBatch stream, so deliveries of
 *       different events fill the same calls; each part stops at its budget (a delivery count or the time left)
 *       and a continuation message on the ingest queue carries the rest.
 *   <li>The parts are recorded in the ledger (one BatchWriteItem) only after every send and continuation
 *       succeeded, so a failure retries the messages and re-sends the same delivery ids: at least once, never
 *       silently less.
 *   <li>One log line sums up the batch, with each message's outcome.
 * </ol>
 */
public final class FanoutService {

    /** How long a producer's duplicate of a fanned-out event is recognised. */
    private static final Duration DEDUPE_WINDOW = Duration.ofHours(24);
    /** Time kept back from the function timeout for draining sends, the continuation and the ledger write. */
    private static final Duration RESERVE = Duration.ofSeconds(10);
    private static final int MAX_ATTRIBUTE_CHARS = 1024;
    /** A group message stays within one 64 KiB SQS billing chunk, with room for the group's own brackets. */
    private static final int MAX_GROUP_BYTES = 64 * 1024 - 256;
    /** Room left in a parked message for its attributes. */
    private static final int MAX_PARKED_BODY_BYTES = SqsBatchSender.MAX_BATCH_BYTES - 4 * 1024;

    /** What became of one ingest message. */
    public sealed interface Outcome {
    }

    /** @param continued whether a continuation message carries the rest of the matches */
    public record FannedOut(String eventId, int part, int deliveries, boolean continued) implements Outcome {
    }

    public record Duplicate(String eventId, int part) implements Outcome {
    }

    public record Parked(String reason) implements Outcome {
    }

    /** The message could not be handled and must return to the queue. */
    public record Failed(RuntimeException cause) implements Outcome {
    }

    private final IngestReader reader;
    private final EventCatalog catalog;
    private final CachedSubscriptionIndex index;
    private final FanoutLedger ledger;
    private final SqsBatchSender sender;
    private final FanoutConfig config;
    private final Clock clock;

    public FanoutService(IngestReader reader, EventCatalog catalog, CachedSubscriptionIndex index, FanoutLedger ledger,
            SqsBatchSender sender, FanoutConfig config, Clock clock) {
        this.reader = reader;
        this.catalog = catalog;
        this.index = index;
        this.ledger = ledger;
        this.sender = sender;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Handles a batch and returns the ids of the messages that failed and must be retried; the others may be
     * deleted.
     *
     * @param timeLeft until the function times out
     */
    public Set<String> processAll(List<IngestMessage> batch, Duration timeLeft) {
        Set<String> failed = new LinkedHashSet<>();
        process(batch, timeLeft).forEach((messageId, outcome) -> {
            if (outcome instanceof Failed) {
                failed.add(messageId);
            }
        });
        return failed;
    }

    /** Handles one message as a batch of one; throws what made it fail. */
    public Outcome process(IngestMessage message, Duration timeLeft) {
        Outcome outcome = process(List.of(message), timeLeft).get(message.messageId());
        if (outcome instanceof Failed failed) {
            throw failed.cause();
        }
        return outcome;
    }

    /** A valid message of the batch on its way through. */
    private static final class Pending {
        final IngestMessage message;
        final Ingested ingested;
        final FanoutLedger.Key key;
        Part part;
        RuntimeException failure;

        Pending(IngestMessage message, Ingested ingested) {
            this.message = message;
            this.ingested = ingested;
            ResourceEvent event = ingested.event();
            this.key = new FanoutLedger.Key(event.companyId(), event.eventId(), ingested.position().part());
        }
    }

    /** What one part sent, and whether matches remain after {@code lastWebhookId}. */
    private record Part(int deliveries, String lastWebhookId, boolean continued) {
    }

    /** Every message's outcome, by message id, in batch order. */
    public Map<String, Outcome> process(List<IngestMessage> batch, Duration timeLeft) {
        Instant started = clock.instant();
        Instant deadline = started.plus(timeLeft).minus(RESERVE);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        List<Pending> valid = new ArrayList<>();
        for (IngestMessage message : batch) {
            try {
                valid.add(new Pending(message, reader.read(message.body(), message.messageId())));
            } catch (InvalidMessageException e) {
                outcomes.put(message.messageId(), park(message, e));
            }
        }

        List<Pending> toSend = new ArrayList<>();
        int sendCalls = 0;
        if (!valid.isEmpty()) {
            try {
                FanoutLedger.Seen seen = ledger.read(valid.stream().map(pending -> pending.key).toList(), started);
                Set<FanoutLedger.Key> taken = new HashSet<>(seen.fannedOut());
                for (Pending pending : valid) {
                    if (taken.add(pending.key)) { // a second copy in the same batch is a duplicate too
                        toSend.add(pending);
                    } else {
                        outcomes.put(pending.message.messageId(), new Duplicate(pending.key.eventId(), pending.key.part()));
                    }
                }
                sendCalls = sendParts(toSend, new SubscriptionMatcher(catalog, index.at(seen.tenantEpochs())),
                        seen.tenantEpochs(), deadline);
                recordParts(toSend);
            } catch (RuntimeException e) {
                valid.forEach(pending -> pending.failure = pending.failure == null ? e : pending.failure);
            }
            for (Pending pending : valid) {
                String messageId = pending.message.messageId();
                if (outcomes.containsKey(messageId)) {
                    continue; // a duplicate
                }
                outcomes.put(messageId, pending.failure != null ? new Failed(pending.failure)
                        : new FannedOut(pending.key.eventId(), pending.key.part(), pending.part.deliveries(),
                                pending.part.continued()));
            }
        }
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        batch.forEach(message -> ordered.put(message.messageId(), outcomes.get(message.messageId())));
        logBatch(ordered, valid, sendCalls, started);
        return ordered;
    }

    /**
     * Streams every part's deliveries into one SendMessageBatch stream, the parts concurrently (one virtual thread
     * each: a lookup that misses the cache waits on its own), then sends the continuations. Throws if the stream
     * failed: its calls mix the parts, so none of them is known to be complete. Returns the calls made.
     */
    private int sendParts(List<Pending> parts, SubscriptionMatcher matcher, Map<String, Long> tenantEpochs,
            Instant deadline) {
        if (parts.isEmpty()) {
            return 0;
        }
        try (SqsBatchSender.Stream out = sender.open(config.deliveryQueueUrl())) {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Pending pending : parts) {
                    executor.execute(() -> {
                        try {
                            ResourceEvent event = pending.ingested.event();
                            pending.part = sendPart(event, pending.ingested.position(), matcher,
                                    tenantEpochs.getOrDefault(event.companyId(), 0L), out, deadline);
                        } catch (RuntimeException e) {
                            pending.failure = e;
                        }
                    });
                }
            }
            out.finish();
            for (Pending pending : parts) {
                if (pending.failure == null && pending.part.continued()) {
                    try {
                        ResourceEvent event = pending.ingested.event();
                        sender.send(config.ingestQueueUrl(), IngestReader.continuation(event,
                                new Position(pending.key.part() + 1, pending.part.lastWebhookId())), Duration.ZERO,
                                event.companyId());
                    } catch (RuntimeException e) {
                        pending.failure = e;
                    }
                }
            }
            return out.calls();
        }
    }

    /** Adds the deliveries of the matches after {@code position} to {@code out} until they or the budget run out. */
    private Part sendPart(ResourceEvent event, Position position, SubscriptionMatcher matcher, long tenantEpoch,
            SqsBatchSender.Stream out, Instant deadline) {
        Iterator<Subscription> matches = matcher.matches(event, position.afterWebhookId());
        String last = position.afterWebhookId();
        int deliveries = 0;
        boolean more;
        Grouper groups = new Grouper(out, event.companyId());
        // At least one delivery per part, so a chain of continuations always makes progress.
        while ((more = matches.hasNext())
                && (deliveries == 0 || (deliveries < config.maxDeliveriesPerPart() && clock.instant().isBefore(deadline)))) {
            Subscription match = matches.next();
            groups.add(Json.write(DeliveryMessage.first(event, match, tenantEpoch).toJson()));
            last = match.webhookId();
            deliveries++;
        }
        groups.flush();
        return new Part(deliveries, last, more);
    }

    /**
     * Packs an event's deliveries into group messages of up to {@link DeliveryMessages#MAX_GROUP} deliveries and
     * {@link #MAX_GROUP_BYTES}: SQS bills per message (per 64 KiB), so five deliveries in one message cost one
     * send, one receive and one delete instead of five each. A group of one is sent as a plain delivery message.
     * Each message carries its tenant as its message group, which makes the delivery queue an SQS fair queue.
     */
    private static final class Grouper {
        private final SqsBatchSender.Stream out;
        private final String tenant;
        private final List<String> members = new ArrayList<>(DeliveryMessages.MAX_GROUP);
        private int bytes;

        Grouper(SqsBatchSender.Stream out, String tenant) {
            this.out = out;
            this.tenant = tenant;
        }

        void add(String delivery) {
            int size = Utf8.length(delivery);
            if (members.size() == DeliveryMessages.MAX_GROUP || (!members.isEmpty() && bytes + size > MAX_GROUP_BYTES)) {
                flush();
            }
            members.add(delivery);
            bytes += size;
        }

        void flush() {
            if (members.size() == 1) {
                out.add(members.getFirst(), Duration.ZERO, tenant);
            } else if (!members.isEmpty()) {
                out.add(DeliveryMessages.group(members), Duration.ZERO, tenant);
            }
            members.clear();
            bytes = 0;
        }
    }

    /** One ledger write for the parts that were sent completely; if it fails, they all retry. */
    private void recordParts(List<Pending> parts) {
        List<FanoutLedger.Entry> entries = parts.stream().filter(pending -> pending.failure == null)
                .map(pending -> new FanoutLedger.Entry(pending.key, pending.part.deliveries())).toList();
        if (entries.isEmpty()) {
            return;
        }
        try {
            ledger.record(entries, clock.instant(), DEDUPE_WINDOW);
        } catch (RuntimeException e) {
            parts.forEach(pending -> pending.failure = pending.failure == null ? e : pending.failure);
        }
    }

    /**
     * One line per batch (CloudWatch Logs is paid per byte), with each message's outcome; invalid messages have a
     * line of their own, failures one each with their cause.
     */
    private void logBatch(Map<String, Outcome> outcomes, List<Pending> valid, int sendCalls, Instant started) {
        Map<String, Pending> byMessage = new HashMap<>();
        valid.forEach(pending -> byMessage.put(pending.message.messageId(), pending));
        ObjectNode line = Log.info("Fan-out batch");
        ArrayNode events = line.putArray("events");
        int deliveries = 0;
        for (Map.Entry<String, Outcome> entry : outcomes.entrySet()) {
            Pending pending = byMessage.get(entry.getKey());
            if (pending == null) {
                continue; // parked, logged on its own
            }
            ObjectNode event = events.addObject().put("message_id", entry.getKey())
                    .put("event_id", pending.key.eventId())
                    .put("type", pending.ingested.event().type().toString());
            if (pending.key.part() > 0) {
                event.put("part", pending.key.part());
            }
            switch (entry.getValue()) {
                case FannedOut fannedOut -> {
                    event.put("deliveries", fannedOut.deliveries());
                    deliveries += fannedOut.deliveries();
                    if (fannedOut.continued()) {
                        event.put("continued", true);
                    }
                    if (pending.ingested.fromSns()) {
                        event.put("from_sns", true);
                    }
                }
                case Duplicate duplicate -> event.put("duplicate", true);
                case Failed failed -> {
                    event.put("failed", true);
                    Log.error("Fan-out failed for message " + entry.getKey() + "; it returns to the queue", failed.cause());
                }
                case Parked parked -> {
                }
            }
        }
        line.put("messages", outcomes.size());
        line.put("deliveries", deliveries);
        line.put("send_batch_calls", sendCalls);
        line.put("duration_ms", Duration.between(started, clock.instant()).toMillis());
        Log.emit(line);
    }

    /** The original body goes to the parking queue unchanged, so re-driving it is a plain send. */
    private Outcome park(IngestMessage message, InvalidMessageException reason) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("hookline-reason", attribute(reason.reason()));
        attributes.put("hookline-detail", attribute(reason.detail()));
        attributes.put("hookline-source-message-id", attribute(message.messageId()));
        attributes.put("hookline-parked-at", attribute(clock.instant().toString()));
        String body = message.body();
        int bytes = Utf8.length(body);
        if (bytes > MAX_PARKED_BODY_BYTES) {
            // Only a message close to SQS's own limit gets here: keep what fits and say so.
            body = Utf8.truncate(body, MAX_PARKED_BODY_BYTES);
            attributes.put("hookline-truncated-from-bytes", MessageAttributeValue.builder()
                    .dataType("Number").stringValue(Integer.toString(bytes)).build());
        }
        try {
            sender.send(config.parkingQueueUrl(), body, attributes);
        } catch (RuntimeException e) {
            return new Failed(e);
        }
        ObjectNode entry = Log.warn("Invalid message parked");
        entry.put("message_id", message.messageId());
        entry.put("reason", reason.reason());
        entry.put("detail", reason.detail());
        Log.emit(entry);
        return new Parked(reason.reason());
    }

    private static MessageAttributeValue attribute(String value) {
        String text = value.length() > MAX_ATTRIBUTE_CHARS ? value.substring(0, MAX_ATTRIBUTE_CHARS) : value;
        return MessageAttributeValue.builder().dataType("String").stringValue(text).build();
    }
}
