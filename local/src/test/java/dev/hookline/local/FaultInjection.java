package dev.hookline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The fault-injection run behind {@link FaultInjectionIT} and {@link FaultInjectionBenchmark}: the local stack as a
 * child process ({@code --persist}, a short retry schedule and delivery visibility timeout), webhooks pointing at
 * {@link FaultyReceiver}s (one of them down: every POST a 500), and events dropped on the ingest queue in four
 * waves, each with its fault while its deliveries are under way:
 * <ol>
 *   <li>duplicates: delivery-queue messages are taken with a short visibility, sent again as new messages, and the
 *       originals left to reappear (the same SQS message delivered twice);
 *   <li>a stall: the runner is stopped (SIGSTOP) longer than the delivery queue's visibility timeout, then resumed;
 *   <li>a crash: the runner is killed (SIGKILL) and started again on its data directory;
 *   <li>duplicates again, on the restarted stack.
 * </ol>
 * Once every queue is empty it reads every webhook's delivery log through the API and checks each (event, webhook)
 * pair: exactly one record, {@code succeeded} (and received with a 2xx at least once) or {@code failed} with a
 * {@code last_error} and accepted by the retry endpoint; nothing left {@code sending}, {@code retrying},
 * {@code queued} or {@code parked}.
 *
 * <p>The circuit breaker is set out of reach ({@code CircuitFailureThreshold}): the down receiver's deliveries are
 * meant to end {@code failed}, not parked behind an open circuit. The report counts the delivery invocations that
 * timed out (the runner logs "Task timed out"): each is a crash of a worker mid-batch too. Crashes are injected once fan-out has emptied the
 * ingest queue, whose 360 s visibility timeout would otherwise stretch a run by six minutes.
 */
final class FaultInjection {

    /**
     * @param webhooks         webhooks in all, one of them on the down receiver
     * @param events           {@code ticket.create} events, each delivered to every webhook
     * @param faults           how the other receivers misbehave
     * @param duplicateShare   share of a duplicate wave's deliveries whose messages are sent twice
     * @param retrySchedule    {@code DeliveryRetrySchedule}
     * @param visibility       {@code DeliveryVisibilityTimeout}; the stall lasts {@link #STALL_PAST_VISIBILITY} longer
     * @param drainTimeout     how long the queues may take to empty after the last wave
     */
    record Plan(int webhooks, int events, FaultyReceiver.Faults faults, double duplicateShare, String retrySchedule,
            Duration visibility, Duration drainTimeout, long seed) {

        int pairs() {
            return webhooks * events;
        }
    }

    /** One (event, webhook) pair that did not end as it must. */
    record Problem(String eventId, String webhookId, String what) {
        @Override
        public String toString() {
            return eventId + " -> " + webhookId + ": " + what;
        }
    }

