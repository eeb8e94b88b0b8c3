package dev.hookline.fanout.lambda;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Counts SDK calls per service and operation, HTTP attempts (retries included) and items DynamoDB queries return. */
final class CallCounter implements ExecutionInterceptor {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder itemsQueried = new LongAdder();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.increment();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), key -> new LongAdder()).increment();
        if (context.response() instanceof QueryResponse query) {
            itemsQueried.add(query.count());
        }
    }

    void reset() {
        calls.clear();
        attempts.reset();
        itemsQueried.reset();
    }

    long calls(String serviceAndOperation) {
        LongAdder count = calls.get(serviceAndOperation);
        return count == null ? 0 : count.sum();
    }

    /** Calls that completed, by {@code Service.Operation}. */
    Map<String, Long> calls() {
        Map<String, Long> snapshot = new TreeMap<>();
        calls.forEach((key, count) -> snapshot.put(key, count.sum()));
        return snapshot;
    }

    long attempts() {
        return attempts.sum();
    }

    long itemsQueried() {
        return itemsQueried.sum();
    }
}
