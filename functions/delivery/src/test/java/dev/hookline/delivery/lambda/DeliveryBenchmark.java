package dev.hookline.delivery.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.delivery.DeliveryIds;
import dev.hookline.config.AwsClients;
import dev.hookline.config.HooklineConfig;
import dev.hookline.config.Services;
import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.delivery.DeliveryService;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.delivery.DeliveryService.Received;
import dev.hookline.fanout.DeliveryMessage;
import dev.hookline.fanout.FanoutConfig;
import dev.hookline.fanout.FanoutService;
import dev.hookline.fanout.IngestMessage;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import dev.hookline.security.UrlGuard;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import dev.hookline.testing.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The local pipeline end to end: webhooks created through the registry service, events dropped on the ingest
 * queue, fan-out and delivery on DynamoDB Local and ElasticMQ, a receiver on 127.0.0.1 answering in 20 ms.
 * Prints throughput, event-to-receipt latency, the wall time of a 10-message batch against a 200 ms receiver,
 * and the AWS calls and DynamoDB capacity per delivery turned into dollars at list prices. Run with the bench
 * profile (docs/delivery.md, "Benchmark"); not part of the test run.
 */
class DeliveryBenchmark {

    private static final int WEBHOOKS = 5;
    private static final int EVENTS = 400;
    private static final int DELIVERY_WORKERS = 4;
    /** Concurrent fan-out invocations (the ingest event source's concurrency). */
    private static final int FANOUT_WORKERS = 4;
    /** The paced run: events per second, and how many, for latency without a burst backlog. */
    private static final int PACED_EVENTS_PER_SECOND = 20;
    private static final int PACED_EVENTS = 100;

    // us-east-1 list prices (on-demand DynamoDB after the Nov 2024 cut; SQS standard; Lambda arm64; CloudWatch Logs).
    static final double DYNAMODB_PER_MILLION_WRITE_UNITS = 0.625;
    static final double DYNAMODB_PER_MILLION_READ_UNITS = 0.125;
    static final double SQS_PER_MILLION_REQUESTS = 0.40;
    static final double LAMBDA_PER_MILLION_REQUESTS = 0.20;
    static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;
    static final double LOGS_PER_GB_INGESTED = 0.50;

    private final TestStack stack = TestStack.createLocal();
    private final AwsCallMeter meter = new AwsCallMeter();
    private final Services counted = new Services(
            new HooklineConfig(stack.webhooksTable(), stack.apiKeysTable(), Optional.of(stack.secretId()), Optional.empty(),
                    UrlGuard.Policy.local()),
            AwsClients.of(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                    stack.endpoints(), meter),
            Clock.systemUTC(), TestStack.RESOLVER);
    private final SqsClient harness = stack.sqsClient();