    /** What a run found; {@link #problems()} is empty when nothing was lost, stuck or doubled. */
    record Report(Plan plan, FaultyReceiver.Faults receivers, int delivered, int failed, int missing, int stuck, int extraRecords, int unconfirmed,
            int notResendable, int posts, Map<FaultyReceiver.Answer, Integer> answers, int repeatedSuccesses,
            int duplicatedDeliveries, Duration stall, Duration restart, long timedOutInvocations, Duration took,
            Duration drain, List<Problem> problems) {

        void print(PrintStream out) {
            out.println();
            out.printf(Locale.ROOT, "Fault injection: %d webhooks x %d events = %d (event, webhook) pairs%n",
                    plan.webhooks(), plan.events(), plan.pairs());
            out.printf(Locale.ROOT, "  receivers: %s; 1 down (every POST a 500, retries 2). Retry schedule %s, "
                    + "delivery visibility %d s%n", receivers, plan.retrySchedule(), plan.visibility().toSeconds());
            out.printf(Locale.ROOT, "  injected: %d deliveries sent twice, 1 stall of %d s (SIGSTOP), "
                    + "1 kill -9 and restart on the data directory (%.1f s)%n", duplicatedDeliveries, stall.toSeconds(),
                    restart.toMillis() / 1000.0);
            String[] head = {"pairs", "delivered", "failed", "missing", "stuck", "extra records",
                "succeeded w/o 2xx", "failed, not re-sendable", "POSTs", "repeated 2xx POSTs", "took"};
            String[] row = {Integer.toString(plan.pairs()), Integer.toString(delivered), Integer.toString(failed),
                Integer.toString(missing), Integer.toString(stuck), Integer.toString(extraRecords),
                Integer.toString(unconfirmed), Integer.toString(notResendable), Integer.toString(posts),
                Integer.toString(repeatedSuccesses), String.format(Locale.ROOT, "%.0f s", took.toMillis() / 1000.0)};
            StringBuilder top = new StringBuilder("|");
            StringBuilder rule = new StringBuilder("|");
            StringBuilder values = new StringBuilder("|");
            for (int i = 0; i < head.length; i++) {
                int width = Math.max(head[i].length(), row[i].length());
                top.append(' ').append(pad(head[i], width)).append(" |");
                rule.append('-').append("-".repeat(width)).append("-|");
                values.append(' ').append(pad(row[i], width)).append(" |");
            }
            out.println(top);
            out.println(rule);
            out.println(values);
            out.printf(Locale.ROOT, "  POSTs by answer: %s; repeated 2xx POSTs: %.2f %% of deliveries; "
                    + "function invocations timed out: %d; drain after the last wave %d s%n", answers,
                    100.0 * repeatedSuccesses / Math.max(1, delivered), timedOutInvocations, drain.toSeconds());
            problems.stream().limit(50).forEach(problem -> out.println("  " + problem));
            if (problems.size() > 50) {
                out.println("  ... and " + (problems.size() - 50) + " more");
            }
            out.println();
        }

        private static String pad(String text, int width) {
            return " ".repeat(width - text.length()) + text;
        }
    }

    private static final int WAVES = 4;
    /**
     * Long enough for the messages the stalled runner holds to be handed out again, short enough that the claims it
     * made just before are still leased (the delivery function leases a claim for its 15 s deadline plus 30 s): the
     * resumed runner then meets copies of deliveries that a worker holds, as a host back from a long pause does.
     */
    private static final Duration STALL_PAST_VISIBILITY = Duration.ofSeconds(5);
    private static final int RETRIES_OF_THE_DOWN_WEBHOOK = 2;
    private static final Duration POLL = Duration.ofMillis(250);
    /** How long a stolen message stays hidden before the original reappears next to its copy. */
    private static final int STOLEN_VISIBILITY_SECONDS = 3;
    private static final Duration DUPLICATING_FOR = Duration.ofSeconds(30);
    /** Longer than the runner's 1 s long polls. */
    private static final Duration AFTER_STALL = Duration.ofSeconds(5);
    private static final Duration MID_WAVE_TIMEOUT = Duration.ofMinutes(10);
    /** Visible delivery messages the runner's pollers take within a second or two (10 pollers x 10 messages). */
    private static final int SHORT_BACKLOG = 50;

    private final Plan plan;
    private final Path dataDir;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, AtomicInteger> successesByDeliveryId = new ConcurrentHashMap<>();
    private final Map<FaultyReceiver.Answer, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final List<FaultyReceiver> receivers = new ArrayList<>();
    private final List<String> webhookIds = new ArrayList<>();
    private final List<String> eventIds = new ArrayList<>();
    private int duplicated;
    /** The plan's faults with the hang made to outlast the delivery deadline. */
    private FaultyReceiver.Faults faults;
    private JsonNode state;
    private SqsClient sqs;

    private FaultInjection(Plan plan, Path dataDir, PrintStream out) {
        this.plan = plan;
        this.dataDir = dataDir;
        this.out = out;
    }

    /** Runs {@code plan} on a fresh stack in {@code dataDir} and reports what it found. */
    static Report run(Plan plan, Path dataDir, PrintStream out) throws Exception {
        return new FaultInjection(plan, dataDir, out).run();
    }

