package dev.hookline.delivery.lambda;

import static dev.hookline.testing.BenchTable.format;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.config.AwsClients;
import dev.hookline.config.HooklineConfig;
import dev.hookline.config.Services;
import dev.hookline.delivery.DeliveryService;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.delivery.DeliveryService.Received;
import dev.hookline.fanout.FanoutConfig;
import dev.hookline.fanout.FanoutService;
import dev.hookline.fanout.IngestMessage;
import dev.hookline.json.Json;
import dev.hookline.security.UrlGuard;
import dev.hookline.storage.WebhookStore;
import dev.hookline.testing.BenchTable;
import dev.hookline.testing.MachineLoad;
import dev.hookline.testing.StdoutCapture;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import dev.hookline.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The cost report of "Delivery path v2": what a million first-try successful deliveries cost at fan-out 1:5 with
 * full batches, from calls and bytes counted in process. Fan-out and delivery run as the template configures
 * them (memory, timeout, BatchSize from template.yaml) on DynamoDB Local and ElasticMQ, each with SDK clients of
 * its own and an {@link AwsCallMeter}; the harness plays the producer (one SendMessage per event, as the producer
 * contract says) and Lambda's event source mappings (one ReceiveMessage and one DeleteMessageBatch per batch),
 * on metered clients too. Events are queued first and fanned out, then the full delivery queue is delivered, so
 * every batch is full and each phase's invocations are timed alone.
 *
 * <p>Prints the arithmetic of every cost line, DynamoDB on demand and provisioned, and the targets beside
 * today's figures (bench/BEFORE.md). Asserts only that every delivery arrived. Run with the bench profile
 * (docs/delivery.md, "Benchmark"); not part of the test run.
 */
class DeliveryCostBenchmark {

