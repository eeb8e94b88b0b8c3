package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Prints the cold-start figures of one API handler in the JVM it runs in: JVM start to handler constructed
 * (what Lambda's init phase pays, SDK client included) and the first invocation. Run it in a fresh JVM on the
 * function's runtime classpath: {@code ./hookline bench-cold-start}. It makes no network call (the request asks
 * for a malformed id, answered 404 before DynamoDB), so it measures class loading and client construction.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainEntered = System.currentTimeMillis();
        long started = System.nanoTime();
        GetWebhookHandler handler = new GetWebhookHandler();
        long constructed = System.nanoTime();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRouteKey("GET /v1/webhooks/{id}")
                .withRawPath("/v1/webhooks/probe")
                .withPathParameters(Map.of("id", "probe"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("cold-start-probe")
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(Map.of("company_id", "probe", "scopes", "read", "key_id", "probe")).build())
                        .build())
                .build();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        long invoked = System.nanoTime();
        System.err.printf("cold-start: jvm-to-main %d ms, handler init %d ms, first invocation %d ms (status %d)%n",
                mainEntered - jvmStart, (constructed - started) / 1_000_000, (invoked - constructed) / 1_000_000,
                response.getStatusCode());
    }
}
