package dev.hookline.fanout.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.fanout.FanoutConfig;
import dev.hookline.json.Json;
import dev.hookline.storage.FanoutLedger;
import dev.hookline.testing.DeliveryQueueMessages;
import dev.hookline.testing.LambdaEvents;
import dev.hookline.testing.TestContext;
import dev.hookline.testing.TestStack.FanoutQueues;
import dev.hookline.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The handler driven by events/sqs-ingest-batch.json, deserialized as the Lambda runtime does, on DynamoDB Local
 * and ElasticMQ. Each test has its own tables, so the sample's tenant and event ids start fresh.
 */
class FanoutHandlerIT {

    private static final String COMPANY = "d0a3f370-cd43-11ed-9c9c-bbcffde24a48";
    private static final String EVENT_GUID = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    private static final String TICKET_GUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(60);

    private TestStack stack;
    private FanoutQueues queues;
    private FanoutHandler handler;

    @BeforeEach
    void freshDeployment() {
        stack = TestStack.create();
        queues = stack.createFanoutQueues();
        handler = new FanoutHandler(stack.services().fanout(queues.config()));
    }

    private String webhook(String events, String identifier, boolean propagation) {
        return stack.services().webhooks().create(TestStack.admin(COMPANY), Json.parse("""
                {"name": "hook", "url": "https://hooks.example.com/in", "events": %s, "identifier": "%s",
                 "triggered_by_child_resources": %s}""".formatted(events, identifier, propagation)), Optional.empty())
                .webhook().id();
    }

    private static SQSEvent sampleBatch() {
        return LambdaEvents.load("sqs-ingest-batch.json", SQSEvent.class);
    }

    private SQSBatchResponse invoke(SQSEvent event) {
        return handler.handleRequest(event, new TestContext(FUNCTION_TIMEOUT));
    }

    /** webhook id → event type and event id of each delivery. */
    private Map<String, String> deliveries() {
        Map<String, String> deliveries = new TreeMap<>();
        for (JsonNode delivery : DeliveryQueueMessages.deliveries(stack.drain(queues.delivery()))) {
            String previous = deliveries.put(delivery.get("webhook_id").asText(),
                    delivery.get("payload").get("type").asText() + " " + delivery.get("event_id").asText());
            assertEquals(null, previous, "one delivery per webhook and event");
        }
        return deliveries;
    }

    @Test
    void theSampleBatchFansOutEveryRecordIncludingTheSnsWrappedOne() {
        String ticketCreates = webhook("[\"ticket.create\"]", "", false);
        String eventChanges = webhook("[\"event.update\"]", EVENT_GUID, true);
        String paidTickets = webhook("[\"ticket.paid\"]", TICKET_GUID, true);
        webhook("[\"ticket.paid\"]", "another-ticket", true);

        SQSBatchResponse response = invoke(sampleBatch());

        assertEquals("{\"batchItemFailures\":[]}", LambdaEvents.toJson(response, SQSBatchResponse.class));
        assertEquals(Map.of(
                ticketCreates, "ticket.create evt_01JD3ZK6Q7R5V2X8N4M9T0W1YB",
                paidTickets, "shop.paid 2d8c9a1e-7b4f-5c3d-9e0a-6f1b2c3d4e5f",
                eventChanges, "ticket.update evt_01JD3ZP2C4H8K1N6R9T3V5X7ZA"), deliveries());
    }

    @Test
    void aRedeliveredBatchProducesNoSecondDeliveries() {
        webhook("[\"ticket.create\"]", "", false);
        invoke(sampleBatch());
        assertEquals(1, deliveries().size());

        assertEquals(List.of(), invoke(sampleBatch()).getBatchItemFailures());

        assertEquals(Map.of(), deliveries());
    }

    @Test
    void anInvalidRecordIsParkedAndNotReportedAsAFailure() {
        SQSEvent batch = sampleBatch();
        batch.getRecords().get(1).setBody("{\"resource\": \"ticket\"}");

        assertEquals(List.of(), invoke(batch).getBatchItemFailures());

        List<Message> parked = stack.drain(queues.parking());
        assertEquals(1, parked.size());
        assertEquals("missing_tenant", parked.get(0).messageAttributes().get("hookline-reason").stringValue());
        assertEquals(batch.getRecords().get(1).getMessageId(),
                parked.get(0).messageAttributes().get("hookline-source-message-id").stringValue());
    }

    @Test
    void onlyTheRecordThatFailedReturnsToTheQueue() {
        webhook("[\"ticket.create\"]", "", false);
        FanoutConfig config = queues.config();
        // A parking queue that does not exist: parking the invalid record fails, the valid ones are unaffected.
        handler = new FanoutHandler(stack.services().fanout(new FanoutConfig(config.ingestQueueUrl(),
                config.deliveryQueueUrl(), config.parkingQueueUrl() + "-missing", config.maxDeliveriesPerPart(),
                config.sendConcurrency())));
        SQSEvent batch = sampleBatch();
        batch.getRecords().get(1).setBody("not json");

        SQSBatchResponse response = invoke(batch);

        assertEquals(List.of(batch.getRecords().get(1).getMessageId()),
                response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals(1, deliveries().size());
    }

    @Test
    void aRecordWhoseEventWasFannedOutAlreadyIsDeletedAsADuplicate() {
        webhook("[\"ticket.create\"]", "", false);
        new FanoutLedger(stack.clients().dynamoDb(), stack.webhooksTable()).record(List.of(new FanoutLedger.Entry(
                new FanoutLedger.Key(COMPANY, "evt_01JD3ZK6Q7R5V2X8N4M9T0W1YB", 0), 1)), Instant.now(), Duration.ofHours(24));
        SQSEvent batch = sampleBatch();
        batch.setRecords(List.of(batch.getRecords().get(0)));

        SQSBatchResponse response = invoke(batch);

        assertEquals(List.of(), response.getBatchItemFailures(), "handled: nothing comes back");
        assertEquals(Map.of(), deliveries());
    }

    @Test
    void whenTheFunctionIsAboutToTimeOutTheRestContinuesOnTheIngestQueue() {
        webhook("[\"ticket.create\"]", "", false);
        webhook("[\"ticket.create\"]", "", false);
        SQSEvent batch = sampleBatch();
        batch.setRecords(List.of(batch.getRecords().get(0)));

        assertEquals(List.of(), handler.handleRequest(batch, new TestContext(Duration.ofSeconds(5))).getBatchItemFailures());

        assertEquals(1, deliveries().size());
        List<Message> continuations = stack.drain(queues.ingest());
        assertEquals(1, continuations.size());
        SQSEvent next = sampleBatch();
        next.setRecords(List.of(next.getRecords().get(0)));
        next.getRecords().get(0).setMessageId(continuations.get(0).messageId());
        next.getRecords().get(0).setBody(continuations.get(0).body());
        assertEquals(List.of(), invoke(next).getBatchItemFailures());
        assertEquals(1, deliveries().size());
    }

    @Test
    void worksWithoutALambdaContext() {
        webhook("[\"ticket.create\"]", "", false);

        assertTrue(handler.handleRequest(sampleBatch(), null).getBatchItemFailures().isEmpty());

        assertEquals(1, deliveries().size());
    }
}
