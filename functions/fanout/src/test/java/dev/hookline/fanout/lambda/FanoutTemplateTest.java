package dev.hookline.fanout.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml wires the fan-out as docs/fanout.md says: the handler of this module and the SQS rules. */
class FanoutTemplateTest {

    private static Map<?, ?> resources;

    @BeforeAll
    static void loadTemplate() {
        resources = (Map<?, ?>) TemplateYaml.load(RepoFiles.resolve("template.yaml")).get("Resources");
    }

    private static Map<?, ?> properties(String logicalId) {
        return (Map<?, ?>) ((Map<?, ?>) resources.get(logicalId)).get("Properties");
    }

    private static Map<?, ?> ingestEventSource() {
        return (Map<?, ?>) ((Map<?, ?>) properties("FanoutFunction").get("Events")).get("Ingest");
    }

    @Test
    void theFanoutFunctionRunsThisModulesHandler() throws ReflectiveOperationException {
        Map<?, ?> function = properties("FanoutFunction");
        assertEquals(FanoutHandler.class.getName() + "::handleRequest", function.get("Handler"));
        assertEquals("functions/fanout", function.get("CodeUri"));
        assertEquals(Map.of("BuildMethod", "makefile"), ((Map<?, ?>) resources.get("FanoutFunction")).get("Metadata"));
        FanoutHandler.class.getConstructor();
    }

    @Test
    void theIngestQueueHidesAMessageForSixFunctionTimeouts() {
        int timeout = (Integer) properties("FanoutFunction").get("Timeout");
        int visibility = (Integer) properties("IngestQueue").get("VisibilityTimeout");
        assertTrue(visibility >= 6 * timeout, visibility + " s < 6 x " + timeout + " s");
    }

    @Test
    void theEventSourceReportsPartialBatchFailures() {
        assertEquals("SQS", ingestEventSource().get("Type"));
        Map<?, ?> source = (Map<?, ?>) ingestEventSource().get("Properties");
        assertEquals("IngestQueue.Arn", source.get("Queue"));
        assertEquals(List.of("ReportBatchItemFailures"), source.get("FunctionResponseTypes"));
    }

    @Test
    void theFunctionMaySendToEveryQueueItIsGiven() {
        Map<?, ?> function = properties("FanoutFunction");
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) function.get("Environment")).get("Variables");
        assertEquals(Map.of("INGEST_QUEUE_URL", "IngestQueue", "DELIVERY_QUEUE_URL", "DeliveryQueue",
                "PARKING_QUEUE_URL", "ParkingQueue"), variables);
        List<?> sendTo = ((List<?>) function.get("Policies")).stream()
                .flatMap(policy -> ((List<?>) ((Map<?, ?>) policy).get("Statement")).stream())
                .map(statement -> (Map<?, ?>) statement)
                .filter(statement -> "sqs:SendMessage".equals(statement.get("Action")))
                .flatMap(statement -> ((List<?>) statement.get("Resource")).stream())
                .toList();
        assertEquals(List.of("DeliveryQueue.Arn", "ParkingQueue.Arn", "IngestQueue.Arn"), sendTo);
    }

    @Test
    void theIngestAndDeliveryQueuesRedriveToTheirDeadLetterQueues() {
        assertEquals("IngestDeadLetterQueue.Arn",
                ((Map<?, ?>) properties("IngestQueue").get("RedrivePolicy")).get("deadLetterTargetArn"));
        assertEquals("DeliveryDeadLetterQueue.Arn",
                ((Map<?, ?>) properties("DeliveryQueue").get("RedrivePolicy")).get("deadLetterTargetArn"));
    }
}
