package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What template.yaml promises a platform team (docs/operations.md): notified alarms, retained state. */
class ProductionTemplateTest {

    private static Map<?, ?> resources;

    @BeforeAll
    static void loadTemplate() {
        resources = (Map<?, ?>) TemplateYaml.load(RepoFiles.resolve("template.yaml")).get("Resources");
    }

    private static List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources.forEach((id, resource) -> {
            if (type.equals(((Map<?, ?>) resource).get("Type"))) {
                ids.add((String) id);
            }
        });
        return ids;
    }

    private static Map<?, ?> resource(String id) {
        return (Map<?, ?>) resources.get(id);
    }

    private static Map<?, ?> properties(String id) {
        return (Map<?, ?>) resource(id).get("Properties");
    }

    @Test
    void everyAlarmNotifiesTheAlarmTopicOfItsStateChangesOkIncluded() {
        for (String alarm : ofType("AWS::CloudWatch::Alarm")) {
            Object topic = properties(alarm).get("AlarmActions");
            // !If [CreateAlarmTopic, !Ref AlarmTopic, !Ref AlarmTopicArn], as TemplateYaml reads short-form tags.
            assertEquals(List.of(List.of("CreateAlarmTopic", "AlarmTopic", "AlarmTopicArn")), topic, alarm);
            assertEquals(topic, properties(alarm).get("OKActions"), alarm);
        }
    }

    @Test
    void everyFunctionHasAnAlarmOnItsErrorsAndThrottles() {
        for (String function : ofType("AWS::Serverless::Function")) {
            String metrics = String.valueOf(properties(function + "Alarm").get("Metrics"));
            assertTrue(metrics.contains("Errors") && metrics.contains("Throttles") && metrics.contains("Value=" + function + "}"),
                    function + "Alarm: " + metrics);
        }
    }

    @Test
    void statefulResourcesSurviveAStackDeleteOrAReplacingUpdate() {
        List<String> stateful = new ArrayList<>(ofType("AWS::DynamoDB::Table"));
        assertEquals(3, stateful.size());
        for (String table : stateful) {
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true), properties(table).get("PointInTimeRecoverySpecification"), table);
            assertEquals("TableDeletionProtection", properties(table).get("DeletionProtectionEnabled"), table);
        }
        stateful.add("KeyEncryptionSecret");
        for (String id : stateful) {
            assertEquals("Retain", resource(id).get("DeletionPolicy"), id);
            assertEquals("Retain", resource(id).get("UpdateReplacePolicy"), id);
        }
    }
}
