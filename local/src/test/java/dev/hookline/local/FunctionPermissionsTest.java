package dev.hookline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, checked against the code: each function in template.yaml is granted exactly the AWS actions its
 * handler's code can call ({@link AwsCallGraph}), no more and no fewer. SAM adds the log and SQS event-source
 * permissions itself; everything else is an explicit statement in the function's {@code Policies}.
 */
class FunctionPermissionsTest {

    private static final AwsCallGraph CODE = new AwsCallGraph(FunctionPermissionsTest.class.getClassLoader());
    private static Map<String, Map<?, ?>> functions;

    @BeforeAll
    static void loadTemplate() {
        Map<?, ?> resources = (Map<?, ?>) TemplateYaml.load(RepoFiles.resolve("template.yaml")).get("Resources");
        functions = new LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if ("AWS::Serverless::Function".equals(((Map<?, ?>) resource).get("Type"))) {
                functions.put((String) id, (Map<?, ?>) ((Map<?, ?>) resource).get("Properties"));
            }
        });
    }

    @Test
    void everyFunctionIsGrantedExactlyTheActionsItsCodeCalls() {
        List<String> mismatches = new ArrayList<>();
        functions.forEach((id, properties) -> {
            Set<String> called = CODE.actions((String) properties.get("Handler"));
            Set<String> granted = granted(id, properties, mismatches);
            Set<String> unused = new TreeSet<>(granted);
            unused.removeAll(called);
            Set<String> missing = new TreeSet<>(called);
            missing.removeAll(granted);
            if (!unused.isEmpty() || !missing.isEmpty()) {
                mismatches.add(id + " calls " + called + "; granted but never called: " + unused
                        + "; called but not granted: " + missing);
            }
        });
        assertEquals(List.of(), mismatches);
    }

    @Test
    void theCallGraphFindsEachKindOfCall() {
        // Direct and paginated DynamoDB calls, transactional items, batch SQS sends, and the KEK read behind a lambda.
        Set<String> update = CODE.actions("dev.hookline.registry.UpdateWebhookHandler::handleRequest");
        assertTrue(update.containsAll(Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "sqs:SendMessage")), update.toString());
        Set<String> create = CODE.actions("dev.hookline.registry.CreateWebhookHandler::handleRequest");
        assertTrue(create.containsAll(Set.of("dynamodb:PutItem", "secretsmanager:GetSecretValue")), create.toString());
        assertEquals(Set.of(), CODE.actions("dev.hookline.registry.ListEventTypesHandler::handleRequest"));
        assertFalse(CODE.actions("dev.hookline.registry.ApiKeyAuthorizer::handleRequest").contains("secretsmanager:GetSecretValue"),
                "the authorizer never builds the cipher, though Services can");
    }

    /**
     * The actions of the function's Allow statements. A SAM policy template is a mismatch of its own: it grants what
     * the code may not call (DynamoDBReadPolicy includes Scan, SQSSendMessagePolicy sqs:SendMessage*).
     */
    private static Set<String> granted(String id, Map<?, ?> properties, List<String> mismatches) {
        Set<String> actions = new TreeSet<>();
        for (Object policy : (List<?>) properties.get("Policies")) {
            Map<?, ?> entry = (Map<?, ?>) policy;
            if (!entry.keySet().equals(Set.of("Statement"))) {
                mismatches.add(id + " uses a policy template instead of statements: " + entry.keySet());
                continue;
            }
            for (Object statement : (List<?>) entry.get("Statement")) {
                Map<?, ?> allow = (Map<?, ?>) statement;
                assertEquals("Allow", allow.get("Effect"), id);
                Object action = allow.get("Action");
                if (action instanceof List<?> list) {
                    list.forEach(a -> actions.add((String) a));
                } else {
                    actions.add((String) action);
                }
            }
        }
        return actions;
    }
}
