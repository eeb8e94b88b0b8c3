package dev.hookline.local;

import static dev.hookline.testing.BenchTable.format;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.json.Json;
import dev.hookline.testing.BenchTable;
import dev.hookline.testing.MachineLoad;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.StdoutCapture;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole local pipeline in this JVM, as {@code ./hookline local} runs it: DynamoDB Local, ElasticMQ, the
 * template's functions and its SQS event source mappings with their template.yaml settings (BatchSize,
 * MaximumBatchingWindowInSeconds, MaximumConcurrency), i.e. the DEFAULT configuration. One webhook, created
 * through the HTTP API, points at a receiver on 127.0.0.1 that answers 204 at once; events go on the ingest
 * queue one SendMessage each at a steady rate.
 *
 * <p>Prints, per rate, event-to-receipt latency (from just before the SendMessage to the receiver reading the
 * request) and the JVM's CPU time per 1,000 deliveries
 * ({@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime} from the first send to the last receipt,
 * so the engines, the pollers and this harness are in it), and the idle CPU of the same stack for scale.
 * With {@code -Dbench.jfr=DIR} it also records a JFR profile of the idle stack and of each rate's run into DIR.
 * Asserts only that every event arrived. Run with the bench profile (docs/delivery.md, "Benchmark").
 */
class LocalPipelineBenchmark {

    /** Events per second to the one webhook (the two rates); each steady run lasts {@link #STEADY_RUN}. */
    private static final int LOW_RATE = 5;
    private static final int HIGH_RATE = 50;
    private static final int[] RATES = {LOW_RATE, HIGH_RATE};
    /** The cost model's fan-out: a last run sends 10 events/s, each to 5 webhooks, so 50 deliveries/s as well. */
    private static final int FAN_OUT = 5;
    private static final int FAN_OUT_RATE = HIGH_RATE / FAN_OUT;
    private static final Duration STEADY_RUN = Duration.ofSeconds(30);
    /** JIT and connection pools warm up at the highest rate before anything is measured. */
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    /** Idle stack (pollers long-polling empty queues), measured for scale: it is in every rate's CPU time. */
    private static final Duration IDLE = Duration.ofSeconds(10);
    /** After the last send, how long the stragglers may take. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Path FUNCTION_LOG = Path.of("target", "local-pipeline-benchmark-function-logs.txt");
    /** A directory for JFR profiles of the measured phases; none are recorded without it. */
    private static final String JFR_PROPERTY = "bench.jfr";
    /** Share of all cores busy from which a run is flagged as CPU-bound. */
    private static final double SATURATED_SHARE = 0.9;

    // Today's figures (bench/BEFORE.md), printed beside the new ones. The issue sets no number for these two targets.
    private static final String BEFORE_CPU_PER_THOUSAND_AT_50 = "36.4-46.5";
    private static final String BEFORE_CPU_PER_THOUSAND_ABOVE_IDLE_AT_50 = "16.5-19.4";
    private static final String BEFORE_CPU_PER_THOUSAND_FAN_OUT = "31.7 (one run)";
    private static final String BEFORE_CPU_PER_THOUSAND_ABOVE_IDLE_FAN_OUT = "5.3 (one run)";
    private static final String BEFORE_IDLE_CPU_PER_SECOND = "0.93-1.07";
    private static final String BEFORE_LATENCY_AT_5 = "1087-1103 / 1944-2102";
    private static final String BEFORE_LATENCY_AT_50 = "3598-7961 / 5607-13700 (2 cores saturated)";

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @TempDir
    Path dataDir;

    /** One steady run's figures; {@code batches} are each event source's invocations and messages in it. */
    private record Run(int eventsPerSecond, int webhooks, int events, double sendSeconds, List<Long> latencyMillis, double cpuSeconds,
            double gcSeconds, double wallSeconds, Map<SqsEventSource, SqsEventSource.Stats> batches,
            OptionalDouble othersCores) {
        double cpuSecondsPerThousand() {
            return cpuSeconds / events * 1000;
        }

        /** What the deliveries cost above the idle stack's polling over the same wall time. */
        double cpuSecondsPerThousandAboveIdle(double idleCpuPerSecond) {
            return (cpuSeconds - idleCpuPerSecond * wallSeconds) / events * 1000;
        }

        double jvmCores() {
            return cpuSeconds / wallSeconds;
        }

        /** Whether this JVM and the other processes kept (nearly) every core busy: latency then includes CPU queueing. */
        boolean saturated() {
            return othersCores.isPresent()
                    && jvmCores() + othersCores.getAsDouble() >= SATURATED_SHARE * OS.getAvailableProcessors();
        }

        long percentile(int p) {
            return latencyMillis.get(Math.min(latencyMillis.size() - 1, (int) Math.ceil(p / 100.0 * latencyMillis.size()) - 1));
        }
    }

