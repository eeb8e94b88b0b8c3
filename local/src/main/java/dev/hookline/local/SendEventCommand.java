package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.AwsClients;
import dev.hookline.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./hookline send-event FILE}: drops a producer message (docs/producer-contract.md) on the running local
 * stack's ingest queue, as a producer would, then reports what the fan-out function made of it: fanned out to N
 * deliveries, dropped as a duplicate, or parked with its reason. The event gets a fresh {@code event_id} each time
 * (so sending a sample twice is two events) unless {@code --keep-event-id}, and is sent for the dev key's tenant
 * unless {@code --company} names another.
 */
final class SendEventCommand {

    static final CommandLine COMMAND = new CommandLine("send-event", """
            usage: ./hookline send-event FILE [--company ID] [--keep-event-id] [--state-file PATH] [--wait SECONDS]

            Drops the producer event in FILE (e.g. events/resource-event-ticket-create.json) on the running local
            stack's ingest queue and reports what fan-out made of it.
              --company ID       tenant of the event (default: the local stack's dev tenant)
              --keep-event-id    keep the file's event_id (a second send is then dropped as a duplicate);
                                 by default every send gets a fresh one
              --state-file PATH  the local stack to send to (default .hookline/state.json in the repository)
              --wait SECONDS     how long to wait for fan-out's answer (default 30)""",
            "FILE", Set.of("company", "state-file", "wait"), Set.of("keep-event-id"), Set.of());

    /** Fan-out's line for each batch: one entry per valid message in {@code events}. */
    private static final String BATCH_LINE = "Fan-out batch";
    private static final String PARKED_LINE = "Invalid message parked";

    private SendEventCommand() {
    }

    static void run(CommandLine.Args args) throws InterruptedException {
        run(args, System.out);
    }

    /** Sends the event and prints its outcome to {@code out}. */
    static void run(CommandLine.Args args, PrintStream out) throws InterruptedException {
        Path file = Path.of(args.positional());
        String text = read(file);
        JsonNode state = LocalStacks.requireRunning(args.path("state-file", Workspace.dataDir().resolve("state.json")));
        String body = eventBody(text, args, state);
        Path log = Path.of(state.path("log_file").asText());
        long logOffset = size(log);

        String queueUrl = state.path("queues").path("IngestQueue").asText();
        JsonNode aws = state.path("aws");
        String messageId;
        try (SqsClient sqs = AwsClients.of(Region.of(aws.path("region").asText()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                Map.of("SQS", URI.create(aws.path("sqs_endpoint").asText())), null).sqs()) {
            messageId = sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody(body)).messageId();
        }
        System.err.println("Sent " + file + " to the ingest queue (message " + messageId + ").");

        Duration wait = Duration.ofSeconds(args.integer("wait", 30));
        Optional<JsonNode> outcome = awaitOutcome(log, logOffset, messageId, wait);
        if (outcome.isEmpty()) {
            throw new UserError("fan-out has not handled message " + messageId + " after " + wait.toSeconds()
                    + " s; its log is " + log);
        }
        out.println(describe(outcome.get()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** The file's event for the chosen tenant, with a fresh event id unless asked to keep the file's. */
    private static String eventBody(String text, CommandLine.Args args, JsonNode state) {
        JsonNode event;
        try {
            event = Json.parse(text);
        } catch (RuntimeException e) {
            // Sent as it is: fan-out parks it with the reason, which is worth seeing too.
            return text;
        }
        if (event.isObject()) {
            ObjectNode object = (ObjectNode) event;
            object.put("company_id", args.get("company", state.path("company_id").asText()));
            if (!args.flag("keep-event-id")) {
                object.put("event_id", "evt_" + UUID.randomUUID().toString().replace("-", ""));
            }
        }
        return Json.write(event);
    }

    /** {@code outcome}: a batch line's entry for the message, or the message's parked line. */
    static String describe(JsonNode outcome) {
        String eventId = outcome.path("event_id").asText("");
        if (PARKED_LINE.equals(outcome.path("message").asText())) {
            return "Message parked as invalid: " + outcome.path("reason").asText() + " ("
                    + outcome.path("detail").asText() + "). See docs/fanout.md for the parking queue.";
        }
        if (outcome.path("duplicate").asBoolean()) {
            return "Event " + eventId
                    + " dropped as a duplicate: an event with this id was fanned out already (send without --keep-event-id for a fresh id).";
        }
        int deliveries = outcome.path("deliveries").asInt();
        return "Event " + eventId + " (" + outcome.path("type").asText() + ") fanned out to " + deliveries
                + (deliveries == 1 ? " delivery." : " deliveries.")
                + (outcome.path("continued").asBoolean() ? " More follow in a continuation." : "");
    }

    /** Follows the runner's log from {@code offset} for the line that tells what became of {@code messageId}. */
    private static Optional<JsonNode> awaitOutcome(Path log, long offset, String messageId, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long position = offset;
        StringBuilder partial = new StringBuilder();
        do {
            try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
                in.seek(position);
                byte[] chunk = new byte[(int) Math.max(0, in.length() - position)];
                in.readFully(chunk);
                position += chunk.length;
                partial.append(new String(chunk, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the local stack's log " + log, e);
            }
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, newline);
                partial.delete(0, newline + 1);
                Optional<JsonNode> outcome = outcomeOf(line, messageId);
                if (outcome.isPresent()) {
                    return outcome;
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /** The message's outcome if {@code line} tells it; a failed attempt does not, as the message is retried. */
    private static Optional<JsonNode> outcomeOf(String line, String messageId) {
        if (!line.startsWith("{") || !line.contains(messageId)) {
            return Optional.empty();
        }
        try {
            JsonNode entry = Json.parse(line);
            String message = entry.path("message").asText();
            if (PARKED_LINE.equals(message)) {
                return messageId.equals(entry.path("message_id").asText()) ? Optional.of(entry) : Optional.empty();
            }
            if (BATCH_LINE.equals(message)) {
                for (JsonNode event : entry.path("events")) {
                    if (messageId.equals(event.path("message_id").asText()) && !event.path("failed").asBoolean()) {
                        return Optional.of(event);
                    }
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
