package dev.hookline.registry;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.hookline.config.SnapStartPriming;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.UUID;

/**
 * Prints the cold-start figures of one API handler in the JVM it runs in ({@code ./hookline bench-cold-start}):
 * JVM start to handler constructed (Lambda's init phase, SDK clients included), the SnapStart priming hook when
 * asked ({@code --prime}: what runs before the snapshot), then the first and second invocation. The request reads
 * a webhook that does not exist, so the first invocation goes through DynamoDB's whole request pipeline (the
 * endpoint the environment names) and answers 404.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        boolean prime = args.length > 0 && args[0].equals("--prime");
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainEntered = System.currentTimeMillis();
        long started = System.nanoTime();
        GetWebhookHandler handler = new GetWebhookHandler();
        long constructed = System.nanoTime();
        int primedClasses = prime ? SnapStartPriming.prime(GetWebhookHandler.class) : 0;
        long primed = System.nanoTime();
        APIGatewayV2HTTPResponse first = handler.handleRequest(request(), null);
        long firstDone = System.nanoTime();
        APIGatewayV2HTTPResponse second = handler.handleRequest(request(), null);
        long secondDone = System.nanoTime();
        System.err.printf("cold-start: mode=%s jvm_to_main_ms=%d init_ms=%d priming_ms=%d primed_classes=%d "
                        + "first_invocation_ms=%d second_invocation_ms=%d status=%d,%d%n",
                prime ? "primed" : "plain", mainEntered - jvmStart, millis(started, constructed),
                millis(constructed, primed), primedClasses, millis(primed, firstDone), millis(firstDone, secondDone),
                first.getStatusCode(), second.getStatusCode());
    }

    private static APIGatewayV2HTTPEvent request() {
        String id = UUID.randomUUID().toString();
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("GET /v1/webhooks/{id}")
                .withRawPath("/v1/webhooks/" + id)
                .withPathParameters(Map.of("id", id))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("cold-start-probe")
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(Map.of("company_id", "probe", "scopes", "read", "key_id", "probe")).build())
                        .build())
                .build();
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