    @Test
    void latencyAndCpuPerDelivery() throws Exception {
        String loadBefore = BenchTable.loadAverage();
        Files.deleteIfExists(FUNCTION_LOG);
        try (StdoutCapture functionOutput = new StdoutCapture(FUNCTION_LOG);
                LocalCommand.Running running = LocalCommand.start(new LocalCommand.Settings(RepoFiles.resolve("template.yaml"),
                        dataDir, dataDir.resolve("state.json"), 0, "bench-company"));
                TestReceiver receiver = new TestReceiver().always(Response.of(204))) {
            JsonNode state = running.state();
            createWebhook(state, receiver.url());
            try (SqsClient producer = TestEngines.sqsClient(URI.create(state.get("aws").get("sqs_endpoint").asText()))) {
                Pipeline pipeline = new Pipeline(producer, state.get("queues").get("IngestQueue").asText(),
                        state.get("company_id").asText(), receiver, running.platform().eventSources());
                pipeline.steady(HIGH_RATE, 1, WARM_UP);

                Optional<Recording> idleProfile = startProfile("idle");
                double idleCpuPerSecond = idleCpuPerSecond();
                idleProfile.ifPresent(LocalPipelineBenchmark::stopProfile);
                List<Run> runs = new ArrayList<>();
                for (int rate : RATES) {
                    Optional<Recording> profile = startProfile(rate + "-events-per-second");
                    runs.add(pipeline.steady(rate, 1, STEADY_RUN));
                    profile.ifPresent(LocalPipelineBenchmark::stopProfile);
                }
                for (int i = 1; i < FAN_OUT; i++) {
                    createWebhook(state, receiver.url());
                }
                Optional<Recording> profile = startProfile(FAN_OUT_RATE + "-events-per-second-to-" + FAN_OUT + "-webhooks");
                runs.add(pipeline.steady(FAN_OUT_RATE, FAN_OUT, STEADY_RUN));
                profile.ifPresent(LocalPipelineBenchmark::stopProfile);
                print(functionOutput.console(), runs, idleCpuPerSecond, loadBefore);
            }
        }
    }

