package dev.hookline.delivery.lambda;

import dev.hookline.testing.RepoFiles;
import dev.hookline.testing.TemplateYaml;
import java.util.Map;

/**
 * What template.yaml configures for one function and its SQS event source, as deployed: the function's own
 * property or else the Globals' one.
 */
record FunctionSettings(String logicalId, int memoryMb, int timeoutSeconds, int batchSize) {

    static FunctionSettings of(String logicalId) {
        Map<String, Object> template = TemplateYaml.load(RepoFiles.resolve("template.yaml"));
        Map<String, Object> globals = map(map(template, "Globals"), "Function");
        Map<String, Object> properties = map(map(map(template, "Resources"), logicalId), "Properties");
        Map<String, Object> sqsEvent = map(properties, "Events").values().stream()
                .map(FunctionSettings::asMap)
                .filter(event -> "SQS".equals(event.get("Type")))
                .findFirst().map(event -> map(event, "Properties"))
                .orElseThrow(() -> new IllegalStateException(logicalId + " has no SQS event source in template.yaml"));
        return new FunctionSettings(logicalId, integer(properties, globals, "MemorySize"),
                integer(properties, globals, "Timeout"), ((Number) sqsEvent.get("BatchSize")).intValue());
    }

    /** The TTL attribute of a table in template.yaml (its TimeToLiveSpecification). */
    static String ttlAttribute(String tableLogicalId) {
        Map<String, Object> template = TemplateYaml.load(RepoFiles.resolve("template.yaml"));
        return (String) map(map(map(map(template, "Resources"), tableLogicalId), "Properties"), "TimeToLiveSpecification")
                .get("AttributeName");
    }

    double memoryGb() {
        return memoryMb / 1024.0;
    }

    private static int integer(Map<String, Object> properties, Map<String, Object> globals, String name) {
        Object value = properties.getOrDefault(name, globals.get(name));
        if (!(value instanceof Number number)) {
            throw new IllegalStateException(name + " is set neither on the function nor in Globals");
        }
        return number.intValue();
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return asMap(parent.get(key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalStateException("template.yaml: expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }
}
