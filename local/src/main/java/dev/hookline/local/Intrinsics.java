package dev.hookline.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Evaluates CloudFormation intrinsic functions the way a deployment would, against local stand-ins.
 *
 * <p>{@code Ref} and {@code Fn::GetAtt} of resources read the {@link ResolvedResource} lookup the caller
 * provides; {@code Ref} of parameters reads the template defaults or the caller's overrides; pseudo parameters
 * ({@code AWS::Region}, {@code AWS::AccountId}, {@code AWS::StackName}, {@code AWS::Partition},
 * {@code AWS::URLSuffix}) have local defaults and can be overridden by name in the same map.
 * Supported: {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select},
 * {@code Fn::Split}, {@code Fn::If} (with the template's Conditions), {@code Fn::FindInMap}, {@code Fn::Base64}.
 * Instances are immutable.
 */
public final class Intrinsics {

    public static final String REGION = "AWS::Region";
    public static final String ACCOUNT_ID = "AWS::AccountId";
    public static final String STACK_NAME = "AWS::StackName";
    public static final String PARTITION = "AWS::Partition";
    public static final String URL_SUFFIX = "AWS::URLSuffix";
    private static final String STACK_ID = "AWS::StackId";
    private static final String NO_VALUE_REF = "AWS::NoValue";

    /** Stands for {@code AWS::NoValue}: the enclosing property or list element disappears. */
    private static final Object NO_VALUE = new Object();

    private final Map<String, Object> parameters;
    private final Set<String> parametersWithoutValue;
    private final Map<String, String> resourceTypes;
    private final Map<String, ResolvedResource> resources;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;

    private Intrinsics(Map<String, Object> parameters, Set<String> parametersWithoutValue,
                       Map<String, String> resourceTypes, Map<String, ResolvedResource> resources,
                       Map<String, Object> conditions, Map<String, Object> mappings) {
        this.parameters = parameters;
        this.parametersWithoutValue = parametersWithoutValue;
        this.resourceTypes = resourceTypes;
        this.resources = resources;
        this.conditions = conditions;
        this.mappings = mappings;
    }

    /**
     * Parameters only: template defaults, then {@code overrides} (template parameter names or pseudo parameter
     * names). No resource resolves until {@link #withResources} adds them.
     */
    public static Intrinsics forTemplate(SamTemplate template, Map<String, String> overrides) {
        Map<String, String> types = new LinkedHashMap<>();
        template.resources().forEach((id, resource) -> types.put(id, resource.type()));
        return of(template.parameters(), types, template.conditions(), template.mappings(), overrides);
    }

    /** The same from the parsed template sections, for use while the template itself is being read. */
    static Intrinsics of(Map<String, SamTemplate.Parameter> declared, Map<String, String> resourceTypes,
                         Map<String, Object> conditions, Map<String, Object> mappings, Map<String, String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(REGION, "us-east-1");
        values.put(ACCOUNT_ID, "000000000000");
        values.put(STACK_NAME, "hookline-local");
        values.put(PARTITION, "aws");
        values.put(URL_SUFFIX, "amazonaws.com");
        Set<String> pseudo = Set.copyOf(values.keySet());

        for (Map.Entry<String, String> override : overrides.entrySet()) {
            if (!pseudo.contains(override.getKey()) && !declared.containsKey(override.getKey())) {
                throw new TemplateException("parameter override '" + override.getKey()
                        + "' is neither a template parameter " + new TreeSet<>(declared.keySet())
                        + " nor a pseudo parameter " + new TreeSet<>(pseudo));
            }
        }
        for (String name : pseudo) {
            if (overrides.containsKey(name)) {
                values.put(name, overrides.get(name));
            }
        }
        Set<String> withoutValue = new HashSet<>();
        for (SamTemplate.Parameter parameter : declared.values()) {
            String value = overrides.getOrDefault(parameter.name(), parameter.defaultValue());
            if (value == null) {
                withoutValue.add(parameter.name());
            } else if (parameter.isList()) {
                // CommaDelimitedList and List<...> parameters Ref to a list, as in CloudFormation.
                values.put(parameter.name(), value.isEmpty() ? List.of() : List.of(value.split(",", -1)));
            } else {
                values.put(parameter.name(), value);
            }
        }
        values.put(STACK_ID, "arn:" + values.get(PARTITION) + ":cloudformation:" + values.get(REGION) + ":"
                + values.get(ACCOUNT_ID) + ":stack/" + values.get(STACK_NAME) + "/local");
        return new Intrinsics(Map.copyOf(values), Set.copyOf(withoutValue), Map.copyOf(resourceTypes), Map.of(),
                conditions, mappings);
    }

    /** A copy that also resolves these logical ids (later entries win over earlier ones). */
    public Intrinsics withResources(Map<String, ResolvedResource> more) {
        Map<String, ResolvedResource> merged = new HashMap<>(resources);
        merged.putAll(more);
        return new Intrinsics(parameters, parametersWithoutValue, resourceTypes, Map.copyOf(merged), conditions,
                mappings);
    }

    public String region() {
        return (String) parameters.get(REGION);
    }

    public String accountId() {
        return (String) parameters.get(ACCOUNT_ID);
    }

    public String stackName() {
        return (String) parameters.get(STACK_NAME);
    }

    public String partition() {
        return (String) parameters.get(PARTITION);
    }

    /** The value as a string, or empty when it is {@code AWS::NoValue}. */
    public Optional<String> resolveOptionalString(Object value) {
        Object resolved = resolve(value);
        if (resolved == NO_VALUE) {
            return Optional.empty();
        }
        return Optional.of(asString(resolved));
    }

    public String resolveString(Object value) {
        return resolveOptionalString(value)
                .orElseThrow(() -> new TemplateException("AWS::NoValue is not allowed here"));
    }

    /**
     * The value with every intrinsic evaluated: strings, lists and maps, with {@code AWS::NoValue} entries
     * removed. Returns null when the whole value is {@code AWS::NoValue}.
     */
    public Object resolveTree(Object value) {
        Object resolved = resolve(value);
        return resolved == NO_VALUE ? null : resolved;
    }

    private Object resolve(Object value) {
        if (value == null) {
            throw new TemplateException("value is empty");
        }
        if (value instanceof String) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                Object resolved = resolve(element);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            if (Values.isIntrinsic(map)) {
                Map.Entry<?, ?> call = map.entrySet().iterator().next();
                return call((String) call.getKey(), call.getValue());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object resolved = resolve(entry.getValue());
                if (resolved != NO_VALUE) {
                    out.put(String.valueOf(entry.getKey()), resolved);
                }
            }
            return out;
        }
        throw new TemplateException("unexpected value " + value);
    }

    private Object call(String function, Object argument) {
        return switch (function) {
            case "Ref" -> ref(Values.string(argument, "Ref"));
            case "Fn::GetAtt" -> getAtt(argument);
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> join(argument);
            case "Fn::Select" -> select(argument);
            case "Fn::Split" -> split(argument);
            case "Fn::If" -> ifThen(argument);
            case "Fn::FindInMap" -> findInMap(argument);
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    asString(resolve(argument)).getBytes(StandardCharsets.UTF_8));
            case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" ->
                    throw new TemplateException(function + " is only valid inside Conditions or Fn::If");
            default -> throw new TemplateException(function + " is not supported by the local emulation");
        };
    }

    private Object ref(String name) {
        if (name.equals(NO_VALUE_REF)) {
            return NO_VALUE;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (parametersWithoutValue.contains(name)) {
            throw new TemplateException("parameter " + name + " has no Default and no override");
        }
        return resource(name, "Ref").ref();
    }

    private String getAtt(Object argument) {
        List<Object> parts = argument instanceof String dotted
                ? List.copyOf(CfnYaml.splitGetAtt(dotted))
                : Values.list(argument, "Fn::GetAtt");
        if (parts.size() != 2) {
            throw new TemplateException("Fn::GetAtt needs [LogicalId, Attribute], got " + argument);
        }
        String logicalId = Values.string(parts.get(0), "Fn::GetAtt logical id");
        String attribute = asString(resolve(parts.get(1)));
        ResolvedResource resource = resource(logicalId, "Fn::GetAtt");
        String value = resource.attribute(attribute);
        if (value == null) {
            throw new TemplateException("resource " + logicalId + " has no attribute '" + attribute
                    + "' locally (available: " + new TreeSet<>(resource.attributes().keySet()) + ")");
        }
        return value;
    }

    private ResolvedResource resource(String logicalId, String function) {
        ResolvedResource resource = resources.get(logicalId);
        if (resource != null) {
            return resource;
        }
        String type = resourceTypes.get(logicalId);
        if (type != null) {
            throw new TemplateException(function + " " + logicalId + ": resource of type " + type
                    + " is not created by the local emulation");
        }
        throw new TemplateException(function + " " + logicalId + ": no such parameter or resource");
    }

    private String sub(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            if (list.size() != 2) {
                throw new TemplateException("Fn::Sub needs a string or [string, {variables}], got " + argument);
            }
            text = Values.string(list.get(0), "Fn::Sub template");
            variables = Values.map(list.get(1), "Fn::Sub variables");
        } else {
            text = Values.string(argument, "Fn::Sub");
        }
        StringBuilder out = new StringBuilder();
        int position = 0;
        while (true) {
            int start = text.indexOf("${", position);
            if (start < 0) {
                out.append(text, position, text.length());
                return out.toString();
            }
            int end = text.indexOf('}', start);
            if (end < 0) {
                throw new TemplateException("Fn::Sub: unclosed ${ in '" + text + "'");
            }
            out.append(text, position, start);
            String name = text.substring(start + 2, end).trim();
            if (name.startsWith("!")) {
                // ${!Literal} is the escape for a literal ${Literal}.
                out.append("${").append(name.substring(1)).append('}');
            } else if (variables.containsKey(name)) {
                out.append(asString(resolve(variables.get(name))));
            } else if (name.contains(".")) {
                out.append(getAtt(name));
            } else {
                out.append(asString(ref(name)));
            }
            position = end + 1;
        }
    }

    private String join(Object argument) {
        List<Object> parts = Values.list(argument, "Fn::Join");
        if (parts.size() != 2) {
            throw new TemplateException("Fn::Join needs [delimiter, [values]], got " + argument);
        }
        String delimiter = Values.string(parts.get(0), "Fn::Join delimiter");
        List<Object> elements = Values.list(resolve(parts.get(1)), "Fn::Join values");
        List<String> strings = new ArrayList<>(elements.size());
        for (Object element : elements) {
            strings.add(asString(element));
        }
        return String.join(delimiter, strings);
    }

    private Object select(Object argument) {
        List<Object> parts = Values.list(argument, "Fn::Select");
        if (parts.size() != 2) {
            throw new TemplateException("Fn::Select needs [index, [values]], got " + argument);
        }
        int index = Values.integer(resolve(parts.get(0)), 0, "Fn::Select index");
        List<Object> elements = Values.list(resolve(parts.get(1)), "Fn::Select values");
        if (index < 0 || index >= elements.size()) {
            throw new TemplateException("Fn::Select index " + index + " out of range for " + elements);
        }
        return elements.get(index);
    }

    private List<Object> split(Object argument) {
        List<Object> parts = Values.list(argument, "Fn::Split");
        if (parts.size() != 2) {
            throw new TemplateException("Fn::Split needs [delimiter, string], got " + argument);
        }
        String delimiter = Values.string(parts.get(0), "Fn::Split delimiter");
        String text = asString(resolve(parts.get(1)));
        List<Object> out = new ArrayList<>();
        int position = 0;
        int next;
        while ((next = text.indexOf(delimiter, position)) >= 0 && !delimiter.isEmpty()) {
            out.add(text.substring(position, next));
            position = next + delimiter.length();
        }
        out.add(text.substring(position));
        return out;
    }

    private Object ifThen(Object argument) {
        List<Object> parts = Values.list(argument, "Fn::If");
        if (parts.size() != 3) {
            throw new TemplateException("Fn::If needs [condition, then, else], got " + argument);
        }
        String name = Values.string(parts.get(0), "Fn::If condition");
        return resolve(condition(name, new HashSet<>()) ? parts.get(1) : parts.get(2));
    }

    private Object findInMap(Object argument) {
        List<Object> parts = Values.list(argument, "Fn::FindInMap");
        if (parts.size() != 3) {
            throw new TemplateException("Fn::FindInMap needs [map, top key, second key], got " + argument);
        }
        String mapName = asString(resolve(parts.get(0)));
        String topKey = asString(resolve(parts.get(1)));
        String secondKey = asString(resolve(parts.get(2)));
        Map<String, Object> mapping = Values.map(mappings.get(mapName), "Mappings." + mapName);
        Map<String, Object> top = Values.map(mapping.get(topKey), "Mappings." + mapName + "." + topKey);
        Object value = top.get(secondKey);
        if (value == null) {
            throw new TemplateException("Fn::FindInMap: Mappings." + mapName + "." + topKey + "." + secondKey
                    + " does not exist");
        }
        return resolve(value);
    }

    private boolean condition(String name, Set<String> evaluating) {
        if (!conditions.containsKey(name)) {
            throw new TemplateException("condition " + name + " is not declared in Conditions");
        }
        if (!evaluating.add(name)) {
            throw new TemplateException("condition " + name + " refers to itself");
        }
        boolean result = conditionValue(conditions.get(name), evaluating);
        evaluating.remove(name);
        return result;
    }

    private boolean conditionValue(Object expression, Set<String> evaluating) {
        Map<String, Object> call = Values.map(expression, "condition");
        if (call.size() != 1) {
            throw new TemplateException("a condition must be one function, got " + expression);
        }
        Map.Entry<String, Object> entry = call.entrySet().iterator().next();
        return switch (entry.getKey()) {
            case "Condition" -> condition(Values.string(entry.getValue(), "Condition"), evaluating);
            case "Fn::Equals" -> {
                List<Object> operands = Values.list(entry.getValue(), "Fn::Equals");
                if (operands.size() != 2) {
                    throw new TemplateException("Fn::Equals needs two values, got " + entry.getValue());
                }
                yield asString(resolve(operands.get(0))).equals(asString(resolve(operands.get(1))));
            }
            case "Fn::Not" -> {
                List<Object> operands = Values.list(entry.getValue(), "Fn::Not");
                if (operands.size() != 1) {
                    throw new TemplateException("Fn::Not needs one condition, got " + entry.getValue());
                }
                yield !conditionValue(operands.get(0), evaluating);
            }
            case "Fn::And", "Fn::Or" -> {
                boolean and = entry.getKey().equals("Fn::And");
                boolean result = and;
                for (Object operand : Values.list(entry.getValue(), entry.getKey())) {
                    boolean value = conditionValue(operand, evaluating);
                    result = and ? result && value : result || value;
                }
                yield result;
            }
            default -> throw new TemplateException(entry.getKey() + " is not a condition function");
        };
    }

    private static String asString(Object resolved) {
        if (resolved instanceof String text) {
            return text;
        }
        if (resolved == NO_VALUE) {
            throw new TemplateException("AWS::NoValue is not allowed here");
        }
        if (resolved instanceof List<?> list) {
            // A list where a string is expected is what CloudFormation reports as a type error too.
            throw new TemplateException("expected a string but got the list " + Arrays.deepToString(list.toArray()));
        }
        throw new TemplateException("expected a string but got " + Values.describe(resolved));
    }
}
