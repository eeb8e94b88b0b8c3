package dev.hookline.delivery;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.auth.Principal;
import dev.hookline.delivery.DeliveryRecord.Status;
import dev.hookline.delivery.DeliveryService.Outcome;
import dev.hookline.delivery.DeliveryService.Received;
import dev.hookline.fanout.DeliveryMessage;
import dev.hookline.json.Json;
import dev.hookline.model.Webhook;
import dev.hookline.security.UrlGuard;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.testing.DeliveryQueuePump;
import dev.hookline.testing.TestReceiver;
import dev.hookline.testing.TestReceiver.Response;
import dev.hookline.testing.TestStack;
import dev.hookline.testing.TestStack.DeliveryResources;
import dev.hookline.webhooks.WebhookService;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The delivery pipeline on DynamoDB Local and ElasticMQ against a receiver on 127.0.0.1: each pump receives from
 * the real delivery queue, runs {@link DeliveryService#process} and deletes what Lambda's event source mapping
 * would delete (everything not reported as a batch item failure).
 */
class DeliveryServiceIT {

    private static TestStack stack;
    private DeliveryResources resources;
    private DeliveryService delivery;
    private DeliveryAdmin admin;
    private DeliveryLog log;
    private TestReceiver receiver;
    private Principal principal;
    private SqsClient sqs;
    private final Map<String, Instant> eventTimes = new HashMap<>();

    @BeforeAll
    static void startStack() {
        stack = TestStack.createLocal();
    }

    @BeforeEach
    void setUp() {
        resources = stack.createDeliveryResources();
        // Span zero: three failures in a row open the circuit at once (the breaker's own tests set a span).
        DeliveryConfig config = resources.config().withCircuitThreshold(3).withCacheTtl(Duration.ZERO)
                .withCircuitTiming(Duration.ZERO, DeliveryConfig.DEFAULT_PROBE_SCHEDULE);
        delivery = stack.services().delivery(config, stack.services().urlGuard());
        admin = stack.services().deliveryAdmin(config);
        log = stack.services().deliveryLog(config);
        receiver = new TestReceiver();
        principal = TestStack.admin("company-" + UUID.randomUUID());
        sqs = stack.sqsClient();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    // ------------------------------------------------------------------ sending

    @Test
    void deliversASignedPostThatTheOfficialLibraryVerifiesOverTheExactBytes() {
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-1");

        assertEquals(List.of(Outcome.DELIVERED), pump());

        TestReceiver.Request request = single(receiver.requests());
        assertEquals("POST", request.method(), "POST unless the webhook asks for PUT");
        assertEquals(deliveryId, request.header("webhook-id"));
        assertTrue(request.header("user-agent").startsWith("Hookline/"));
        assertEquals("application/json; charset=UTF-8", request.header("content-type"));
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(created.secret())
                .verify(request.bodyText(), officialHeaders(request)));
        DeliveryRecord record = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.SUCCEEDED, record.status());
        assertEquals(1, record.attempts());
        assertEquals(200, record.attemptLog().get(0).status());
        assertEquals("ticket.create", record.eventType());
        DeliveryAdmin.EndpointState state = admin.state(created.webhook());
        assertEquals(deliveryId, state.lastDelivery().orElseThrow().deliveryId());
        assertEquals("closed", state.health().circuitState());
    }

    @Test
    void aPutWebhookGetsSignedPutsThatTheOfficialLibraryVerifiesForEventsAndTestPings() {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "put receiver", "url": "%s", "resource": "ticket", "trigger": "create", "method_type": "PUT"}
                """.formatted(receiver.url()));
        WebhookService.WithSecret created = stack.services().webhooks().create(principal, body, Optional.empty());
        String deliveryId = enqueue(created.webhook(), "evt-put");

        assertEquals(List.of(Outcome.DELIVERED), pump());
        DeliveryAdmin.Accepted ping = admin.test(principal, created.webhook().id());
        assertEquals(List.of(Outcome.DELIVERED), pump());

        List<TestReceiver.Request> requests = receiver.requests();
        assertEquals(2, requests.size());
        assertEquals(List.of(deliveryId, ping.deliveryId().orElseThrow()), requests.stream().map(r -> r.header("webhook-id")).toList());
        for (TestReceiver.Request request : requests) {
            assertEquals("PUT", request.method());
            assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(created.secret())
                    .verify(request.bodyText(), officialHeaders(request)));
        }
        assertEquals("ping", Json.parse(requests.get(1).bodyText()).path("type").asText());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), deliveryId).orElseThrow().status());
    }

    @Test
    void aWebhookGetsTheIncludedResourcesItAsksForSignedAndARetrySendsThoseItAsksForThen() {
        receiver.then(Response.of(400));
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "orders", "url": "%s", "resource": "order", "trigger": "create", "include_resources": ["shop"]}
                """.formatted(receiver.url()));
        WebhookService.WithSecret created = stack.services().webhooks().create(principal, body, Optional.empty());
        Webhook webhook = created.webhook();
        Instant occurredAt = Instant.now();
        ObjectNode payload = (ObjectNode) Json.parse("""
                {"type": "order.create", "timestamp": "%s", "event_id": "evt-included", "company_id": "%s",
                 "data": {"guid": "ord-1"}, "included": {"event": {"name": "Festival"}, "shop": {"name": "Box office"}}}
                """.formatted(occurredAt, webhook.companyId()));
        String deliveryId = DeliveryIds.forEvent("evt-included", webhook.id(), occurredAt);
        send(Json.write(new DeliveryMessage(deliveryId, webhook.id(), webhook.companyId(), "evt-included", 0, payload,
                stack.services().webhooks().tenantEpoch(webhook.companyId())).toJson()));

        assertEquals(List.of(Outcome.FAILED), pump());
        assertEquals(payload, Json.parse(log.find(webhook.id(), deliveryId).orElseThrow().payload().orElseThrow()),
                "the log keeps every included resource");
        stack.services().webhooks().update(principal, webhook.id(),
                Json.parse("{\"include_resources\": [\"shop\", \"event\"]}"), Optional.empty());
        admin.retry(principal, webhook.id(), deliveryId);
        assertEquals(List.of(Outcome.DELIVERED), pump());

        List<TestReceiver.Request> requests = receiver.requests();
        assertEquals(2, requests.size());
        assertEquals(Json.parse("{\"shop\": {\"name\": \"Box office\"}}"), Json.parse(requests.get(0).bodyText()).get("included"));
        assertEquals(payload, Json.parse(requests.get(1).bodyText()), "after the webhook asked for both");
        for (TestReceiver.Request request : requests) {
            assertEquals("ord-1", Json.parse(request.bodyText()).get("data").get("guid").asText());
            assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(created.secret())
                    .verify(request.bodyText(), officialHeaders(request)), "signed over the body as sent");
        }
    }

    @Test
    void aFirstAttemptSuccessOfAHealthyWebhookWritesItsOneRecordAndNothingElse() {
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-one-write");

        assertEquals(List.of(Outcome.DELIVERED), pump());

        List<Map<String, AttributeValue>> items = stack.clients().dynamoDb().scan(request -> request
                .tableName(resources.config().deliveriesTable())).items().stream()
                .filter(item -> item.get("pk").s().startsWith("W#" + created.webhook().id())).toList();
        assertEquals(1, items.size(), "no health item, no index entry: " + items);
        assertEquals(DeliveryLog.partitionOf(created.webhook().id(), deliveryId), items.get(0).get("pk").s());
        assertEquals(null, items.get(0).get("payload"), "a success keeps no payload");
        assertEquals(7, keptForDays(created.webhook().id(), deliveryId), "DeliveryLog.Retention.DEFAULT: successes 7 days");
    }

    /** Days from now to the record's TTL, rounded. */
    private long keptForDays(String webhookId, String deliveryId) {
        Map<String, AttributeValue> item = stack.clients().dynamoDb().getItem(request -> request
                .tableName(resources.config().deliveriesTable())
                .key(Map.of("pk", AttributeValue.fromS(DeliveryLog.partitionOf(webhookId, deliveryId)),
                        "sk", AttributeValue.fromS("D#" + deliveryId)))).item();
        long seconds = Long.parseLong(item.get("expires_at").n()) - Instant.now().getEpochSecond();
        return Math.round(seconds / 86_400.0);
    }

    @Test
    void theOfficialLibraryVerifiesDeliveriesOfACustomSecretWebhookWithTheSecretAsReturned() {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "custom", "url": "%s", "resource": "ticket", "trigger": "create",
                 "secret": "optional-custom-secret-min-32-chars-long"}""".formatted(receiver.url()));
        WebhookService.WithSecret created = stack.services().webhooks().create(principal, body, Optional.empty());
        enqueue(created.webhook(), "evt-custom-secret");

        assertEquals(List.of(Outcome.DELIVERED), pump());
        TestReceiver.Request request = single(receiver.requests());
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(created.secret())
                .verify(request.bodyText(), officialHeaders(request)));
    }

    @Test
    void aServerErrorIsRetriedAfterTheBackoffAndThenSucceeds() throws Exception {
        receiver.then(Response.of(503).withBody("busy"));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-retry");

        assertEquals(List.of(Outcome.RETRY), pump());
        DeliveryRecord retrying = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.RETRYING, retrying.status());
        long backoff = Duration.between(retrying.updatedAt(), retrying.nextAttemptAt()).toMillis();
        assertTrue(backoff >= 4_000 && backoff <= 6_000, "first backoff is 5 s ± 20 %: " + backoff);
        assertEquals("busy", retrying.attemptLog().get(0).snippet());
        assertEquals(List.of(), pump(), "the message is invisible during its backoff");

        Thread.sleep(backoff + 1_000);
        assertEquals(List.of(Outcome.DELIVERED), pump());

        DeliveryRecord done = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.SUCCEEDED, done.status());
        assertEquals(2, done.attempts());
        assertEquals(List.of(503, 200), done.attemptLog().stream().map(DeliveryRecord.Attempt::status).toList());
        assertEquals(7, keptForDays(created.webhook().id(), deliveryId), "a success after retries is kept as a success");
        List<TestReceiver.Request> requests = receiver.requests();
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).header("webhook-id"), requests.get(1).header("webhook-id"), "stable id across retries");
        assertTrue(Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis() >= 4_000);
    }

    @Test
    void exhaustedRetriesSendTheDeliveryToTheDeadLetterQueueWithTheLastError() throws Exception {
        receiver.always(Response.of(500));
        WebhookService.WithSecret created = webhook(receiver.url(), 1); // two attempts
        String deliveryId = enqueue(created.webhook(), "evt-dead");

        assertEquals(List.of(Outcome.RETRY), pump());
        Thread.sleep(6_500);
        assertEquals(List.of(Outcome.FAILED), pump());

        assertEquals(List.of(), pump(), "deleted from the delivery queue");
        List<Message> dead = stack.drain(resources.deadLetterQueue());
        assertEquals(1, dead.size());
        assertEquals("HTTP 500 after 2 attempt(s)", dead.get(0).messageAttributes().get("hookline-reason").stringValue());
        assertEquals(deliveryId, Json.parse(dead.get(0).body()).path("delivery_id").asText());
        DeliveryRecord record = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.FAILED, record.status());
        assertTrue(record.payload().isPresent(), "a failed delivery keeps its payload for recover");
        assertEquals(30, keptForDays(created.webhook().id(), deliveryId), "failures are kept longer than successes");
    }

    @Test
    void goneDisablesTheWebhookAndLaterDeliveriesAreParkedNotAttempted() {
        receiver.always(Response.of(410));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String first = enqueue(created.webhook(), "evt-gone");

        assertEquals(List.of(Outcome.ABORTED), pump());
        assertEquals(Status.ABORTED, log.find(created.webhook().id(), first).orElseThrow().status());
        WebhookHealth health = health(created.webhook());
        assertEquals("open", health.circuitState());
        assertEquals("HTTP 410 Gone", health.disabledReason());
        assertTrue(health.disabledAt() != null);
        assertTrue(stack.drain(resources.deadLetterQueue()).isEmpty(), "an abort is not a failure to dead-letter");

        String second = enqueue(created.webhook(), "evt-after-gone");
        assertEquals(List.of(Outcome.PARKED), pump());
        assertEquals(1, receiver.requests().size());
        assertEquals(Status.PARKED, log.find(created.webhook().id(), second).orElseThrow().status());
    }

    @Test
    void abortMessageHeaderStopsRetriesWithoutDisabling() {
        receiver.always(Response.of(500).withHeader("webhook-delivery", "abort-message"));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String id = enqueue(created.webhook(), "evt-abort");

        assertEquals(List.of(Outcome.ABORTED), pump());
        assertEquals(Status.ABORTED, log.find(created.webhook().id(), id).orElseThrow().status());
        assertEquals("closed", health(created.webhook()).circuitState());
    }

    @Test
    void retryAfterIsHonouredAndOverloadWaitsAtLeastAMinute() {
        receiver.then(Response.of(429).withHeader("Retry-After", "120"), Response.of(502));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String throttled = enqueue(created.webhook(), "evt-429");
        assertEquals(List.of(Outcome.RETRY), pump());
        DeliveryRecord record = log.find(created.webhook().id(), throttled).orElseThrow();
        long wait = Duration.between(record.updatedAt(), record.nextAttemptAt()).toSeconds();
        assertTrue(wait >= 119 && wait <= 121, "Retry-After: 120 honoured: " + wait);

        String overloaded = enqueue(created.webhook(), "evt-502");
        assertEquals(List.of(Outcome.RETRY), pump());
        DeliveryRecord second = log.find(created.webhook().id(), overloaded).orElseThrow();
        long overloadWait = Duration.between(second.updatedAt(), second.nextAttemptAt()).toSeconds();
        assertTrue(overloadWait >= 59 && overloadWait <= 61, "502 waits the overload minimum: " + overloadWait);
    }

    @Test
    void anAttemptCutOffByTheDeadlineIsATimeoutAndWaitsTheOverloadMinimum() {
        DeliveryService impatient = stack.services().delivery(resources.config().withCacheTtl(Duration.ZERO)
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(700)), stack.services().urlGuard());
        receiver.then(Response.of(200).withDelay(Duration.ofSeconds(3)));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-slow");

        assertEquals(List.of(Outcome.RETRY), pump(impatient));
        DeliveryRecord retrying = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(SendResult.TIMEOUT, retrying.attemptLog().get(0).errorClass());
        assertTrue(Duration.between(retrying.updatedAt(), retrying.nextAttemptAt()).compareTo(RetryPolicy.OVERLOAD_MINIMUM) >= 0,
                "a timeout is overload: at least a minute, not the schedule's 5 s");
    }

    @Test
    void aRedirectIsNotFollowedAndFailsTheDelivery() {
        receiver.then(Response.of(302).withHeader("Location", receiver.url("/elsewhere")));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String id = enqueue(created.webhook(), "evt-redirect");

        assertEquals(List.of(Outcome.FAILED), pump());
        assertEquals(List.of("/hook"), receiver.requests().stream().map(TestReceiver.Request::path).toList());
        DeliveryRecord record = log.find(created.webhook().id(), id).orElseThrow();
        assertEquals(SendResult.REDIRECT, record.attemptLog().get(0).errorClass());
        assertEquals(1, stack.drain(resources.deadLetterQueue()).size());
    }

    @Test
    void aHostThatResolvesToAPrivateAddressAtSendTimeIsRefusedWithoutConnecting() throws Exception {
        // Registered while it resolved to a public address; at send time it rebinds to loopback, where a receiver listens.
        WebhookService.WithSecret created = webhook("https://rebind.test:" + receiver.port() + "/hook", 5);
        UrlGuard deployed = new UrlGuard(UrlGuard.Policy.deployed(),
                host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})));
        DeliveryService guarded = stack.services().delivery(resources.config().withCacheTtl(Duration.ZERO), deployed);
        String id = enqueue(created.webhook(), "evt-rebind");

        assertEquals(List.of(Outcome.FAILED), pump(guarded));
        assertEquals(List.of(), receiver.requests());
        DeliveryRecord record = log.find(created.webhook().id(), id).orElseThrow();
        assertEquals(SendResult.SSRF_BLOCKED, record.attemptLog().get(0).errorClass());
    }

    @Test
    void duringARotationOverlapBothSignaturesAreSentAndEachSecretVerifies() {
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        WebhookService.WithSecret rotated = stack.services().webhooks()
                .rotateSecret(principal, created.webhook().id(), Optional.empty());
        enqueue(rotated.webhook(), "evt-rotation");

        assertEquals(List.of(Outcome.DELIVERED), pump());
        TestReceiver.Request request = single(receiver.requests());
        assertEquals(2, request.header("webhook-signature").split(" ").length);
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(created.secret()).verify(request.bodyText(), officialHeaders(request)));
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(rotated.secret()).verify(request.bodyText(), officialHeaders(request)));
    }

    @Test
    void aDuplicatedMessagePostsOnceInTheSameBatch() {
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String body = message(created.webhook(), "evt-dup");
        send(body);
        send(body);
        List<Outcome> first = pump();
        assertEquals(2, first.size());
        assertTrue(first.contains(Outcome.DELIVERED) && first.contains(Outcome.DUPLICATE), first.toString());
        assertEquals(1, receiver.requests().size());
    }

    @Test
    void aGroupMessageDeliversEachOfItsDeliveriesAndRecordsEachOnce() throws Exception {
        List<Webhook> webhooks = List.of(webhook(receiver.url(), 3).webhook(), webhook(receiver.url(), 3).webhook(),
                webhook(receiver.url(), 3).webhook());
        send(DeliveryMessages.group(webhooks.stream().map(w -> message(w, "evt-group")).toList()));

        List<Received> received = receive(1, 1);
        assertEquals(Map.of(received.get(0).messageId(), Outcome.DELIVERED), delivery.process(received));
        assertEquals(3, receiver.requests().size());
        for (Webhook webhook : webhooks) {
            String deliveryId = DeliveryIds.forEvent("evt-group", webhook.id(), eventTimes.get("evt-group"));
            assertEquals(Status.SUCCEEDED, log.find(webhook.id(), deliveryId).orElseThrow().status());
        }

        Thread.sleep(1_500); // its deletion was lost: SQS shows the group again
        assertEquals(List.of(Outcome.DUPLICATE), pump(), "every delivery read its record: nothing is posted twice");
        assertEquals(3, receiver.requests().size());
    }

    @Test
    void aGroupsDeliveryToRetryIsSplitOffIntoAMessageOfItsOwnAndTheGroupIsDone() throws Exception {
        try (TestReceiver failing = new TestReceiver()) {
            failing.then(Response.of(503), Response.of(200));
            Webhook healthy = webhook(receiver.url(), 3).webhook();
            Webhook flaky = webhook(failing.url(), 3).webhook();
            send(DeliveryMessages.group(List.of(message(healthy, "evt-split"), message(flaky, "evt-split"))));
            String flakyDelivery = DeliveryIds.forEvent("evt-split", flaky.id(), eventTimes.get("evt-split"));

            assertEquals(List.of(Outcome.RESCHEDULED), pump(), "deleted: its retry travels on its own");
            assertEquals(Status.RETRYING, log.find(flaky.id(), flakyDelivery).orElseThrow().status());
            assertEquals(List.of(), pump(), "the split-off retry is delayed by its backoff");

            Thread.sleep(6_500);
            assertEquals(List.of(Outcome.DELIVERED), pump());
            DeliveryRecord done = log.find(flaky.id(), flakyDelivery).orElseThrow();
            assertEquals(Status.SUCCEEDED, done.status());
            assertEquals(List.of(503, 200), done.attemptLog().stream().map(DeliveryRecord.Attempt::status).toList(),
                    "the retry read its record: its first receive was not taken for a first attempt");
            assertEquals(1, receiver.requests().size());
            assertEquals(List.of(), pump());
        }
    }

    @Test
    void aBatchWaitingForASlowEndpointRecordsTheSuccessesItAlreadyHas() throws Exception {
        try (TestReceiver slow = new TestReceiver()) {
            slow.always(Response.of(204).withDelay(Duration.ofSeconds(5)));
            Webhook quick = webhook(receiver.url(), 3).webhook();
            Webhook sluggish = webhook(slow.url(), 3).webhook();
            String quickDelivery = enqueue(quick, "evt-quick");
            String slowDelivery = enqueue(sluggish, "evt-slow");
            List<Received> batch = receive(2, 60);

            CompletableFuture<Map<String, Outcome>> running = CompletableFuture.supplyAsync(() -> delivery.process(batch));
            Thread.sleep(3_500);
            assertFalse(running.isDone(), "still waiting for the slow endpoint");
            assertEquals(Status.SUCCEEDED, log.find(quick.id(), quickDelivery).orElseThrow().status(),
                    "written before the batch ends: a crash now would not POST it again");

            assertEquals(Set.of(Outcome.DELIVERED), Set.copyOf(running.get(20, TimeUnit.SECONDS).values()));
            assertEquals(Status.SUCCEEDED, log.find(sluggish.id(), slowDelivery).orElseThrow().status());
        }
    }

    @Test
    void aMessageSqsRedeliversAfterItsOutcomeWasRecordedIsDroppedWithoutAPost() throws Exception {
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-redelivered");
        // Processed, but its deletion is lost (the function died right after): SQS shows it again.
        List<Received> lost = receive(1, 1);
        assertEquals(Map.of(lost.get(0).messageId(), Outcome.DELIVERED), delivery.process(lost));

        Thread.sleep(1_500);
        assertEquals(List.of(Outcome.DUPLICATE), pump());
        assertEquals(1, receiver.requests().size());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), deliveryId).orElseThrow().status());
    }

    @Test
    void aWorkerStalledPastTheVisibilityTimeoutNeverUndoesWhatTheRedeliveredCopyRecorded() throws Exception {
        // The audit's loss: the stalled attempt held a claim, the redelivered copy was dropped and deleted, and the
        // retry the stalled attempt needed was gone with it. Now there is no claim: both attempts run, and the
        // record only moves forward.
        receiver.then(Response.of(200), Response.of(503));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-stall");
        List<Received> stalled = receive(1, 1); // worker A takes it, then stalls past the visibility timeout

        Thread.sleep(1_500);
        assertEquals(List.of(Outcome.DELIVERED), pump(), "worker B gets the re-delivered copy and delivers it");
        assertEquals(Map.of(stalled.get(0).messageId(), Outcome.DUPLICATE), delivery.process(stalled),
                "A wakes up, its repeat POST fails, and its failure is not recorded over B's success");

        DeliveryRecord record = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.SUCCEEDED, record.status());
        assertEquals(2, receiver.requests().size(), "at least once: the stalled attempt's POST was a repeat");
        assertEquals(List.of(), pump(), "nothing left on the queue");
    }

    @Test
    void aStalledWorkersLateSuccessEndsADeliveryTheRedeliveredCopyLeftRetrying() throws Exception {
        receiver.then(Response.of(503), Response.of(200));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        String deliveryId = enqueue(created.webhook(), "evt-stall-late");
        List<Received> stalled = receive(1, 1);

        Thread.sleep(1_500);
        assertEquals(List.of(Outcome.RETRY), pump(), "B's attempt fails and waits for its retry");
        assertEquals(Map.of(stalled.get(0).messageId(), Outcome.DELIVERED), delivery.process(stalled));
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), deliveryId).orElseThrow().status());

        Thread.sleep(6_500);
        assertEquals(List.of(Outcome.DUPLICATE), pump(), "B's retry finds the delivery ended and is dropped unsent");
        assertEquals(2, receiver.requests().size());
    }

    @Test
    void aDeadLetteredDeliveryMovedBackToTheQueueIsSentAgainOnceAndOnlyWhileStillFailed() {
        receiver.then(Response.of(400));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String deliveryId = enqueue(created.webhook(), "evt-redrive");
        assertEquals(List.of(Outcome.FAILED), pump());
        String deadLettered = single(stack.drain(resources.deadLetterQueue())).body();

        send(deadLettered); // the re-drive docs/delivery.md describes: move the DLQ's messages back
        send(deadLettered); // moved twice by mistake
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DUPLICATE), sorted(pump()));
        assertEquals(2, receiver.requests().size());
        DeliveryRecord record = log.find(created.webhook().id(), deliveryId).orElseThrow();
        assertEquals(Status.SUCCEEDED, record.status());
        assertEquals(2, record.attempts());
    }

    @Test
    void aRecoveredDeliveryLeavesNothingThatALaterReDriveWouldSendAgain() {
        receiver.then(Response.of(400));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String deliveryId = enqueue(created.webhook(), "evt-recover-then-redrive");
        assertEquals(List.of(Outcome.FAILED), pump());
        String deadLettered = single(stack.drain(resources.deadLetterQueue())).body();

        admin.retry(principal, created.webhook().id(), deliveryId);
        assertEquals(List.of(Outcome.DELIVERED), pump());
        send(deadLettered);
        assertEquals(List.of(Outcome.DUPLICATE), pump());
        assertEquals(2, receiver.requests().size());
    }

    @Test
    void theMessagesOfABatchAreSentConcurrently() {
        receiver.always(Response.of(200).withDelay(Duration.ofMillis(200)));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        List<Received> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            send(message(created.webhook(), "evt-concurrent-" + i));
        }
        while (batch.size() < 10) {
            sqs.receiveMessage(r -> r.queueUrl(resources.queue()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                    .forEach(m -> batch.add(new Received(m.messageId(), m.receiptHandle(), m.body())));
        }
        long started = System.nanoTime();
        Map<String, Outcome> outcomes = delivery.process(batch);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(10, outcomes.values().stream().filter(o -> o == Outcome.DELIVERED).count());
        assertTrue(millis < 1_500, "10 x 200 ms took " + millis + " ms: not sequential (2 s)");
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterQueueWithItsReason() {
        send("{\"delivery_id\": \"msg_x\"}");
        assertEquals(List.of(Outcome.INVALID), pump());
        List<Message> dead = stack.drain(resources.deadLetterQueue());
        assertEquals(1, dead.size());
        assertEquals("invalid message: payload is missing or not an object",
                dead.get(0).messageAttributes().get("hookline-reason").stringValue());
    }

    @Test
    void aMessageNestedBeyondTheJsonLimitGoesToTheDeadLetterQueueWithItsReason() {
        send("{\"payload\": " + "[".repeat(1001) + "]".repeat(1001) + "}");
        assertEquals(List.of(Outcome.INVALID), pump());
        List<Message> dead = stack.drain(resources.deadLetterQueue());
        assertEquals("invalid message: not JSON (json_limit_exceeded)",
                dead.get(0).messageAttributes().get("hookline-reason").stringValue());
    }

    // ------------------------------------------------------------------ circuit, replay, recover

    @Test
    void theCircuitOpensAfterTheThresholdParksNewDeliveriesAndReplaysThemWhenReEnabled() {
        receiver.always(Response.of(500));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        for (int i = 0; i < 3; i++) {
            enqueue(created.webhook(), "evt-fail-" + i);
        }
        assertEquals(List.of(Outcome.FAILED, Outcome.FAILED, Outcome.FAILED), pump());
        WebhookHealth open = health(created.webhook());
        assertEquals("open", open.circuitState());
        assertEquals(3, open.consecutiveFailures());
        assertTrue(open.disabledReason().startsWith("3 consecutive failed attempts"), open.disabledReason());

        String parkedA = enqueue(created.webhook(), "evt-parked-a");
        String parkedB = enqueue(created.webhook(), "evt-parked-b");
        assertEquals(List.of(Outcome.PARKED, Outcome.PARKED), pump());
        assertEquals(3, receiver.requests().size(), "parked deliveries are not attempted");
        assertEquals(2, log.parked(created.webhook().id(), Optional.empty(), 10).items().size());

        receiver.always(Response.of(204));
        admin.reenabled(created.webhook());
        assertEquals(List.of(Outcome.COMMAND), pump());
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED), pump());

        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parkedA).orElseThrow().status());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parkedB).orElseThrow().status());
        assertEquals("closed", health(created.webhook()).circuitState());
        assertEquals(List.of(), log.parked(created.webhook().id(), Optional.empty(), 10).items());
    }

    @Test
    void aBurstOfConcurrentFailuresDoesNotOpenTheCircuitButFailuresSustainedOverTheSpanDo() throws Exception {
        DeliveryService breaker = stack.services().delivery(resources.config().withCircuitThreshold(3)
                .withCacheTtl(Duration.ZERO).withCircuitTiming(Duration.ofSeconds(2), List.of(Duration.ofMinutes(1))),
                stack.services().urlGuard());
        receiver.always(Response.of(500));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        for (int i = 0; i < 6; i++) {
            enqueue(created.webhook(), "evt-burst-" + i);
        }
        while (receiver.requests().size() < 6) {
            pump(breaker);
        }
        WebhookHealth afterBurst = health(created.webhook());
        assertEquals("closed", afterBurst.circuitState(), "6 failures within a moment are a hiccup, not an outage");
        assertEquals(6, afterBurst.consecutiveFailures());

        Thread.sleep(2_100);
        enqueue(created.webhook(), "evt-still-failing");
        assertEquals(List.of(Outcome.FAILED), pump(breaker));
        WebhookHealth open = health(created.webhook());
        assertEquals("open", open.circuitState(), "still failing after the span, with no success in between");
        assertTrue(open.disabledReason().startsWith("7 consecutive failed attempts since "), open.disabledReason());
        assertNotNull(open.nextProbeAt());
    }

    @Test
    void aSuccessBetweenFailuresStartsTheSpanAgain() throws Exception {
        DeliveryService breaker = stack.services().delivery(resources.config().withCircuitThreshold(2)
                .withCacheTtl(Duration.ZERO).withCircuitTiming(Duration.ofSeconds(1), List.of(Duration.ofMinutes(1))),
                stack.services().urlGuard());
        receiver.then(Response.of(500), Response.of(204), Response.of(500), Response.of(500));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        enqueue(created.webhook(), "evt-a");
        assertEquals(List.of(Outcome.FAILED), pump(breaker));
        Thread.sleep(1_100);
        enqueue(created.webhook(), "evt-b");
        assertEquals(List.of(Outcome.DELIVERED), pump(breaker));
        enqueue(created.webhook(), "evt-c");
        enqueue(created.webhook(), "evt-d");
        pump(breaker);
        assertEquals("closed", health(created.webhook()).circuitState(), "the run of failures began after the success");
    }

    @Test
    void anOpenCircuitIsProbedOnItsScheduleAndAPassingProbeClosesItAndReplaysWhatWasParked() throws Exception {
        DeliveryService breaker = stack.services().delivery(resources.config().withCircuitThreshold(2)
                .withCacheTtl(Duration.ZERO).withCircuitTiming(Duration.ZERO, List.of(Duration.ofSeconds(1))),
                stack.services().urlGuard());
        WebhookService.WithSecret created = webhookWithOpenCircuit(breaker, Response.of(503), "evt-down-1", "evt-down-2");
        String parkedA = enqueue(created.webhook(), "evt-parked-a");
        String parkedB = enqueue(created.webhook(), "evt-parked-b");
        assertEquals(List.of(Outcome.PARKED, Outcome.PARKED), sorted(pump(breaker)));

        Thread.sleep(1_200);
        assertEquals(List.of(Outcome.FAILED), pump(breaker), "the first probe: a signed ping, still refused");
        WebhookHealth stillOpen = health(created.webhook());
        assertEquals("open", stillOpen.circuitState());
        assertEquals(1, stillOpen.probes());
        assertEquals("ping", Json.parse(receiver.requests().getLast().bodyText()).path("type").asText());

        receiver.always(Response.of(204));
        Thread.sleep(1_200);
        assertEquals(List.of(Outcome.DELIVERED), pump(breaker), "the second probe passes");
        assertEquals("closed", health(created.webhook()).circuitState());
        // Then the replay (a command), the two parked deliveries, and the probe the passing one had queued in case
        // it failed (a command that finds the circuit closed), in whatever order SQS hands them out.
        List<Outcome> rest = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rest.size() < 4 && System.nanoTime() < deadline) {
            rest.addAll(pump(breaker));
        }
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED, Outcome.COMMAND, Outcome.COMMAND), sorted(rest));
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parkedA).orElseThrow().status());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parkedB).orElseThrow().status());
        Thread.sleep(1_200);
        assertEquals(List.of(), pump(breaker), "a closed circuit queues no further probe");
        assertEquals(6, receiver.requests().size(), "2 failed deliveries, 2 probes, the 2 replayed ones");
    }

    @Test
    void reEnablingWithinTheCacheWindowReplaysEverythingParked() {
        // The audit's race: the delivery function still held the open circuit in its 30 s cache when the replay's
        // messages came in, and parked them all again.
        DeliveryService cached = stack.services().delivery(resources.config().withCircuitThreshold(2)
                .withCircuitTiming(Duration.ZERO, List.of(Duration.ofHours(1))), stack.services().urlGuard());
        WebhookService.WithSecret created = webhookWithOpenCircuit(cached, Response.of(500), "evt-x", "evt-y");
        String parked = enqueue(created.webhook(), "evt-parked");
        assertEquals(List.of(Outcome.PARKED), pump(cached));

        receiver.always(Response.of(204));
        admin.reenabled(created.webhook());
        assertEquals(List.of(Outcome.COMMAND), pump(cached));
        assertEquals(List.of(Outcome.DELIVERED), pump(cached), "not parked again by the cached open circuit");
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parked).orElseThrow().status());
        assertEquals(List.of(), log.parked(created.webhook().id(), Optional.empty(), 10).items());
    }

    @Test
    void aWebhookWithTooManyDeliveriesInBackoffHasNewOnesParkedUntilItsBacklogDrains() throws Exception {
        delivery = stack.services().delivery(resources.config().withBacklogCap(2).withCircuitThreshold(100)
                .withCacheTtl(Duration.ZERO), stack.services().urlGuard());
        receiver.then(Response.of(503), Response.of(503)); // then 200
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        enqueue(created.webhook(), "evt-backlog-1");
        enqueue(created.webhook(), "evt-backlog-2");
        assertEquals(List.of(Outcome.RETRY, Outcome.RETRY), pump());
        assertEquals(2, health(created.webhook()).inBackoff());

        String parked = enqueue(created.webhook(), "evt-backlog-3");
        assertEquals(List.of(Outcome.PARKED), pump(), "the cap keeps a flaky webhook's retries from piling up in flight");
        assertEquals(2, receiver.requests().size());
        assertTrue(log.find(created.webhook().id(), parked).orElseThrow().lastError().startsWith("backlog: 2 deliveries"));

        Thread.sleep(7_500);
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED), pump());
        assertEquals(0, health(created.webhook()).inBackoff());
        assertEquals(List.of(Outcome.COMMAND), pump(), "the drained backlog queued the replay");
        assertEquals(List.of(Outcome.DELIVERED), pump());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parked).orElseThrow().status());
    }

    @Test
    void aSuccessfulTestPingClosesAnOpenCircuitAndReplaysWhatWasParked() {
        receiver.always(Response.of(410));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        enqueue(created.webhook(), "evt-gone");
        assertEquals(List.of(Outcome.ABORTED), pump());
        String parked = enqueue(created.webhook(), "evt-parked");
        assertEquals(List.of(Outcome.PARKED), pump());

        receiver.always(Response.of(200));
        DeliveryAdmin.Accepted ping = admin.test(principal, created.webhook().id());
        assertEquals(List.of(Outcome.DELIVERED), pump());
        assertEquals("ping", Json.parse(receiver.requests().get(1).bodyText()).path("type").asText());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), ping.deliveryId().orElseThrow()).orElseThrow().status());
        assertEquals("closed", health(created.webhook()).circuitState());

        assertEquals(List.of(Outcome.COMMAND), pump());
        assertEquals(List.of(Outcome.DELIVERED), pump());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), parked).orElseThrow().status());
    }

    @Test
    void recoverResendsTheFailedDeliveriesCreatedSinceTheGivenTime() throws Exception {
        // Three failures would open the circuit at the suite's threshold of 3 (recovered deliveries would then park).
        delivery = stack.services().delivery(resources.config().withCircuitThreshold(10).withCacheTtl(Duration.ZERO),
                stack.services().urlGuard());
        receiver.always(Response.of(500));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        String before = enqueue(created.webhook(), "evt-before");
        assertEquals(List.of(Outcome.FAILED), pump());
        Thread.sleep(20);
        Instant since = Instant.now();
        String a = enqueue(created.webhook(), "evt-a");
        String b = enqueue(created.webhook(), "evt-b");
        assertEquals(List.of(Outcome.FAILED, Outcome.FAILED), pump());
        assertEquals(3, stack.drain(resources.deadLetterQueue()).size());

        receiver.always(Response.of(200));
        admin.recover(principal, created.webhook().id(), since.toString());
        assertEquals(List.of(Outcome.COMMAND), pump());
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED), pump());

        assertEquals(Status.FAILED, log.find(created.webhook().id(), before).orElseThrow().status());
        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), a).orElseThrow().status());
        DeliveryRecord recovered = log.find(created.webhook().id(), b).orElseThrow();
        assertEquals(Status.SUCCEEDED, recovered.status());
        assertEquals(2, recovered.attempts());
        assertTrue(recovered.payload().isEmpty(), "the payload is dropped once it is back on the queue");
    }

    @Test
    void aManualRetryResendsOneFailedDelivery() {
        receiver.always(Response.of(400));
        WebhookService.WithSecret created = webhook(receiver.url(), 5);
        String id = enqueue(created.webhook(), "evt-manual");
        assertEquals(List.of(Outcome.FAILED), pump(), "a 400 is not retried automatically");

        receiver.always(Response.of(200));
        admin.retry(principal, created.webhook().id(), id);
        assertEquals(List.of(Outcome.DELIVERED), pump());
        DeliveryRecord record = log.find(created.webhook().id(), id).orElseThrow();
        assertEquals(Status.SUCCEEDED, record.status());
        assertEquals(2, record.attemptLog().size());
    }

    @Test
    void theLogListsNewestFirstFiltersByStatusAndPages() {
        receiver.then(Response.of(400));
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        String failed = enqueue(created.webhook(), "evt-list-0");
        assertEquals(List.of(Outcome.FAILED), pump());
        List<String> ok = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ok.add(enqueue(created.webhook(), "evt-list-" + i));
            assertEquals(List.of(Outcome.DELIVERED), pump());
        }
        var page1 = admin.list(principal, created.webhook().id(), Optional.empty(), Optional.empty(), 2);
        assertEquals(List.of(ok.get(2), ok.get(1)), page1.items().stream().map(DeliveryRecord::deliveryId).toList());
        var page2 = admin.list(principal, created.webhook().id(), Optional.empty(), page1.nextCursor(), 2);
        assertEquals(List.of(ok.get(0), failed), page2.items().stream().map(DeliveryRecord::deliveryId).toList());
        assertEquals(Optional.empty(), page2.nextCursor());
        var failures = admin.list(principal, created.webhook().id(), Optional.of("failed"), Optional.empty(), 10);
        assertEquals(List.of(failed), failures.items().stream().map(DeliveryRecord::deliveryId).toList());
    }

    // ------------------------------------------------------------------ fresh webhooks and fairness

    @Test
    void aRotatedSecretSignsTheVeryNextDeliveryEvenWithAWarmCache() {
        DeliveryService cached = stack.services().delivery(resources.config().withCacheTtl(Duration.ofHours(1)),
                stack.services().urlGuard());
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        enqueue(created.webhook(), "evt-before-rotate");
        assertEquals(List.of(Outcome.DELIVERED), pump(cached));

        WebhookService.WithSecret rotated = stack.services().webhooks().rotateSecret(principal, created.webhook().id(),
                Optional.empty());
        enqueue(created.webhook(), "evt-after-rotate");
        assertEquals(List.of(Outcome.DELIVERED), pump(cached));

        TestReceiver.Request after = receiver.requests().get(1);
        assertDoesNotThrow(() -> new com.standardwebhooks.Webhook(rotated.secret())
                .verify(after.bodyText(), officialHeaders(after)), "signed with the new secret despite a 1 h cache");
    }

    @Test
    void aRateLimitedWebhookNeverGetsMoreThanItsLimitInAnySecondAndGetsEveryDelivery() {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "limited", "url": "%s", "resource": "ticket", "trigger": "create", "rate_limit": 2}
                """.formatted(receiver.url()));
        Webhook webhook = stack.services().webhooks().create(principal, body, Optional.empty()).webhook();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(enqueue(webhook, "evt-limited-" + i));
        }

        List<Outcome> first = new ArrayList<>();
        while (first.size() < 7) {
            first.addAll(pump());
        }
        // Those whose second starts within 1.5 s wait for it; the others go back to the queue until theirs.
        assertTrue(first.contains(Outcome.HELD), first.toString());
        assertEquals(7, first.stream().filter(o -> o == Outcome.DELIVERED || o == Outcome.HELD).count(), first.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (receiver.requests().size() < 7 && System.nanoTime() < deadline) {
            pump();
        }

        List<TestReceiver.Request> requests = receiver.requests();
        assertEquals(Set.copyOf(ids), Set.copyOf(requests.stream().map(r -> r.header("webhook-id")).toList()));
        assertEquals(7, requests.size(), "each delivery once");
        Map<Long, Long> perSecond = new HashMap<>();
        requests.forEach(r -> perSecond.merge(r.at().getEpochSecond(), 1L, Long::sum));
        assertTrue(perSecond.values().stream().allMatch(n -> n <= 2), "at most 2 per second: " + perSecond);
        ids.forEach(id -> assertEquals(Status.SUCCEEDED, log.find(webhook.id(), id).orElseThrow().status()));
    }

    @Test
    void anEndpointThatRunsPastTheSlowThresholdHasItsNextDeliveriesServedFromTheSlowLane() {
        DeliveryService laned = stack.services().delivery(resources.config().withCacheTtl(Duration.ofHours(1))
                .withSlowLane(resources.slowLane(), Duration.ofMillis(300)), stack.services().urlGuard());
        receiver.always(Response.of(200).withDelay(Duration.ofMillis(800)));
        WebhookService.WithSecret created = webhook(receiver.url(), 3);
        enqueue(created.webhook(), "evt-slow-1");
        assertEquals(List.of(Outcome.DELIVERED), pump(laned));
        assertTrue(health(created.webhook()).slow(Instant.now()), "marked slow while its attempt ran");

        String second = enqueue(created.webhook(), "evt-slow-2");
        assertEquals(List.of(Outcome.SLOW_LANE), pump(laned));
        assertEquals(List.of(), pump(laned), "nothing left on the delivery queue");
        assertEquals(List.of(Outcome.DELIVERED), DeliveryQueuePump.pumpOnce(sqs, resources.slowLane(), laned));

        assertEquals(Status.SUCCEEDED, log.find(created.webhook().id(), second).orElseThrow().status());
        assertEquals(2, receiver.requests().size());
    }

    // ------------------------------------------------------------------ helpers

    private WebhookService.WithSecret webhook(String url, int retries) {
        ObjectNode body = (ObjectNode) Json.parse("""
                {"name": "receiver", "url": "%s", "resource": "ticket", "trigger": "create", "retries": %d}
                """.formatted(url, retries));
        return stack.services().webhooks().create(principal, body, Optional.empty());
    }

    /** A webhook (no retries) whose endpoint answers {@code failure} until these events' attempts open its circuit. */
    private WebhookService.WithSecret webhookWithOpenCircuit(DeliveryService service, Response failure, String... eventIds) {
        receiver.always(failure);
        WebhookService.WithSecret created = webhook(receiver.url(), 0);
        for (String eventId : eventIds) {
            enqueue(created.webhook(), eventId);
        }
        while (!health(created.webhook()).open()) {
            pump(service);
        }
        return created;
    }

    private String message(Webhook webhook, String eventId) {
        Instant occurredAt = eventTimes.computeIfAbsent(eventId, id -> Instant.now());
        ObjectNode payload = Json.object();
        payload.put("type", "ticket.create");
        payload.put("timestamp", occurredAt.toString());
        payload.put("event_id", eventId);
        payload.put("company_id", webhook.companyId());
        payload.putObject("data").put("id", 42).put("subject", "Zoë's printer is on fire 🔥");
        String deliveryId = DeliveryIds.forEvent(eventId, webhook.id(), occurredAt);
        // Stamped with the tenant epoch as of now, as fan-out does.
        long tenantEpoch = stack.services().webhooks().tenantEpoch(webhook.companyId());
        return Json.write(new DeliveryMessage(deliveryId, webhook.id(), webhook.companyId(), eventId, 0, payload, tenantEpoch)
                .toJson());
    }

    private String enqueue(Webhook webhook, String eventId) {
        send(message(webhook, eventId));
        return DeliveryIds.forEvent(eventId, webhook.id(), eventTimes.get(eventId));
    }

    private WebhookHealth health(Webhook webhook) {
        return admin.state(webhook).health();
    }

    /** Receives {@code count} messages with a short visibility, as a worker that will stall would. */
    private List<Received> receive(int count, int visibilitySeconds) {
        List<Received> received = new ArrayList<>();
        while (received.size() < count) {
            sqs.receiveMessage(r -> r.queueUrl(resources.queue()).maxNumberOfMessages(count - received.size())
                            .visibilityTimeout(visibilitySeconds).waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages()
                    .forEach(m -> received.add(new Received(m.messageId(), m.receiptHandle(), m.body(),
                            Integer.parseInt(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)))));
        }
        return received;
    }

    private static List<Outcome> sorted(List<Outcome> outcomes) {
        return outcomes.stream().sorted().toList();
    }

    private void send(String body) {
        sqs.sendMessage(request -> request.queueUrl(resources.queue()).messageBody(body));
    }

    private List<Outcome> pump() {
        return pump(delivery);
    }

    /** One receive of up to 10 messages, processed as Lambda would, in receive order. */
    private List<Outcome> pump(DeliveryService service) {
        return DeliveryQueuePump.pumpOnce(sqs, resources.queue(), service);
    }

    private static Map<String, List<String>> officialHeaders(TestReceiver.Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(request.header(name)));
        }
        return headers;
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), "expected exactly one: " + items);
        return items.get(0);
    }
}