    @Test
    void pipeline() throws Exception {
        TestStack.DeliveryResources resources = stack.createDeliveryResources();
        TestStack.FanoutQueues fanoutQueues = stack.createFanoutQueues();
        FanoutService fanout = counted.fanout(FanoutConfig.of(fanoutQueues.ingest(), resources.queue(), fanoutQueues.parking()));
        DeliveryConfig config = resources.config();
        DeliveryService delivery = counted.delivery(config, counted.urlGuard());
        String company = "company-" + UUID.randomUUID();

        try (TestReceiver receiver = new TestReceiver().always(Response.of(200).withDelay(Duration.ofMillis(20)))) {
            for (int i = 0; i < WEBHOOKS; i++) {
                ObjectNode body = (ObjectNode) Json.parse("""
                        {"name": "bench-%d", "url": "%s", "resource": "ticket", "trigger": "create"}""".formatted(i, receiver.url()));
                counted.webhooks().create(TestStack.admin(company), body, Optional.empty());
            }
            // Warm up: JIT, connection pool, webhook cache.
            runPipeline(fanout, delivery, fanoutQueues.ingest(), resources.queue(), receiver, company, 20, new ArrayList<>());
            receiver.requests().clear();
            meter.reset();

            List<Long> batchMillis = Collections.synchronizedList(new ArrayList<>());
            Map<String, Instant> sent = new ConcurrentHashMap<>();
            int before = receiver.requests().size();
            long started = System.nanoTime();
            sent.putAll(runPipeline(fanout, delivery, fanoutQueues.ingest(), resources.queue(), receiver, company, EVENTS, batchMillis));
            double seconds = (System.nanoTime() - started) / 1e9;
            List<TestReceiver.Request> received = receiver.requests().subList(before, receiver.requests().size());
            int deliveries = EVENTS * WEBHOOKS;
            assertEquals(deliveries, received.size());

            List<Long> latencies = new ArrayList<>();
            for (TestReceiver.Request request : received) {
                Instant at = sent.get(Json.parse(request.bodyText()).path("event_id").asText());
                latencies.add(Duration.between(at, request.at()).toMillis());
            }
            Collections.sort(latencies);
            Map<String, Long> calls = meter.calls();
            double perDelivery = 1.0 / deliveries;
            double writeUnits = meter.writeUnits() * perDelivery;
            double readUnits = meter.readUnits() * perDelivery;
            double sqsOwn = meter.calls("Sqs.") * perDelivery;
            // Lambda's event source mappings poll and delete for the functions: per batch of 10, one ReceiveMessage
            // and one DeleteMessageBatch, on the delivery queue and (per event, shared by WEBHOOKS deliveries) the ingest queue.
            double sqsPolling = 0.2 + 0.2 / WEBHOOKS;
            double avgBatchSeconds = batchMillis.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0;
            double lambdaInvocations = 0.1 + 0.1 / WEBHOOKS;
            double gbSeconds = avgBatchSeconds * 1.0 / 10; // 1024 MB, 10 deliveries per batch
            double logBytes = 700; // ~2 structured lines per delivery (attempt + fan-out share)

            double dynamo = writeUnits * DYNAMODB_PER_MILLION_WRITE_UNITS + readUnits * DYNAMODB_PER_MILLION_READ_UNITS;
            double sqs = (sqsOwn + sqsPolling) * SQS_PER_MILLION_REQUESTS;
            double lambda = lambdaInvocations * LAMBDA_PER_MILLION_REQUESTS + gbSeconds * 1e6 * LAMBDA_ARM_PER_GB_SECOND;
            double logs = logBytes * 1e6 / 1e9 * LOGS_PER_GB_INGESTED;

            System.out.printf("%n=== Delivery pipeline benchmark (%d events x %d webhooks = %d deliveries as one burst, receiver 20 ms,"
                    + " %d fan-out + %d delivery workers) ===%n", EVENTS, WEBHOOKS, deliveries, FANOUT_WORKERS, DELIVERY_WORKERS);
            System.out.printf("throughput:            %.0f deliveries/s (%.2f s wall)%n", deliveries / seconds, seconds);
            System.out.printf("event-to-receipt:      p50 %d ms, p99 %d ms, max %d ms%n", percentile(latencies, 50),
                    percentile(latencies, 99), latencies.get(latencies.size() - 1));
            System.out.printf("delivery batch:        %.0f ms on average (process() of up to 10 messages)%n", avgBatchSeconds * 1000);
            System.out.printf("AWS calls:             %s%n", calls);
            System.out.printf("per delivery:          %.2f DynamoDB calls, %.3f SQS calls (+%.2f event-source polling), %.2f WCU, %.2f RCU%n",
                    meter.calls("DynamoDb.") * perDelivery, sqsOwn, sqsPolling, writeUnits, readUnits);
            System.out.printf("$ per million deliveries: DynamoDB %.2f, SQS %.2f, Lambda %.2f, Logs %.2f => total %.2f%n",
                    dynamo, sqs, lambda, logs, dynamo + sqs + lambda + logs);
            System.out.printf("  prices: DynamoDB on-demand $%.3f/M WRU, $%.3f/M RRU; SQS $%.2f/M requests; Lambda arm64 $%.2f/M requests"
                    + " + $%.10f/GB-s; CloudWatch Logs $%.2f/GB (us-east-1)%n", DYNAMODB_PER_MILLION_WRITE_UNITS,
                    DYNAMODB_PER_MILLION_READ_UNITS, SQS_PER_MILLION_REQUESTS, LAMBDA_PER_MILLION_REQUESTS,
                    LAMBDA_ARM_PER_GB_SECOND, LOGS_PER_GB_INGESTED);

            int pacedBefore = receiver.requests().size();
            Map<String, Instant> pacedSent = runPipeline(fanout, delivery, fanoutQueues.ingest(), resources.queue(), receiver,
                    company, PACED_EVENTS, new ArrayList<>(), PACED_EVENTS_PER_SECOND);
            List<Long> paced = new ArrayList<>();
            for (TestReceiver.Request request : receiver.requests().subList(pacedBefore, receiver.requests().size())) {
                paced.add(Duration.between(pacedSent.get(Json.parse(request.bodyText()).path("event_id").asText()), request.at()).toMillis());
            }
            Collections.sort(paced);
            System.out.printf("paced (%d events/s x %d webhooks = %d deliveries/s offered): event-to-receipt p50 %d ms, p99 %d ms%n",
                    PACED_EVENTS_PER_SECOND, WEBHOOKS, PACED_EVENTS_PER_SECOND * WEBHOOKS, percentile(paced, 50), percentile(paced, 99));
        }

        // A batch of 10 against a 200 ms receiver: concurrent sends make it ~200 ms, not 2 s.
        TestStack.DeliveryResources slow = stack.createDeliveryResources();
        DeliveryService slowDelivery = counted.delivery(slow.config(), counted.urlGuard());
        try (TestReceiver receiver = new TestReceiver().always(Response.of(200).withDelay(Duration.ofMillis(200)))) {
            ObjectNode body = (ObjectNode) Json.parse("""
                    {"name": "slow", "url": "%s", "resource": "ticket", "trigger": "create"}""".formatted(receiver.url()));
            Webhook webhook = counted.webhooks().create(TestStack.admin(company), body, Optional.empty()).webhook();
            List<Long> walls = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                List<Received> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String eventId = "slow-" + round + "-" + i;
                    ObjectNode payload = Json.object().put("type", "ticket.create").put("event_id", eventId);
                    String message = Json.write(new DeliveryMessage(DeliveryIds.forEvent(eventId, webhook.id(), Instant.now()),
                            webhook.id(), company, eventId, 0, payload).toJson());
                    harness.sendMessage(r -> r.queueUrl(slow.queue()).messageBody(message));
                }
                while (batch.size() < 10) {
                    harness.receiveMessage(r -> r.queueUrl(slow.queue()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                            .forEach(m -> batch.add(new Received(m.messageId(), m.receiptHandle(), m.body())));
                }
                long t0 = System.nanoTime();
                Map<String, Outcome> outcomes = slowDelivery.process(batch);
                walls.add((System.nanoTime() - t0) / 1_000_000);
                assertEquals(10, outcomes.values().stream().filter(o -> o == Outcome.DELIVERED).count());
            }
            System.out.printf("10-message batch, 200 ms receiver: %s ms (first round includes connection set-up)%n", walls);
        }
    }

