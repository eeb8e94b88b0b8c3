package dev.hookline.local;

import dev.hookline.json.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.local.fixtures.BatchRecorder;
import dev.hookline.local.fixtures.SlowHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaContainerTest {

    private static LambdaContainer load(String handler, int timeoutSeconds) {
        int separator = handler.indexOf("::");
        return LambdaContainer.load(new LambdaContainer.Config("fn", "arn:aws:lambda:us-east-1:000000000000:function:fn",
                handler.substring(0, separator), handler.substring(separator + 2), timeoutSeconds, 128),
                LambdaContainerTest.class.getClassLoader());
    }

    @Test
    void deserializesWithTheLambdaRuntimeSerializers() throws Exception {
        BatchRecorder.reset();
        try (LambdaContainer container = load("dev.hookline.local.fixtures.BatchRecorder::handleRequest", 3)) {
            String output = container.invoke("""
                    {"Records":[{"messageId":"m-1","receiptHandle":"r","body":"poison","attributes":
                    {"ApproximateReceiveCount":"2"},"messageAttributes":{},"md5OfBody":"x",
                    "eventSource":"aws:sqs","eventSourceARN":"arn:q","awsRegion":"us-east-1"}]}""");

            assertEquals("poison", BatchRecorder.sample.getBody(), "the runtime reads \"Records\", not \"records\"");
            assertEquals("2", BatchRecorder.sample.getAttributes().get("ApproximateReceiveCount"));
            assertEquals("arn:q", BatchRecorder.sample.getEventSourceArn());
            assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-1\"}]}", output);
        }
    }

    @Test
    void supportsStreamHandlers() throws Exception {
        try (LambdaContainer container = load("dev.hookline.local.fixtures.UppercaseStreamHandler::handleRequest", 3)) {
            assertEquals("{\"A\":\"B\"}", container.invoke("{\"a\":\"b\"}"));
        }
    }

    @Test
    void handlerExceptionBecomesAnInvocationFailure() {
        try (LambdaContainer container = load("dev.hookline.local.fixtures.FailingHandler::handleRequest", 3)) {
            LambdaInvocationException failure = assertThrows(LambdaInvocationException.class,
                    () -> container.invoke("{}"));
            assertTrue(failure.getCause() instanceof IllegalStateException);
            assertEquals("fn", failure.functionName());
            assertTrue(!failure.timedOut());
        }
    }

    @Test
    void timeoutEndsTheInvocationAndInterruptsTheHandler() throws Exception {
        SlowHandler.interrupted = false;
        try (LambdaContainer container = load("dev.hookline.local.fixtures.SlowHandler::handleRequest", 1)) {
            long start = System.nanoTime();
            LambdaInvocationException failure = assertThrows(LambdaInvocationException.class,
                    () -> container.invoke("\"x\""));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failure.timedOut());
            assertTrue(failure.getMessage().contains("Task timed out after 1.00 seconds"), failure.getMessage());
            assertTrue(elapsedMillis >= 1000 && elapsedMillis < 5000, "took " + elapsedMillis + " ms");
            for (int i = 0; i < 50 && !SlowHandler.interrupted; i++) {
                Thread.sleep(20);
            }
            assertTrue(SlowHandler.interrupted);
        }
    }

    @Test
    void contextCarriesTheFunctionIdentityAndRemainingTime() throws Exception {
        try (LambdaContainer container = load("dev.hookline.local.fixtures.EchoHandler::handleRequest", 7)) {
            JsonNode response = Json.parse(container.invoke("{\"k\":\"v\"}"));
            JsonNode body = Json.parse(response.get("body").asText());
            assertEquals("fn", body.get("functionName").asText());
            int remaining = body.get("remainingMillis").asInt();
            assertTrue(remaining > 6000 && remaining <= 7000, "remaining " + remaining);
            assertEquals("v", body.get("event").get("k").asText());
        }
    }

    @Test
    void loadFailuresNameTheFunctionAndHandler() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> load("dev.hookline.local.fixtures.Nope::handleRequest", 3));
        assertTrue(missing.getMessage().contains("function fn handler dev.hookline.local.fixtures.Nope"),
                missing.getMessage());
        IllegalStateException constructor = assertThrows(IllegalStateException.class,
                () -> load("dev.hookline.local.fixtures.NoDefaultConstructorHandler::handleRequest", 3));
        assertTrue(constructor.getMessage().contains("no public no-arg constructor"), constructor.getMessage());
        IllegalStateException method = assertThrows(IllegalStateException.class,
                () -> load("dev.hookline.local.fixtures.EchoHandler::handle", 3));
        assertTrue(method.getMessage().contains("no public method handle"), method.getMessage());
    }

    @Test
    void environmentIsPublishedAsSystemPropertiesAndRestored() {
        System.setProperty("HOOKLINE_TEST_PRESET", "before");
        Map<String, Map<String, String>> env = new LinkedHashMap<>();
        env.put("a", Map.of("HOOKLINE_TEST_SHARED", "same", "HOOKLINE_TEST_PRESET", "during"));
        env.put("b", Map.of("HOOKLINE_TEST_SHARED", "same", "HOOKLINE_TEST_ONLY_B", "b"));
        try (SystemPropertyEnvironment applied = SystemPropertyEnvironment.apply(env)) {
            assertEquals("same", System.getProperty("HOOKLINE_TEST_SHARED"));
            assertEquals("during", System.getProperty("HOOKLINE_TEST_PRESET"));
            assertEquals("b", System.getProperty("HOOKLINE_TEST_ONLY_B"));
            assertEquals(3, applied.variables().size());
        }
        assertNull(System.getProperty("HOOKLINE_TEST_SHARED"));
        assertNull(System.getProperty("HOOKLINE_TEST_ONLY_B"));
        assertEquals("before", System.getProperty("HOOKLINE_TEST_PRESET"));
        System.clearProperty("HOOKLINE_TEST_PRESET");
    }

    @Test
    void conflictingValuesForOneVariableAreRejected() {
        Map<String, Map<String, String>> env = new LinkedHashMap<>();
        env.put("ApiFunction", Map.of("HOOKLINE_TEST_QUEUE", "one"));
        env.put("Worker", Map.of("HOOKLINE_TEST_QUEUE", "two"));
        TemplateException conflict = assertThrows(TemplateException.class,
                () -> SystemPropertyEnvironment.apply(env));
        assertTrue(conflict.getMessage().contains("HOOKLINE_TEST_QUEUE is 'one' in function ApiFunction but 'two'"
                + " in function Worker"), conflict.getMessage());
        assertNull(System.getProperty("HOOKLINE_TEST_QUEUE"), "nothing is set when the environment is rejected");
    }
}