    /** Feeds the ingest queue and watches the receiver. */
    private record Pipeline(SqsClient producer, String ingestQueue, String company, TestReceiver receiver,
            List<SqsEventSource> eventSources) {

        /**
         * Sends {@code rate} events a second for {@code duration}, then waits until each one reached each of the
         * {@code webhooks} webhooks.
         */
        Run steady(int rate, int webhooks, Duration duration) throws InterruptedException {
            int events = (int) (rate * duration.toSeconds());
            int deliveries = events * webhooks;
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            Map<String, Instant> sentAt = new HashMap<>();
            int receivedBefore = receiver.requests().size();
            Map<SqsEventSource, SqsEventSource.Stats> statsBefore = stats();
            MachineLoad machine = MachineLoad.start();
            long cpuBefore = OS.getProcessCpuTime();
            double gcBefore = gcSeconds();
            long started = System.nanoTime();
            for (int i = 0; i < events; i++) {
                // Due times from the start, not sleeps after each send: a slow send does not lower the rate.
                LockSupport.parkNanos(started + i * periodNanos - System.nanoTime());
                String eventId = "evt-" + UUID.randomUUID();
                ObjectNode event = Json.object().put("event_id", eventId).put("company_id", company)
                        .put("resource", "ticket").put("trigger", "create").put("resource_id", UUID.randomUUID().toString())
                        .put("occurred_at", Instant.now().toString());
                event.putObject("data").put("name", "Early bird").put("price", 2500);
                String body = Json.write(event);
                sentAt.put(eventId, Instant.now());
                producer.sendMessage(r -> r.queueUrl(ingestQueue).messageBody(body));
            }
            double sendSeconds = (System.nanoTime() - started) / 1e9;
            Await.until(deliveries + " deliveries at " + rate + " events/s", DRAIN_TIMEOUT,
                    () -> receiver.requests().size() - receivedBefore >= deliveries);
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            double cpuSeconds = (OS.getProcessCpuTime() - cpuBefore) / 1e9;
            double gc = gcSeconds() - gcBefore;
            OptionalDouble othersCores = machine.otherProcessesCores();
            Map<SqsEventSource, SqsEventSource.Stats> batches = new LinkedHashMap<>();
            stats().forEach((source, after) -> batches.put(source, new SqsEventSource.Stats(
                    after.invocations() - statsBefore.get(source).invocations(),
                    after.failedInvocations() - statsBefore.get(source).failedInvocations(),
                    after.deletedMessages() - statsBefore.get(source).deletedMessages())));

            List<TestReceiver.Request> received = receiver.requests();
            List<Long> latencies = new ArrayList<>();
            for (TestReceiver.Request request : received.subList(receivedBefore, received.size())) {
                Instant sent = sentAt.get(Json.parse(request.bodyText()).path("event_id").asText());
                latencies.add(Duration.between(sent, request.at()).toMillis());
            }
            assertEquals(deliveries, latencies.size(), "each event reached each webhook once");
            Collections.sort(latencies);
            return new Run(rate, webhooks, deliveries, sendSeconds, latencies, cpuSeconds, gc, wallSeconds, batches, othersCores);
        }

        private Map<SqsEventSource, SqsEventSource.Stats> stats() {
            Map<SqsEventSource, SqsEventSource.Stats> stats = new LinkedHashMap<>();
            eventSources.forEach(source -> stats.put(source, source.stats()));
            return stats;
        }
    }

    private static double idleCpuPerSecond() throws InterruptedException {
        long cpuBefore = OS.getProcessCpuTime();
        long started = System.nanoTime();
        Thread.sleep(IDLE);
        return (OS.getProcessCpuTime() - cpuBefore) / ((System.nanoTime() - started) / 1e9) / 1e9;
    }