    // ---------------------------------------------------------------- workload
    /** Webhooks each event matches: the fan-out 1:5. */
    private static final int WEBHOOKS_PER_EVENT = 5;
    private static final int EVENTS = 400;
    /** JIT, connection pools and the webhook cache warm up on a first, unmeasured round. */
    private static final int WARM_UP_EVENTS = 100;
    /** Concurrent invocations per function: on 2 shared cores more only inflate each one's duration. */
    private static final int CONCURRENT_INVOCATIONS = 2;
    /** How long the receiver takes to answer; Lambda pays for the wait. */
    private static final Duration RECEIVER_DELAY = Duration.ofMillis(20);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);
    private static final Path FUNCTION_LOG = Path.of("target", "delivery-cost-benchmark-function-logs.txt");

    // ---------------------------------------------------------------- AWS us-east-1 list prices
    private static final double DYNAMODB_PER_MILLION_WRITE_UNITS = 0.625;
    private static final double DYNAMODB_PER_MILLION_READ_UNITS = 0.125;
    private static final double DYNAMODB_STORAGE_PER_GB_MONTH = 0.25;
    private static final double DYNAMODB_PER_WCU_HOUR = 0.00065;
    private static final double DYNAMODB_PER_RCU_HOUR = 0.00013;
    private static final double SQS_PER_MILLION_REQUESTS = 0.40;
    private static final double LAMBDA_PER_MILLION_REQUESTS = 0.20;
    private static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;
    private static final double LOGS_PER_GB_INGESTED = 0.50;
    /** AWS bills binary gigabytes. */
    private static final double BYTES_PER_GB = 1L << 30;
    private static final double DAYS_PER_MONTH = 365.25 / 12;

    // ---------------------------------------------------------------- assumptions the run cannot count
    /**
     * Lambda's own START, END and REPORT lines per invocation in the text log format, which CloudWatch Logs
     * bills too: about 70 + 50 + 150 bytes with a 36-character request id.
     */
    private static final int LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 270;
    /** Provisioned capacity is sized so that the steady rate uses this share of it (DynamoDB auto scaling's default is 70 %). */
    private static final double PROVISIONED_TARGET_UTILISATION = 0.70;
    /** Each table and each global secondary index is provisioned on its own, with at least one unit of each kind. */
    private static final int PROVISIONED_MINIMUM_UNITS = 1;
    /** Sustained rates at which provisioned capacity is priced, besides the rate this run measured. */
    private static final double[] REFERENCE_RATES = {1, 10, 100, 1_000};
    /**
     * An idle SQS event source mapping still long-polls: assumed 5 pollers, each a 20 s ReceiveMessage, per queue.
     * A cost per month, not per delivery.
     */
    private static final int IDLE_POLLERS_PER_QUEUE = 5;
    private static final int LONG_POLL_SECONDS = 20;

    // ---------------------------------------------------------------- today's figures (bench/BEFORE.md), printed beside the new ones
    private static final String BEFORE_WRU_PER_DELIVERY = "3.40-3.41";
    private static final String BEFORE_READ_CALLS_PER_DELIVERY = "0.62-0.63";
    private static final String BEFORE_RRU_PER_DELIVERY = "0.12-0.13";
    private static final String BEFORE_COST_ON_DEMAND = "3.25-3.50";
    private static final String BEFORE_COST_PROVISIONED = "1.99-2.25 (at 58-97 deliveries/s)";
    private static final double TARGET_WRU_PER_DELIVERY = 1.0;
    private static final double TARGET_COST_PER_MILLION = 0.60;

    private final TestStack stack = TestStack.createLocal();
    private final FunctionSettings fanoutFunction = FunctionSettings.of("FanoutFunction");
    private final FunctionSettings deliveryFunction = FunctionSettings.of("DeliveryFunction");

    // One meter per caller, so that each line of the report can say who made the calls.
    private final AwsCallMeter producer = new AwsCallMeter();
    private final AwsCallMeter fanoutCalls = new AwsCallMeter();
    private final AwsCallMeter deliveryCalls = new AwsCallMeter();
    private final AwsCallMeter ingestPolling = new AwsCallMeter();
    private final AwsCallMeter deliveryPolling = new AwsCallMeter();
    private final List<AwsCallMeter> meters = List.of(producer, fanoutCalls, deliveryCalls, ingestPolling, deliveryPolling);

    /** What one function did in one phase: its invocations' durations, the messages they got, what they printed. */
    private record Phase(FunctionSettings function, List<Long> durationNanos, long messages, long logBytes,
            double wallSeconds) {
        int invocations() {
            return durationNanos.size();
        }

        /** Lambda bills each invocation's duration rounded up to the millisecond. */
        long billedMillis() {
            return durationNanos.stream().mapToLong(nanos -> (nanos + 999_999) / 1_000_000).sum();
        }

        double gbSeconds() {
            return billedMillis() / 1000.0 * function.memoryGb();
        }

        double meanMillis() {
            return durationNanos.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        }
    }

    private record Round(Phase fanout, Phase delivery, int deliveries) {
    }

    @Test
    void costPerMillionDeliveries() throws Exception {
        String loadBefore = BenchTable.loadAverage();
        Files.deleteIfExists(FUNCTION_LOG);
        TestStack.DeliveryResources resources = stack.createDeliveryResources();
        TestStack.FanoutQueues queues = stack.createFanoutQueues();
        Services fanoutServices = services(fanoutCalls);
        Services deliveryServices = services(deliveryCalls);
        FanoutService fanout = fanoutServices.fanout(FanoutConfig.of(queues.ingest(), resources.queue(), queues.parking()));
        DeliveryService delivery = deliveryServices.delivery(resources.config(), deliveryServices.urlGuard());
        String company = "company-" + UUID.randomUUID();

        try (TestReceiver receiver = new TestReceiver().always(Response.of(200).withDelay(RECEIVER_DELAY))) {
            for (int i = 0; i < WEBHOOKS_PER_EVENT; i++) {
                ObjectNode body = (ObjectNode) Json.parse("""
                        {"name": "bench-%d", "url": "%s", "resource": "ticket", "trigger": "create"}""".formatted(i, receiver.url()));
                fanoutServices.webhooks().create(TestStack.admin(company), body, Optional.empty());
            }
            run(WARM_UP_EVENTS, fanout, delivery, queues.ingest(), resources.queue(), receiver, company);
            meters.forEach(AwsCallMeter::reset);
            DynamoDbStorage webhooksTable = DynamoDbStorage.snapshot(stack.clients().dynamoDb(), stack.webhooksTable(),
                    FunctionSettings.ttlAttribute("WebhooksTable"));
            DynamoDbStorage deliveriesTable = DynamoDbStorage.snapshot(stack.clients().dynamoDb(), resources.table(),
                    FunctionSettings.ttlAttribute("DeliveriesTable"));

            MachineLoad machine = MachineLoad.start();
            Round round = run(EVENTS, fanout, delivery, queues.ingest(), resources.queue(), receiver, company);
            String othersBusy = machine.describeOthers();

            Map<String, String> resourceNames = new LinkedHashMap<>();
            resourceNames.put(stack.webhooksTable(), "WebhooksTable");
            webhooksTable.indexNames().forEach(index -> resourceNames.put(stack.webhooksTable() + "/" + index, "WebhooksTable/" + index));
            resourceNames.put(resources.table(), "DeliveriesTable");
            deliveriesTable.indexNames().forEach(index -> resourceNames.put(resources.table() + "/" + index, "DeliveriesTable/" + index));
            report(round, List.of(webhooksTable.added(DAYS_PER_MONTH), deliveriesTable.added(DAYS_PER_MONTH)),
                    resourceNames, loadBefore, othersBusy);
        }
    }

    private Services services(AwsCallMeter meter) {
        return new Services(new HooklineConfig(stack.webhooksTable(), stack.apiKeysTable(), Optional.of(stack.secretId()),
                Optional.empty(), UrlGuard.Policy.local(), WebhookStore.DEFAULT_VERSION_RETENTION), metered(meter), Clock.systemUTC(), TestStack.RESOLVER);
    }

    private AwsClients metered(AwsCallMeter meter) {
        return AwsClients.of(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                stack.endpoints(), meter);
    }

    /** Queues {@code events} events, fans them all out, then delivers them all. */
    private Round run(int events, FanoutService fanout, DeliveryService delivery, String ingestQueue, String deliveryQueue,
            TestReceiver receiver, String company) throws InterruptedException {
        SqsClient producerSqs = metered(producer).sqs();
        for (int i = 0; i < events; i++) {
            ObjectNode event = Json.object().put("event_id", "evt-" + UUID.randomUUID()).put("company_id", company)
                    .put("resource", "ticket").put("trigger", "create").put("resource_id", UUID.randomUUID().toString())
                    .put("occurred_at", Instant.now().toString());
            event.putObject("data").put("name", "Early bird").put("price", 2500);
            producerSqs.sendMessage(r -> r.queueUrl(ingestQueue).messageBody(Json.write(event)));
        }

        Phase fanoutPhase = invokeUntil(fanoutFunction, ingestQueue, metered(ingestPolling).sqs(), events, batch -> {
            // As FanoutHandler does: the batch's messages concurrently, the failed ones left on the queue.
            Set<String> failed = fanout.processAll(batch.stream()
                    .map(message -> new IngestMessage(message.messageId(), message.body())).toList(),
                    Duration.ofSeconds(fanoutFunction.timeoutSeconds()));
            return batch.stream().filter(message -> !failed.contains(message.messageId())).toList();
        });
        int deliveries = events * WEBHOOKS_PER_EVENT;

        int receivedBefore = receiver.requests().size();
        // Fan-out packs an event's deliveries into group messages: the phase ends when every message is handled.
        long messages = queueDepth(deliveryQueue);
        Phase deliveryPhase = invokeUntil(deliveryFunction, deliveryQueue, metered(deliveryPolling).sqs(), messages, batch -> {
            Map<String, Outcome> outcomes = delivery.process(batch.stream()
                    .map(m -> new Received(m.messageId(), m.receiptHandle(), m.body(), receiveCount(m))).toList());
            assertEquals(Set.of(Outcome.DELIVERED), Set.copyOf(outcomes.values()), "every delivery succeeds on its first attempt");
            return batch.stream().filter(m -> !outcomes.get(m.messageId()).keepOnQueue()).toList();
        });
        assertEquals(deliveries, receiver.requests().size() - receivedBefore, "every delivery arrived once");
        return new Round(fanoutPhase, deliveryPhase, deliveries);
    }

    /**
     * Plays a Lambda event source mapping: {@link #CONCURRENT_INVOCATIONS} pollers receive batches of the
     * function's BatchSize, invoke it, and delete what it handled, until {@code messages} were handled. The
     * function's stdout is counted as its CloudWatch Logs bytes.
     */
    private Phase invokeUntil(FunctionSettings function, String queue, SqsClient poller, long messages,
            Function<List<Message>, List<Message>> invoke) throws InterruptedException {
        List<Long> durations = Collections.synchronizedList(new ArrayList<>());
        AtomicLong handled = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
        long started = System.nanoTime();
        StdoutCapture logs = new StdoutCapture(FUNCTION_LOG);
        try (ExecutorService pollers = Executors.newFixedThreadPool(CONCURRENT_INVOCATIONS)) {
            for (int i = 0; i < CONCURRENT_INVOCATIONS; i++) {
                pollers.submit(() -> {
                    while (handled.get() < messages && failure.get() == null && System.nanoTime() < deadline) {
                        try {
                            List<Message> batch = receiveBatch(poller, queue, function.batchSize());
                            if (batch.isEmpty()) {
                                continue;
                            }
                            long t0 = System.nanoTime();
                            List<Message> done = invoke.apply(batch);
                            durations.add(System.nanoTime() - t0);
                            handled.addAndGet(done.size());
                            delete(poller, queue, done);
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
            }
        } finally {
            logs.close();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        if (handled.get() < messages) {
            throw new AssertionError(function.logicalId() + " handled " + handled.get() + " of " + messages + " in " + PHASE_TIMEOUT);
        }
        return new Phase(function, List.copyOf(durations), handled.get(), logs.bytes(), (System.nanoTime() - started) / 1e9);
    }

    /** Messages waiting on a queue that nothing is receiving from (not a metered call: the harness's own). */
    private long queueDepth(String queue) {
        return Long.parseLong(stack.clients().sqs().getQueueAttributes(request -> request.queueUrl(queue)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    /** Up to {@code batchSize} messages, as many receives of at most 10 as that takes while the queue has them. */
    private static List<Message> receiveBatch(SqsClient sqs, String queue, int batchSize) {
        List<Message> batch = new ArrayList<>();
        while (batch.size() < batchSize) {
            int wanted = Math.min(10, batchSize - batch.size());
            int waitSeconds = batch.isEmpty() ? 1 : 0;
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(wanted)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            if (received.isEmpty()) {
                break;
            }
            batch.addAll(received);
        }
        return batch;
    }

    private static void delete(SqsClient sqs, String queue, List<Message> messages) {
        for (int start = 0; start < messages.size(); start += 10) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (Message message : messages.subList(start, Math.min(messages.size(), start + 10))) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .receiptHandle(message.receiptHandle()).build());
            }
            sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(entries));
        }
    }

    private static int receiveCount(Message message) {
        return Integer.parseInt(message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
    }

    // ---------------------------------------------------------------- the report

    private void report(Round round, List<DynamoDbStorage.Usage> storage, Map<String, String> resourceNames,
            String loadBefore, String othersBusy) {
        int deliveries = round.deliveries();
        // Every cost below: what this run counted / deliveries x a million x the price of one unit.

        Map<String, Double> writeUnits = sum(fanoutCalls.writeUnits(), deliveryCalls.writeUnits());
        Map<String, Double> readUnits = sum(fanoutCalls.readUnits(), deliveryCalls.readUnits());
        double wru = total(writeUnits);
        double rru = total(readUnits);
        long readCalls = readCalls(fanoutCalls) + readCalls(deliveryCalls);
        double onDemandWrites = wru / deliveries * DYNAMODB_PER_MILLION_WRITE_UNITS;
        double onDemandReads = rru / deliveries * DYNAMODB_PER_MILLION_READ_UNITS;

        double byteDays = storage.stream().mapToDouble(DynamoDbStorage.Usage::byteDays).sum();
        double storageCost = byteDays / deliveries * 1e6 / DAYS_PER_MONTH / BYTES_PER_GB * DYNAMODB_STORAGE_PER_GB_MONTH;

        long sqsRequests = meters.stream().mapToLong(AwsCallMeter::sqsBilledRequests).sum();
        double sqsCost = (double) sqsRequests / deliveries * SQS_PER_MILLION_REQUESTS;

        int invocations = round.fanout().invocations() + round.delivery().invocations();
        double lambdaRequestCost = (double) invocations / deliveries * LAMBDA_PER_MILLION_REQUESTS;
        double fanoutDurationCost = round.fanout().gbSeconds() / deliveries * 1e6 * LAMBDA_ARM_PER_GB_SECOND;
        double deliveryDurationCost = round.delivery().gbSeconds() / deliveries * 1e6 * LAMBDA_ARM_PER_GB_SECOND;

        long stdoutBytes = round.fanout().logBytes() + round.delivery().logBytes();
        long platformBytes = (long) invocations * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION;
        double logsCost = (double) (stdoutBytes + platformBytes) / deliveries * 1e6 / BYTES_PER_GB * LOGS_PER_GB_INGESTED;

        double deliveryRate = deliveries / round.delivery().wallSeconds();
        Provisioned provisioned = new Provisioned(writeUnits, readUnits, resourceNames, deliveries);
        double provisionedAtRate = provisioned.perMillion(deliveryRate);
        double commonCost = storageCost + sqsCost + lambdaRequestCost + fanoutDurationCost + deliveryDurationCost + logsCost;
        double onDemandTotal = onDemandWrites + onDemandReads + commonCost;
        double provisionedTotal = provisionedAtRate + commonCost;

        System.out.printf("%n=== Delivery cost report: %,d events x %d webhooks = %,d first-try successful deliveries,"
                        + " full batches, receiver answering in %d ms, %d concurrent invocations per function;"
                        + " load average %s before, %s after; other processes used %s during the measured round ===%n",
                EVENTS, WEBHOOKS_PER_EVENT, deliveries, RECEIVER_DELAY.toMillis(), CONCURRENT_INVOCATIONS, loadBefore,
                BenchTable.loadAverage(), othersBusy);

        BenchTable targets = new BenchTable("Targets (Delivery path v2)", "measure", "before (bench/BEFORE.md)", "now", "target");
        targets.row("DynamoDB write request units per delivery", BEFORE_WRU_PER_DELIVERY, format("%.2f", wru / deliveries),
                format("<= %.0f", TARGET_WRU_PER_DELIVERY));
        targets.row("DynamoDB reads on the hot path per delivery (calls)", BEFORE_READ_CALLS_PER_DELIVERY,
                format("%.3f", (double) readCalls / deliveries), "-");
        targets.row("DynamoDB read request units per delivery", BEFORE_RRU_PER_DELIVERY, format("%.3f", rru / deliveries), "-");
        targets.row("$ per million deliveries, DynamoDB on demand", BEFORE_COST_ON_DEMAND, format("%.2f", onDemandTotal),
                format("<= %.2f", TARGET_COST_PER_MILLION));
        targets.row(format("$ per million deliveries, DynamoDB provisioned at %.0f deliveries/s", deliveryRate),
                BEFORE_COST_PROVISIONED, format("%.2f", provisionedTotal), format("<= %.2f", TARGET_COST_PER_MILLION));
        targets.print(System.out);

        BenchTable cost = new BenchTable("Cost per million deliveries (us-east-1 list prices)",
                "item", "counted in this run", "per delivery", "price", "$ / M deliveries");
        cost.row("DynamoDB writes (on demand)", format("%,.1f WRU: %s", wru, byResource(writeUnits, resourceNames)),
                format("%.3f WRU", wru / deliveries), format("$%.3f / M WRU", DYNAMODB_PER_MILLION_WRITE_UNITS),
                format("%.4f", onDemandWrites));
        cost.row("DynamoDB reads (on demand)", format("%,.1f RRU in %,d calls: %s", rru, readCalls, byResource(readUnits, resourceNames)),
                format("%.3f RRU", rru / deliveries), format("$%.3f / M RRU", DYNAMODB_PER_MILLION_READ_UNITS),
                format("%.4f", onDemandReads));
        cost.row("DynamoDB storage", storageText(storage, resourceNames),
                format("%.0f byte-days = %.2f KB-month", byteDays / deliveries, byteDays / deliveries / DAYS_PER_MONTH / 1024),
                format("$%.2f / GB-month", DYNAMODB_STORAGE_PER_GB_MONTH), format("%.4f", storageCost));
        cost.row("SQS requests (64 KB chunks)", sqsText(), format("%.3f", (double) sqsRequests / deliveries),
                format("$%.2f / M requests", SQS_PER_MILLION_REQUESTS), format("%.4f", sqsCost));
        cost.row("Lambda requests", format("%,d fan-out + %,d delivery invocations (%.1f and %.1f messages each)",
                        round.fanout().invocations(), round.delivery().invocations(),
                        (double) round.fanout().messages() / round.fanout().invocations(),
                        (double) round.delivery().messages() / round.delivery().invocations()),
                format("%.4f", (double) invocations / deliveries), format("$%.2f / M requests", LAMBDA_PER_MILLION_REQUESTS),
                format("%.4f", lambdaRequestCost));
        cost.row("Lambda duration, fan-out", durationText(round.fanout()),
                format("%.5f GB-s", round.fanout().gbSeconds() / deliveries), format("$%.10f / GB-s", LAMBDA_ARM_PER_GB_SECOND),
                format("%.4f", fanoutDurationCost));
        cost.row("Lambda duration, delivery", durationText(round.delivery()),
                format("%.5f GB-s", round.delivery().gbSeconds() / deliveries), format("$%.10f / GB-s", LAMBDA_ARM_PER_GB_SECOND),
                format("%.4f", deliveryDurationCost));
        cost.row("CloudWatch Logs", format("stdout %,d B (fan-out %,d, delivery %,d) + %,d invocations x %d B platform lines",
                        stdoutBytes, round.fanout().logBytes(), round.delivery().logBytes(), invocations,
                        LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION),
                format("%.0f B", (double) (stdoutBytes + platformBytes) / deliveries),
                format("$%.2f / GB", LOGS_PER_GB_INGESTED), format("%.4f", logsCost));
        cost.row("**total, DynamoDB on demand**", "", "", "", format("**%.2f**", onDemandTotal));
        cost.row(format("**total, DynamoDB provisioned at %.0f deliveries/s**", deliveryRate), "", "", "",
                format("**%.2f**", provisionedTotal));
        cost.print(System.out);

        provisioned.print(deliveryRate, onDemandWrites + onDemandReads);

        BenchTable calls = new BenchTable("AWS calls in the measured round", "caller", "operation", "calls", "per delivery");
        Map<String, AwsCallMeter> callers = new LinkedHashMap<>();
        callers.put("producer", producer);
        callers.put("fan-out function", fanoutCalls);
        callers.put("delivery function", deliveryCalls);
        callers.put("ingest event source (Lambda)", ingestPolling);
        callers.put("delivery event source (Lambda)", deliveryPolling);
        callers.forEach((caller, meter) -> meter.calls().forEach((operation, count) ->
                calls.row(caller, operation, format("%,d", count), format("%.3f", (double) count / deliveries))));
        calls.print(System.out);

        long idleRequestsPerMonth = (long) (2 * IDLE_POLLERS_PER_QUEUE * DAYS_PER_MONTH * 86_400 / LONG_POLL_SECONDS);
        System.out.printf("%nNot per delivery: idle event source polling of the 2 queues, ~%,d ReceiveMessage a month"
                        + " (%d pollers x one %d s long poll, assumed) = $%.2f a month. Not included: free tiers, data"
                        + " transfer, the registry API, PITR of WebhooksTable, TTL deletes' lag.%n",
                idleRequestsPerMonth, IDLE_POLLERS_PER_QUEUE, LONG_POLL_SECONDS,
                idleRequestsPerMonth / 1e6 * SQS_PER_MILLION_REQUESTS);
        System.out.printf("What the functions printed (warm-up and measured round): %s%n", FUNCTION_LOG.toAbsolutePath());
    }

    private String sqsText() {
        return format("producer %,d + fan-out %,d + delivery %,d + ingest polling %,d + delivery polling %,d (%,d B of messages)",
                producer.sqsBilledRequests(), fanoutCalls.sqsBilledRequests(), deliveryCalls.sqsBilledRequests(),
                ingestPolling.sqsBilledRequests(), deliveryPolling.sqsBilledRequests(),
                meters.stream().mapToLong(AwsCallMeter::sqsPayloadBytes).sum());
    }

    private static String durationText(Phase phase) {
        return format("%,d invocations, mean %.0f ms, %,d billed ms x %.3f GB (MemorySize %d) = %.2f GB-s",
                phase.invocations(), phase.meanMillis(), phase.billedMillis(), phase.function().memoryGb(),
                phase.function().memoryMb(), phase.gbSeconds());
    }

    private static String storageText(List<DynamoDbStorage.Usage> storage, Map<String, String> resourceNames) {
        List<String> parts = new ArrayList<>();
        for (DynamoDbStorage.Usage usage : storage) {
            if (usage.items() == 0) {
                continue;
            }
            parts.add(format("%s %,d items x %.0f B + %,d index entries x %.0f B, kept %.1f d on average%s",
                    resourceNames.get(usage.table()), usage.items(), (double) usage.itemBytes() / usage.items(),
                    usage.indexEntries(), usage.indexEntries() == 0 ? 0.0 : (double) usage.indexBytes() / usage.indexEntries(),
                    usage.byteDays() / usage.bytes(),
                    usage.itemsWithoutTtl() == 0 ? "" : format(" (%,d without TTL, counted a month)", usage.itemsWithoutTtl())));
        }
        return String.join("; ", parts) + format(" (sizes include %d B overhead each)", DynamoDbStorage.ITEM_OVERHEAD_BYTES);
    }

    private static String byResource(Map<String, Double> units, Map<String, String> resourceNames) {
        List<String> parts = new ArrayList<>();
        units.forEach((resource, value) -> parts.add(format("%s %,.1f", resourceNames.getOrDefault(resource, resource), value)));
        return String.join(", ", parts);
    }

    private static long readCalls(AwsCallMeter meter) {
        return meter.calls().entrySet().stream()
                .filter(e -> e.getKey().matches("DynamoDb\\.(GetItem|BatchGetItem|Query|Scan|TransactGetItems)"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static Map<String, Double> sum(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> sum = new LinkedHashMap<>(a);
        b.forEach((key, value) -> sum.merge(key, value, Double::sum));
        return sum;
    }

    private static double total(Map<String, Double> units) {
        return units.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * DynamoDB in provisioned mode: each table and index gets the capacity its measured units per delivery need at
     * a sustained rate, over {@link #PROVISIONED_TARGET_UTILISATION}, rounded up, at least the minimum.
     */
    private record Provisioned(Map<String, Double> writeUnits, Map<String, Double> readUnits,
            Map<String, String> resourceNames, int deliveries) {

        double perHour(double deliveriesPerSecond) {
            double dollars = 0;
            for (String resource : resourceNames.keySet()) {
                dollars += writeCapacity(resource, deliveriesPerSecond) * DYNAMODB_PER_WCU_HOUR
                        + readCapacity(resource, deliveriesPerSecond) * DYNAMODB_PER_RCU_HOUR;
            }
            return dollars;
        }

        double perMillion(double deliveriesPerSecond) {
            return perHour(deliveriesPerSecond) / (deliveriesPerSecond * 3600) * 1e6;
        }

        long writeCapacity(String resource, double deliveriesPerSecond) {
            return capacity(writeUnits.getOrDefault(resource, 0.0) / deliveries * deliveriesPerSecond);
        }

        long readCapacity(String resource, double deliveriesPerSecond) {
            return capacity(readUnits.getOrDefault(resource, 0.0) / deliveries * deliveriesPerSecond);
        }

        private static long capacity(double unitsPerSecond) {
            return Math.max(PROVISIONED_MINIMUM_UNITS, (long) Math.ceil(unitsPerSecond / PROVISIONED_TARGET_UTILISATION));
        }

        /** The lowest sustained rate from which provisioned capacity costs no more than on demand. */
        double breakEven(double onDemandPerMillion) {
            double rate = 0.001;
            while (rate < 1e6 && perMillion(rate) > onDemandPerMillion) {
                rate *= 1.01;
            }
            return rate;
        }

        void print(double measuredRate, double onDemandPerMillion) {
            BenchTable sizing = new BenchTable(format("DynamoDB provisioned, sized at %.0f %% utilisation for %.0f deliveries/s"
                            + " (this run's delivery rate)", PROVISIONED_TARGET_UTILISATION * 100, measuredRate),
                    "table or index", "WRU per delivery", "RRU per delivery", "WCU", "RCU", "$ / hour");
            for (Map.Entry<String, String> resource : resourceNames.entrySet()) {
                long wcu = writeCapacity(resource.getKey(), measuredRate);
                long rcu = readCapacity(resource.getKey(), measuredRate);
                sizing.row(resource.getValue(), format("%.3f", writeUnits.getOrDefault(resource.getKey(), 0.0) / deliveries),
                        format("%.3f", readUnits.getOrDefault(resource.getKey(), 0.0) / deliveries), wcu, rcu,
                        format("%.4f", wcu * DYNAMODB_PER_WCU_HOUR + rcu * DYNAMODB_PER_RCU_HOUR));
            }
            sizing.print(System.out);

            BenchTable rates = new BenchTable(format("DynamoDB requests, provisioned ($%.5f / WCU-hour, $%.5f / RCU-hour)"
                            + " against on demand ($%.2f per million deliveries at any rate)",
                    DYNAMODB_PER_WCU_HOUR, DYNAMODB_PER_RCU_HOUR, onDemandPerMillion),
                    "sustained deliveries/s", "$ / hour provisioned", "$ / M deliveries provisioned", "cheaper");
            List<Double> shown = new ArrayList<>();
            for (double rate : REFERENCE_RATES) {
                shown.add(rate);
            }
            shown.add(measuredRate);
            Collections.sort(shown);
            for (double rate : shown) {
                double provisioned = perMillion(rate);
                rates.row(format(rate == measuredRate ? "%.0f (this run)" : "%.0f", rate), format("%.4f", perHour(rate)),
                        format("%.3f", provisioned), provisioned <= onDemandPerMillion ? "provisioned" : "on demand");
            }
            rates.print(System.out);
            System.out.printf("Provisioned becomes cheaper than on demand from a sustained %.2f deliveries/s"
                            + " (below it, the minimum of %d WCU and %d RCU on each of the %d tables and indexes costs more).%n",
                    breakEven(onDemandPerMillion), PROVISIONED_MINIMUM_UNITS, PROVISIONED_MINIMUM_UNITS, resourceNames.size());
        }
    }
}
