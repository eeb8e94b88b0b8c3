package dev.hookline.local;

import java.util.Map;
import java.util.Objects;

/**
 * What CloudFormation would answer for one logical id once it exists: the value of {@code !Ref} and the
 * attributes readable with {@code !GetAtt} (for example {@code Arn}, {@code QueueUrl}, {@code QueueName}).
 */
public record ResolvedResource(String ref, Map<String, String> attributes) {

    public ResolvedResource {
        Objects.requireNonNull(ref, "ref");
        attributes = Map.copyOf(attributes);
    }

    public String attribute(String name) {
        return attributes.get(name);
    }
}
