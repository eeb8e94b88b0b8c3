package dev.hookline.delivery.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.delivery.DeliveryConfig;
import dev.hookline.delivery.RetryPolicy;
import dev.hookline.storage.DeliveryLog;
import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import dev.hookline.webhooks.WebhookRequests;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml wires delivery as docs/delivery.md says. */
class DeliveryTemplateTest {

    private static Map<?, ?> resources;
    private static Map<?, ?> parameters;

    @BeforeAll
    static void loadTemplate() {
        Map<String, Object> template = TemplateYaml.load(RepoFiles.resolve("template.yaml"));
        resources = (Map<?, ?>) template.get("Resources");
        parameters = (Map<?, ?>) template.get("Parameters");
    }

    private static Map<?, ?> properties(String logicalId) {
        return (Map<?, ?>) ((Map<?, ?>) resources.get(logicalId)).get("Properties");
    }

    private static Map<?, ?> eventSource() {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) properties("DeliveryFunction").get("Events")).get("Deliveries")).get("Properties");
    }

    @Test
    void theDeliveryFunctionRunsThisModulesHandlerBuiltByItsMakefile() throws ReflectiveOperationException {
        assertEquals(DeliveryHandler.class.getName() + "::handleRequest", properties("DeliveryFunction").get("Handler"));
        assertEquals("functions/delivery", properties("DeliveryFunction").get("CodeUri"));
        assertEquals(Map.of("BuildMethod", "makefile"), ((Map<?, ?>) resources.get("DeliveryFunction")).get("Metadata"));
        assertTrue(Files.isRegularFile(RepoFiles.resolve("functions/delivery/Makefile")));
        DeliveryHandler.class.getConstructor();
    }

    @Test
    void theQueueHidesAMessageForSixFunctionTimeoutsAndTheFunctionOutlastsTenConcurrentAttempts() {
        int timeout = (Integer) properties("DeliveryFunction").get("Timeout");
        assertEquals("DeliveryVisibilityTimeout", properties("DeliveryQueue").get("VisibilityTimeout"));
        Map<?, ?> parameter = (Map<?, ?>) parameters.get("DeliveryVisibilityTimeout");
        int visibility = (Integer) parameter.get("Default");
        assertTrue(visibility >= 6 * timeout, visibility + " s < 6 x " + timeout + " s");
        assertTrue((Integer) parameter.get("MinValue") >= timeout, "a shorter one hands messages out while they are worked on");
        assertTrue(timeout * 1000L > DeliveryConfig.DEFAULT_TOTAL_TIMEOUT.toMillis() + 10_000);
    }

    @Test
    void theRetryScheduleIsSvixsUnlessTheStackSetsOne() {
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) properties("DeliveryFunction").get("Environment")).get("Variables");
        assertEquals("DeliveryRetrySchedule", variables.get("DELIVERY_RETRY_SCHEDULE"));
        assertEquals("", ((Map<?, ?>) parameters.get("DeliveryRetrySchedule")).get("Default"));
    }

    @Test
    void theEventSourceReportsPartialFailuresAndIsBounded() {
        assertEquals("DeliveryQueue.Arn", eventSource().get("Queue"));
        assertEquals(List.of("ReportBatchItemFailures"), eventSource().get("FunctionResponseTypes"));
        assertEquals(10, eventSource().get("BatchSize"));
        assertEquals("DeliveryMaximumConcurrency", ((Map<?, ?>) eventSource().get("ScalingConfig")).get("MaximumConcurrency"));
    }

    @Test
    void theSlowLaneIsServedByTheSameFunctionWithItsOwnSmallConcurrencyAndTheSameRedrive() {
        Map<?, ?> events = (Map<?, ?>) properties("DeliveryFunction").get("Events");
        Map<?, ?> lane = (Map<?, ?>) ((Map<?, ?>) events.get("SlowLane")).get("Properties");
        assertEquals("DeliverySlowLaneQueue.Arn", lane.get("Queue"));
        assertEquals(List.of("ReportBatchItemFailures"), lane.get("FunctionResponseTypes"));
        assertEquals("SlowLaneMaximumConcurrency", ((Map<?, ?>) lane.get("ScalingConfig")).get("MaximumConcurrency"));
        assertTrue((Integer) ((Map<?, ?>) parameters.get("SlowLaneMaximumConcurrency")).get("Default")
                < (Integer) ((Map<?, ?>) parameters.get("DeliveryMaximumConcurrency")).get("Default"));
        assertEquals(properties("DeliveryQueue").get("RedrivePolicy"), properties("DeliverySlowLaneQueue").get("RedrivePolicy"));
        assertEquals("DeliveryVisibilityTimeout", properties("DeliverySlowLaneQueue").get("VisibilityTimeout"));
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) properties("DeliveryFunction").get("Environment")).get("Variables");
        assertEquals("DeliverySlowLaneQueue", variables.get("SLOW_LANE_QUEUE_URL"));
    }

    @Test
    void theRedriveCountIsAboveAnyWebhooksAttempts() {
        Map<?, ?> redrive = (Map<?, ?>) properties("DeliveryQueue").get("RedrivePolicy");
        assertEquals("DeliveryDeadLetterQueue.Arn", redrive.get("deadLetterTargetArn"));
        assertTrue((Integer) redrive.get("maxReceiveCount") > WebhookRequests.MAX_RETRIES + 1);
        assertTrue(RetryPolicy.MAX_DELAY.toSeconds() < 12 * 3600, "SQS's visibility maximum");
    }

    @Test
    void theDeliveriesTableHasOnlyTheSparseParkedIndexAndTtl() {
        Map<?, ?> table = properties("DeliveriesTable");
        assertEquals(Map.of("AttributeName", "expires_at", "Enabled", true), table.get("TimeToLiveSpecification"));
        List<?> names = ((List<?>) table.get("GlobalSecondaryIndexes")).stream().map(i -> ((Map<?, ?>) i).get("IndexName")).toList();
        assertEquals(List.of(DeliveryLog.PARKED_INDEX), names, "listing needs no index: the sort key is in time order");
    }

    @Test
    void alarmsWatchSystemFailuresAndTheParkedBacklogButNotOneTenantsDeadLetters() {
        assertEquals("DeliverySystemErrors", properties("DeliverySystemErrorsAlarm").get("MetricName"));
        assertEquals("InvalidDeliveryMessages", properties("InvalidDeliveryMessagesAlarm").get("MetricName"));
        assertEquals("DeliveriesParked", properties("ParkedBacklogAlarm").get("MetricName"));
        resources.values().stream().map(r -> (Map<?, ?>) r).filter(r -> "AWS::CloudWatch::Alarm".equals(r.get("Type")))
                .forEach(alarm -> assertFalse(String.valueOf(alarm.get("Properties")).contains("DeliveryDeadLetterQueue"),
                        "a tenant's dead endpoint fills the delivery DLQ: it must not page"));
    }
}