    private Report run() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("DeliveryRetrySchedule", plan.retrySchedule());
        parameters.put("DeliveryVisibilityTimeout", Long.toString(plan.visibility().toSeconds()));
        parameters.put("CircuitFailureThreshold", "1000000");
        // 4 pollers x 10 messages of up to 5 deliveries keep DynamoDB Local on two cores answering fast enough for
        // batches to end within the function's 30 s timeout; more time out under their own load and add crashes
        // nobody injected (each re-POSTs its batch's unrecorded successes).
        parameters.put("DeliveryMaximumConcurrency", "4");
        RandomGenerator random = new Random(plan.seed()); // thread-safe: the receivers share it
        Duration stall = plan.visibility().plus(STALL_PAST_VISIBILITY);
        Optional<Path> tmpfs = enginesOnTmpfs();
        try (RunnerProcess runner = new RunnerProcess(dataDir, parameters)) {
            connect(runner.start());
            log("runner up (pid %d), seed %d", runner.pid(), plan.seed());
            try {
                createWebhooks(random);
                int perWave = (plan.events() + WAVES - 1) / WAVES;
                long firstEvent = System.nanoTime();

                sendWave(perWave);
                duplicate((int) Math.ceil(perWave * plan.webhooks() * plan.duplicateShare()));

                int before = posts.get();
                sendWave(perWave);
                awaitMidWave(before);
                log("stalling the runner (SIGSTOP) for %d s with %d delivery messages in flight, %d POSTs open",
                        stall.toSeconds(), inFlightMessages(), inFlight());
                runner.stall(stall);
                log("runner resumed (SIGCONT)");
                // The receives the stall interrupted are still open on the resumed ElasticMQ, their callers gone: a
                // message handed to one stays hidden for the queue's visibility timeout, 360 s on the ingest queue.
                Thread.sleep(AFTER_STALL);

                before = posts.get();
                sendWave(perWave);
                awaitMidWave(before);
                log("killing the runner (kill -9) with %d delivery messages in flight, %d POSTs open",
                        inFlightMessages(), inFlight());
                runner.kill();
                long restarting = System.nanoTime();
                connect(runner.start());
                Duration restart = Duration.ofNanos(System.nanoTime() - restarting);
                log("runner restarted on its data directory in %.1f s (pid %d)", restart.toMillis() / 1000.0, runner.pid());

                sendWave(plan.events() - eventIds.size());
                duplicate((int) Math.ceil(perWave * plan.webhooks() * plan.duplicateShare()));

                long lastWave = System.nanoTime();
                drain();
                Duration drain = Duration.ofNanos(System.nanoTime() - lastWave);
                Duration took = Duration.ofNanos(System.nanoTime() - firstEvent);
                log("drained");
                return check(stall, restart, took, drain);
            } finally {
                sqs.close();
            }
        } finally {
            for (FaultyReceiver receiver : receivers) {
                receiver.close();
            }
            if (tmpfs.isPresent()) {
                moveBack(tmpfs.get());
            }
        }
    }

    /**
     * Links the data directory's engines folder to a fresh directory on /dev/shm, when there is one. DynamoDB Local's
     * SQLite file syncs every write to disk, which on a small VM caps it near 70 writes/s and pushes delivery batches
     * past the function's timeout, a fault nobody injected; tmpfs keeps the files across a kill -9 just as well (the
     * runner's logs stay in the data directory, and the files come back to it at the end, see {@link #moveBack}).
     */
    private Optional<Path> enginesOnTmpfs() throws IOException {
        Path shm = Path.of("/dev/shm");
        Files.createDirectories(dataDir);
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return Optional.empty();
        }
        Path engines = Files.createTempDirectory(shm, "hookline-faults-");
        Files.createSymbolicLink(dataDir.resolve(LocalCommand.ENGINES_DIR), engines);
        return Optional.of(engines);
    }

    /**
     * Replaces the link with the engines' files, so the data directory holds the whole run: {@code ./hookline local
     * --persist --data-dir DIR} opens it again to look into what the check found.
     */
    private void moveBack(Path tmpfs) throws IOException {
        Path engines = dataDir.resolve(LocalCommand.ENGINES_DIR);
        Files.delete(engines);
        try (var paths = Files.walk(tmpfs)) {
            for (Path path : paths.toList()) {
                Files.copy(path, engines.resolve(tmpfs.relativize(path).toString()));
            }
        }
        try (var paths = Files.walk(tmpfs)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    // ------------------------------------------------------------------ setup

    private void connect(JsonNode runnerState) {
        if (sqs != null) {
            sqs.close();
        }
        state = runnerState;
        JsonNode aws = state.get("aws");
        sqs = SqsClient.builder().endpointOverride(URI.create(aws.get("sqs_endpoint").asText()))
                .region(Region.of(aws.get("region").asText()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        aws.get("access_key_id").asText(), aws.get("secret_access_key").asText())))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** One receiver per webhook (the sender pools 20 connections per host, and hung requests hold theirs). */
    private void createWebhooks(RandomGenerator random) throws Exception {
        Duration deadline = Duration.ofMillis(deliveryDeadlineMillis());
        faults = new FaultyReceiver.Faults(plan.faults().serverError(), plan.faults().hang(),
                plan.faults().reset(), plan.faults().hangFor().compareTo(deadline) > 0 ? plan.faults().hangFor()
                        : deadline.plusSeconds(5));
        for (int i = 0; i < plan.webhooks(); i++) {
            boolean down = i == 0;
            FaultyReceiver receiver = new FaultyReceiver(down ? FaultyReceiver.Faults.down() : faults, random, this::record);
            receivers.add(receiver);
            ObjectNode body = Json.object();
            body.put("name", (down ? "down receiver " : "faulty receiver ") + i);
            body.put("url", receiver.url().toString());
            body.put("resource", "ticket");
            body.put("trigger", "create");
            if (down) {
                body.put("retries", RETRIES_OF_THE_DOWN_WEBHOOK);
            }
            HttpResponse<String> created = api("POST", "/v1/webhooks", Json.write(body));
            if (created.statusCode() != 201) {
                throw new IllegalStateException("creating a webhook: " + created.statusCode() + " " + created.body());
            }
            webhookIds.add(Json.parse(created.body()).get("id").asText());
        }
        log("%d webhooks created (receivers: %s, hanging %d s past a %d s deadline)", plan.webhooks(), faults,
                faults.hangFor().minus(deadline).toSeconds(), deadline.toSeconds());
    }

    /** DeliveryFunction's DELIVERY_TOTAL_TIMEOUT_MS in template.yaml: a hung request must outlast it. */
    private static long deliveryDeadlineMillis() {
        Map<?, ?> resources = (Map<?, ?>) TemplateYaml.load(RepoFiles.resolve("template.yaml")).get("Resources");
        Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) resources.get("DeliveryFunction")).get("Properties");
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) function.get("Environment")).get("Variables");
        return Long.parseLong(variables.get("DELIVERY_TOTAL_TIMEOUT_MS").toString());
    }

    private void record(FaultyReceiver.Post post) {
        posts.incrementAndGet();
        answers.computeIfAbsent(post.answer(), a -> new AtomicInteger()).incrementAndGet();
        if (post.answer() == FaultyReceiver.Answer.OK) {
            successesByDeliveryId.computeIfAbsent(post.webhookId(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ faults

    /** Drops {@code count} new events on the ingest queue, ten per SendMessageBatch. */
    private void sendWave(int count) throws IOException {
        ObjectNode sample = (ObjectNode) Json.parse(Files.readString(
                RepoFiles.resolve("events/resource-event-ticket-create.json")));
        String run = Long.toString(plan.seed(), 36);
        String ingest = state.get("queues").get("IngestQueue").asText();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode event = sample.deepCopy();
            String eventId = "evt_faults_" + run + "_" + eventIds.size();
            event.put("event_id", eventId);
            event.put("company_id", state.get("company_id").asText());
            eventIds.add(eventId);
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size()))
                    .messageBody(Json.write(event)).build());
            if (batch.size() == 10 || i == count - 1) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                if (!sqs.sendMessageBatch(r -> r.queueUrl(ingest).entries(entries)).failed().isEmpty()) {
                    throw new IllegalStateException("the ingest queue refused events");
                }
                batch.clear();
            }
        }
        log("%d events sent (%d in all)", count, eventIds.size());
    }

    /**
     * Takes delivery messages as they appear, with a short visibility, and sends each body again as a new message:
     * the copy is handed out at once, the original once its visibility lapses. Four takers compete with the runner's
     * pollers.
     */
    /**
     * Takes delivery-queue messages (stealing them with a short visibility) and sends each again, until the copies
     * hold {@code wanted} deliveries: a group message counts for each delivery in it, so the injected share of
     * duplicated deliveries does not depend on how fan-out packs them.
     */
    private void duplicate(int wanted) throws Exception {
        String queue = state.get("queues").get("DeliveryQueue").asText();
        AtomicInteger copies = new AtomicInteger();
        AtomicInteger messages = new AtomicInteger();
        long deadline = System.nanoTime() + DUPLICATING_FOR.toNanos();
        try (ExecutorService takers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                running.add(takers.submit(() -> {
                    while (copies.get() < wanted && System.nanoTime() < deadline) {
                        List<Message> taken = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(1)
                                .waitTimeSeconds(1).visibilityTimeout(STOLEN_VISIBILITY_SECONDS)
                                .messageAttributeNames("All")).messages();
                        if (taken.isEmpty()) {
                            continue;
                        }
                        Message message = taken.getFirst();
                        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(message.body())
                                .messageAttributes(message.messageAttributes()));
                        JsonNode body = Json.parse(message.body());
                        copies.addAndGet(body.has("deliveries") ? body.get("deliveries").size() : 1);
                        messages.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> taker : running) {
                taker.get();
            }
        }
        duplicated += copies.get();
        log("%d delivery messages (%d deliveries) sent twice", messages.get(), copies.get());
    }

    /**
     * Waits until fan-out has emptied the ingest queue, this wave's deliveries are being POSTed and few delivery
     * messages wait to be picked up: the moment to stall or kill the runner, with messages received and not yet done.
     * A short backlog matters: ElasticMQ hands out the messages that became visible first, so behind thousands of waiting ones the copies
     * of the messages a stalled or killed worker held would come back only long after its claims lapsed.
     */
    private void awaitMidWave(int postsBefore) throws InterruptedException {
        await("fan-out to empty the ingest queue, the wave's first POSTs and a short delivery backlog",
                MID_WAVE_TIMEOUT, () -> messages("IngestQueue") == 0 && posts.get() > postsBefore
                        && deliveryQueue(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES) <= SHORT_BACKLOG);
    }

    /**
     * Until the ingest and delivery queues and the slow lane (endpoints that hang past the slow threshold move
     * there) hold nothing (visible, in flight or delayed) and no POST is open.
     */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + plan.drainTimeout().toNanos();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            boolean empty = messages("IngestQueue") == 0 && messages("DeliveryQueue") == 0
                    && messages("DeliverySlowLaneQueue") == 0 && inFlight() == 0;
            quiet = empty ? quiet + 1 : 0;
            Thread.sleep(1000);
        }
        if (quiet < 3) {
            log("the queues did not drain within %d s; checking what there is", plan.drainTimeout().toSeconds());
        }
    }

    private int inFlight() {
        return receivers.stream().mapToInt(FaultyReceiver::inFlight).sum();
    }

    /** Delivery messages received and neither deleted nor visible again (being worked on, or waiting for a retry). */
    private int inFlightMessages() {
        return deliveryQueue(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private int deliveryQueue(QueueAttributeName count) {
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(state.get("queues").get("DeliveryQueue").asText())
                .attributeNames(count)).attributes().get(count));
    }

    private int messages(String queue) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r
                .queueUrl(state.get("queues").get(queue).asText())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    // ------------------------------------------------------------------ checks

    private Report check(Duration stall, Duration restart, Duration took, Duration drain) throws Exception {
        List<Problem> problems = new ArrayList<>();
        int delivered = 0;
        int failed = 0;
        int missing = 0;
        int stuck = 0;
        int extra = 0;
        int unconfirmed = 0;
        List<JsonNode> toResend = new ArrayList<>();
        for (String webhookId : webhookIds) {
            Map<String, List<JsonNode>> byEvent = deliveriesByEvent(webhookId);
            for (String eventId : eventIds) {
                List<JsonNode> records = byEvent.getOrDefault(eventId, List.of());
                if (records.isEmpty()) {
                    missing++;
                    problems.add(new Problem(eventId, webhookId, "missing: no delivery record"));
                    continue;
                }
                if (records.size() > 1) {
                    extra += records.size() - 1;
                    problems.add(new Problem(eventId, webhookId, records.size() + " delivery records: "
                            + records.stream().map(r -> r.path("id").asText() + " " + r.path("status").asText()).toList()));
                }
                JsonNode record = records.get(0);
                String status = record.path("status").asText();
                switch (status) {
                    case "succeeded" -> {
                        delivered++;
                        if (!successesByDeliveryId.containsKey(record.path("id").asText())) {
                            unconfirmed++;
                            problems.add(new Problem(eventId, webhookId, "succeeded, but the receiver never answered "
                                    + record.path("id").asText() + " with a 2xx"));
                        }
                    }
                    case "failed" -> {
                        failed++;
                        toResend.add(record);
                    }
                    default -> {
                        stuck++;
                        problems.add(new Problem(eventId, webhookId, "stuck " + status + " (delivery "
                                + record.path("id").asText() + ", " + record.path("attempts").asInt() + " attempts, last error: "
                                + record.path("last_error").asText("none") + ", next attempt at "
                                + record.path("next_attempt_at").asText("none") + ")"));
                    }
                }
            }
        }
        int notResendable = 0;
        for (JsonNode record : toResend) {
            String why = record.path("last_error").asText("").isBlank() ? "failed without a last_error" : null;
            HttpResponse<String> retry = api("POST", "/v1/webhooks/" + record.get("webhook_id").asText()
                    + "/deliveries/" + record.get("id").asText() + "/retry", null);
            if (retry.statusCode() != 202) {
                why = (why == null ? "" : why + "; ") + "retry answered " + retry.statusCode() + " " + retry.body();
            }
            if (why != null) {
                notResendable++;
                problems.add(new Problem(record.get("event_id").asText(), record.get("webhook_id").asText(), why));
            }
        }
        int repeated = successesByDeliveryId.values().stream().mapToInt(count -> count.get() - 1).sum();
        Map<FaultyReceiver.Answer, Integer> answerCounts = new LinkedHashMap<>();
        for (FaultyReceiver.Answer answer : FaultyReceiver.Answer.values()) {
            answerCounts.put(answer, answers.getOrDefault(answer, new AtomicInteger()).get());
        }
        return new Report(plan, faults, delivered, failed, missing, stuck, extra, unconfirmed, notResendable, posts.get(),
                answerCounts, repeated, duplicated, stall, restart, timedOutInvocations(), took, drain,
                List.copyOf(problems));
    }

    /** A webhook's whole delivery log, paged with next_cursor, by event id. */
    private Map<String, List<JsonNode>> deliveriesByEvent(String webhookId) throws Exception {
        Map<String, List<JsonNode>> byEvent = new LinkedHashMap<>();
        String cursor = null;
        do {
            String path = "/v1/webhooks/" + webhookId + "/deliveries?limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            HttpResponse<String> page = api("GET", path, null);
            if (page.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": " + page.statusCode() + " " + page.body());
            }
            JsonNode body = Json.parse(page.body());
            body.get("data").forEach(record -> byEvent.computeIfAbsent(record.get("event_id").asText(),
                    id -> new ArrayList<>()).add(record));
            cursor = body.path("next_cursor").isTextual() ? body.get("next_cursor").asText() : null;
        } while (cursor != null);
        return byEvent;
    }

    /** Invocations the runner ended at the function's timeout, as its logs say. */
    private long timedOutInvocations() throws IOException {
        long count = 0;
        try (var logs = Files.newDirectoryStream(dataDir, "runner-*.log")) {
            for (Path log : logs) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    count += lines.filter(line -> line.startsWith("WARNING: ") && line.contains("Task timed out")).count();
                }
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ plumbing

    private HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(state.get("api_url").asText() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + state.get("api_key").asText())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(POLL);
        }
    }

    private void log(String format, Object... args) {
        out.printf(Locale.ROOT, "[faults +%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
    }
}