    private static double gcSeconds() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum() / 1000.0;
    }

    private static void createWebhook(JsonNode state, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(state.get("api_url").asText() + "/v1/webhooks"))
                .header("Authorization", "Bearer " + state.get("api_key").asText())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"name": "benchmark receiver", "url": "%s", "resource": "ticket", "trigger": "create"}""".formatted(url)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode(), response.body());
        }
    }

    private static Optional<Recording> startProfile(String phase) throws Exception {
        String directory = System.getProperty(JFR_PROPERTY);
        if (directory == null || directory.isBlank()) {
            return Optional.empty();
        }
        Files.createDirectories(Path.of(directory));
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setDestination(Path.of(directory, phase + ".jfr"));
        recording.start();
        return Optional.of(recording);
    }

    private static void stopProfile(Recording recording) {
        recording.stop(); // writes the destination file
        recording.close();
    }

    private static void print(PrintStream out, List<Run> runs, double idleCpuPerSecond, String loadBefore) {
        out.printf("%n=== Local pipeline benchmark: one webhook (then five), receiver answering 204 at once, %d s per rate,"
                        + " event source settings from template.yaml; %d cores, load average %s before, %s after ===%n",
                STEADY_RUN.toSeconds(), OS.getAvailableProcessors(), loadBefore, BenchTable.loadAverage());
        BenchTable table = new BenchTable("Event-to-receipt latency and CPU per delivery (Delivery path v2 targets 3 and 4)",
                "events/s", "deliveries", "sent at", "p50 ms", "p99 ms", "max ms", "CPU s", "wall s", "JVM cores",
                "other processes' cores", "CPU s / 1,000 deliveries", "above idle", "GC s / 1,000");
        for (Run run : runs) {
            table.row(run.webhooks() == 1 ? run.eventsPerSecond() : run.eventsPerSecond() + " x " + run.webhooks() + " webhooks",
                    run.events(), format("%.1f/s", run.events() / run.sendSeconds()),
                    run.percentile(50), run.percentile(99), run.latencyMillis().get(run.latencyMillis().size() - 1),
                    format("%.2f", run.cpuSeconds()), format("%.1f", run.wallSeconds()), format("%.2f", run.jvmCores()),
                    run.othersCores().isPresent() ? format("%.2f", run.othersCores().getAsDouble()) : "n/a",
                    format("%.2f", run.cpuSecondsPerThousand()),
                    format("%.2f", run.cpuSecondsPerThousandAboveIdle(idleCpuPerSecond)),
                    format("%.2f", run.gcSeconds() / run.events() * 1000));
        }
        table.print(out);
        runs.stream().filter(Run::saturated).forEach(run -> out.printf("At %d events/s this JVM and the other processes"
                + " kept the %d cores busy: its latency includes waiting for CPU.%n", run.eventsPerSecond(),
                OS.getAvailableProcessors()));
        out.printf("Idle (no events, pollers long-polling empty queues) the same stack uses %.3f CPU s per second,"
                + " measured over %d s; \"above idle\" subtracts that over each run's wall time.%n", idleCpuPerSecond,
                IDLE.toSeconds());

        BenchTable sources = new BenchTable("Event source mappings as emulated from template.yaml, and their batches",
                "events/s", "queue", "BatchSize", "MaximumBatchingWindow", "pollers (MaximumConcurrency)",
                "invocations", "messages per invocation");
        for (Run run : runs) {
            run.batches().forEach((source, stats) -> {
                SqsEventSource.Mapping mapping = source.mapping();
                sources.row(run.eventsPerSecond(), mapping.queueArn().substring(mapping.queueArn().lastIndexOf(':') + 1),
                        mapping.batchSize(), mapping.batchingWindow().toSeconds() + " s", mapping.maximumConcurrency(),
                        stats.invocations(), format("%.2f", (double) stats.deletedMessages() / Math.max(1, stats.invocations())));
            });
        }
        sources.print(out);

        Map<Integer, Run> byRate = new LinkedHashMap<>();
        runs.forEach(run -> byRate.put(run.eventsPerSecond(), run));
        BenchTable targets = new BenchTable("Targets 3 and 4 (Delivery path v2): today and now", "measure",
                "before (bench/BEFORE.md)", "now");
        Run low = byRate.get(LOW_RATE);
        Run high = byRate.get(HIGH_RATE);
        targets.row(format("CPU s per 1,000 deliveries at %d events/s", HIGH_RATE), BEFORE_CPU_PER_THOUSAND_AT_50,
                format("%.1f", high.cpuSecondsPerThousand()));
        targets.row("  of which above the idle stack", BEFORE_CPU_PER_THOUSAND_ABOVE_IDLE_AT_50,
                format("%.1f", high.cpuSecondsPerThousandAboveIdle(idleCpuPerSecond)));
        Run fanOut = byRate.get(FAN_OUT_RATE);
        targets.row(format("CPU s per 1,000 deliveries at %d events/s x %d webhooks", FAN_OUT_RATE, FAN_OUT),
                BEFORE_CPU_PER_THOUSAND_FAN_OUT, format("%.1f", fanOut.cpuSecondsPerThousand()));
        targets.row("  of which above the idle stack", BEFORE_CPU_PER_THOUSAND_ABOVE_IDLE_FAN_OUT,
                format("%.1f", fanOut.cpuSecondsPerThousandAboveIdle(idleCpuPerSecond)));
        targets.row("idle stack, CPU s per second", BEFORE_IDLE_CPU_PER_SECOND, format("%.2f", idleCpuPerSecond));
        targets.row(format("event-to-receipt p50 / p99 at %d events/s, ms", LOW_RATE), BEFORE_LATENCY_AT_5,
                low.percentile(50) + " / " + low.percentile(99));
        targets.row(format("event-to-receipt p50 / p99 at %d events/s, ms", HIGH_RATE), BEFORE_LATENCY_AT_50,
                high.percentile(50) + " / " + high.percentile(99));
        targets.print(out);
        Optional.ofNullable(System.getProperty(JFR_PROPERTY)).ifPresent(directory -> out.printf(
                "JFR profiles (idle, then each rate): %s%n", Path.of(directory).toAbsolutePath()));
    }
}
