package dev.hookline.fanout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.fanout.IngestReader.Ingested;
import dev.hookline.fanout.IngestReader.Position;
import dev.hookline.json.Json;
import dev.hookline.log.Log;
import dev.hookline.queues.SqsBatchSender;
import dev.hookline.queues.Utf8;
import dev.hookline.storage.FanoutLedger;
import dev.hookline.storage.WebhookStore.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns one ingest message into one delivery message per matching webhook (docs/fanout.md).
 *
 * <ol>
 *   <li>Invalid messages go to the parking queue with their reason and count as handled.
 *   <li>A part the ledger says was fanned out already (a producer's duplicate) is dropped.
 *   <li>Matches stream from the index into SendMessageBatch calls until the part's budget (a delivery count or
 *       the time left) runs out; then a continuation message on the ingest queue carries the rest.
 *   <li>The part is recorded in the ledger only after every send (and the continuation) succeeded, so a failure
 *       retries the message and re-sends the same delivery ids: at least once, never silently less. That one
 *       write (and one read before) is all fan-out costs in DynamoDB per event part.
 * </ol>
 */
public final class FanoutService {

    /** How long a producer's duplicate of a fanned-out event is recognised. */
    private static final Duration DEDUPE_WINDOW = Duration.ofHours(24);
    /** Time kept back from the function timeout for draining sends, the continuation and the ledger write. */
    private static final Duration RESERVE = Duration.ofSeconds(10);
    private static final int MAX_ATTRIBUTE_CHARS = 1024;
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

    private final IngestReader reader;
    private final SubscriptionMatcher matcher;
    private final FanoutLedger ledger;
    private final SqsBatchSender sender;
    private final FanoutConfig config;
    private final Clock clock;

    public FanoutService(IngestReader reader, SubscriptionMatcher matcher, FanoutLedger ledger, SqsBatchSender sender,
            FanoutConfig config, Clock clock) {
        this.reader = reader;
        this.matcher = matcher;
        this.ledger = ledger;
        this.sender = sender;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Handles a batch, its messages concurrently (one virtual thread each): a batch of small events takes about as
     * long as its slowest event instead of their sum, which is most of fan-out's Lambda duration. Returns the ids of
     * the messages that failed and must be retried; the others may be deleted.
     */
    public Set<String> processAll(List<IngestMessage> batch, Duration timeLeft) {
        Map<String, Future<Outcome>> running = new LinkedHashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            batch.forEach(message -> running.put(message.messageId(), executor.submit(() -> process(message, timeLeft))));
        }
        Set<String> failed = new LinkedHashSet<>();
        running.forEach((messageId, outcome) -> {
            try {
                outcome.get();
            } catch (ExecutionException e) {
                Log.error("Fan-out failed for message " + messageId + "; it returns to the queue", e.getCause());
                failed.add(messageId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(messageId);
            }
        });
        return failed;
    }

    /**
     * Handles one message. It may be deleted from the ingest queue unless this throws; then it must be retried.
     *
     * @param timeLeft until the function times out
     */
    public Outcome process(IngestMessage message, Duration timeLeft) {
        Instant started = clock.instant();
        Instant deadline = started.plus(timeLeft).minus(RESERVE);
        Ingested ingested;
        try {
            ingested = reader.read(message.body(), message.messageId());
        } catch (InvalidMessageException e) {
            park(message, e);
            return new Parked(e.reason());
        }
        ResourceEvent event = ingested.event();
        Position position = ingested.position();
        FanoutLedger.Key key = new FanoutLedger.Key(event.companyId(), event.eventId(), position.part());
        if (ledger.fannedOut(key, started)) {
            Log.emit(entry(Log.info("Duplicate event dropped"), message, event, position));
            return new Duplicate(event.eventId(), position.part());
        }

        Part part = sendPart(event, position, deadline);
        if (part.continued()) {
            sender.send(config.ingestQueueUrl(),
                    IngestReader.continuation(event, new Position(position.part() + 1, part.lastWebhookId())), Map.of());
        }
        ledger.record(key, part.deliveries(), clock.instant(), DEDUPE_WINDOW);

        ObjectNode entry = entry(Log.info("Event fanned out"), message, event, position);
        entry.put("deliveries", part.deliveries());
        entry.put("send_batch_calls", part.calls());
        entry.put("continued", part.continued());
        entry.put("from_sns", ingested.fromSns());
        entry.put("duration_ms", Duration.between(started, clock.instant()).toMillis());
        Log.emit(entry);
        return new FannedOut(event.eventId(), position.part(), part.deliveries(), part.continued());
    }

    /** What one part sent, and whether matches remain after {@code lastWebhookId}. */
    private record Part(int deliveries, int calls, String lastWebhookId, boolean continued) {
    }

    /**
     * Enqueues the deliveries of the matches after {@code position} until they run out or the budget does;
     * returns once every one of them is on the delivery queue.
     */
    private Part sendPart(ResourceEvent event, Position position, Instant deadline) {
        Iterator<Subscription> matches = matcher.matches(event, position.afterWebhookId());
        String last = position.afterWebhookId();
        int deliveries = 0;
        boolean more;
        try (SqsBatchSender.Stream out = sender.open(config.deliveryQueueUrl())) {
            // At least one delivery per part, so a chain of continuations always makes progress.
            while ((more = matches.hasNext())
                    && (deliveries == 0 || (deliveries < config.maxDeliveriesPerPart() && clock.instant().isBefore(deadline)))) {
                Subscription match = matches.next();
                out.add(Json.write(DeliveryMessage.first(event, match).toJson()));
                last = match.webhookId();
                deliveries++;
            }
            out.finish();
            return new Part(deliveries, out.calls(), last, more);
        }
    }

    /** The original body goes to the parking queue unchanged, so re-driving it is a plain send. */
    private void park(IngestMessage message, InvalidMessageException reason) {
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
        sender.send(config.parkingQueueUrl(), body, attributes);
        ObjectNode entry = Log.warn("Invalid message parked");
        entry.put("message_id", message.messageId());
        entry.put("reason", reason.reason());
        entry.put("detail", reason.detail());
        Log.emit(entry);
    }

    private static MessageAttributeValue attribute(String value) {
        String text = value.length() > MAX_ATTRIBUTE_CHARS ? value.substring(0, MAX_ATTRIBUTE_CHARS) : value;
        return MessageAttributeValue.builder().dataType("String").stringValue(text).build();
    }

    private static ObjectNode entry(ObjectNode entry, IngestMessage message, ResourceEvent event, Position position) {
        entry.put("message_id", message.messageId());
        entry.put("company_id", event.companyId());
        entry.put("event_id", event.eventId());
        entry.put("type", event.type().toString());
        entry.put("part", position.part());
        return entry;
    }
}