    /** Sends {@code events} ingest messages and runs fan-out and delivery workers until every delivery arrived. */
    private Map<String, Instant> runPipeline(FanoutService fanout, DeliveryService delivery, String ingest, String queue,
            TestReceiver receiver, String company, int events, List<Long> batchMillis) throws Exception {
        return runPipeline(fanout, delivery, ingest, queue, receiver, company, events, batchMillis, 0);
    }

    /** @param eventsPerSecond 0: all at once (a burst) */
    private Map<String, Instant> runPipeline(FanoutService fanout, DeliveryService delivery, String ingest, String queue,
            TestReceiver receiver, String company, int events, List<Long> batchMillis, int eventsPerSecond) throws Exception {
        int expected = receiver.requests().size() + events * WEBHOOKS;
        Map<String, Instant> sent = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(FANOUT_WORKERS + DELIVERY_WORKERS);
        for (int w = 0; w < FANOUT_WORKERS; w++) {
            workers.submit(() -> drain(ingest, done, errors, messages -> {
                for (Message m : messages) {
                    fanout.process(new IngestMessage(m.messageId(), m.body()), Duration.ofMinutes(1));
                }
                return messages;
            }));
        }
        for (int w = 0; w < DELIVERY_WORKERS; w++) {
            workers.submit(() -> drain(queue, done, errors, messages -> {
                long t0 = System.nanoTime();
                Map<String, Outcome> outcomes = delivery.process(messages.stream()
                        .map(m -> new Received(m.messageId(), m.receiptHandle(), m.body())).toList());
                batchMillis.add((System.nanoTime() - t0) / 1_000_000);
                return messages.stream().filter(m -> !outcomes.get(m.messageId()).keepOnQueue()).toList();
            }));
        }
        for (int i = 0; i < events; i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < Math.min(events, i + 10); j++) {
                String eventId = "evt-" + UUID.randomUUID();
                sent.put(eventId, Instant.now());
                ObjectNode event = Json.object().put("event_id", eventId).put("company_id", company)
                        .put("resource", "ticket").put("trigger", "create").put("resource_id", UUID.randomUUID().toString())
                        .put("occurred_at", Instant.now().toString());
                event.putObject("data").put("name", "Early bird").put("price", 2500);
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(j - i)).messageBody(Json.write(event)).build());
            }
            harness.sendMessageBatch(r -> r.queueUrl(ingest).entries(entries));
            if (eventsPerSecond > 0) {
                Thread.sleep(10_000L / eventsPerSecond);
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (receiver.requests().size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        done.set(true);
        workers.shutdown();
        workers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " worker errors");
        }
        return sent;
    }

    private void drain(String queue, AtomicBoolean done, AtomicLong errors,
            java.util.function.Function<List<Message>, List<Message>> process) {
        while (!done.get()) {
            try {
                List<Message> messages = harness.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages();
                if (messages.isEmpty()) {
                    continue;
                }
                List<Message> delete = process.apply(messages);
                if (!delete.isEmpty()) {
                    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (Message m : delete) {
                        entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                                .receiptHandle(m.receiptHandle()).build());
                    }
                    harness.deleteMessageBatch(r -> r.queueUrl(queue).entries(entries));
                }
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                e.printStackTrace();
            }
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
