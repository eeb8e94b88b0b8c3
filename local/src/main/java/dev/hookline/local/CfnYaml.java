package dev.hookline.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation YAML template into plain maps, lists and strings.
 *
 * <p>Short-form intrinsics ({@code !Ref X}, {@code !GetAtt X.Arn}, {@code !Sub ...}) become their long form
 * ({@code {Ref: X}}, {@code {Fn::GetAtt: [X, Arn]}}, {@code {Fn::Sub: ...}}), so later code sees one shape.
 * Scalars stay the text the author wrote: CloudFormation passes property values around as strings, and this keeps
 * {@code VERSION: 2024-01-01} or {@code RATIO: 1.10} from turning into a date or {@code 1.1}.
 */
final class CfnYaml {

    private static final Map<String, String> SHORT_FORMS = shortForms();

    private CfnYaml() {
    }

    static Map<String, Object> load(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return toTemplate(yaml().load(reader), path.toString());
        } catch (IOException e) {
            throw new TemplateException("cannot read template " + path + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new TemplateException("template " + path + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> parse(String text, String sourceName) {
        try {
            return toTemplate(yaml().load(text), sourceName);
        } catch (YAMLException e) {
            throw new TemplateException("template " + sourceName + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toTemplate(Object document, String sourceName) {
        if (!(document instanceof Map<?, ?> map)) {
            throw new TemplateException("template " + sourceName + " is not a YAML mapping");
        }
        return (Map<String, Object>) map;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        // CloudFormation rejects duplicate keys; silently keeping the last one would hide template mistakes.
        options.setAllowDuplicateKeys(false);
        return new Yaml(new CfnConstructor(options));
    }

    private static Map<String, String> shortForms() {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("Ref", "Ref");
        forms.put("Condition", "Condition");
        for (String fn : List.of("GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or",
                "FindInMap", "Base64", "Cidr", "GetAZs", "ImportValue", "Transform", "Length", "ToJsonString")) {
            forms.put(fn, "Fn::" + fn);
        }
        return forms;
    }

    private static final class CfnConstructor extends SafeConstructor {

        CfnConstructor(LoaderOptions options) {
            super(options);
            ConstructYamlStr verbatim = new ConstructYamlStr();
            for (Tag tag : List.of(Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.TIMESTAMP)) {
                yamlConstructors.put(tag, verbatim);
            }
            SHORT_FORMS.forEach((shortName, longName) ->
                    yamlConstructors.put(new Tag("!" + shortName), new ConstructIntrinsic(longName)));
        }

        private final class ConstructIntrinsic extends AbstractConstruct {
            private final String key;

            ConstructIntrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    argument = key.equals("Fn::GetAtt") ? splitGetAtt(text) : text;
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else if (node instanceof MappingNode mapping) {
                    argument = constructMapping(mapping);
                } else {
                    throw new YAMLException("unexpected node for " + node.getTag() + " at " + node.getStartMark());
                }
                Map<String, Object> intrinsic = new LinkedHashMap<>();
                intrinsic.put(key, argument);
                return intrinsic;
            }
        }
    }

    /** {@code X.Endpoint.Address} names attribute {@code Endpoint.Address} of X: logical ids never contain dots. */
    static List<String> splitGetAtt(String dotted) {
        int dot = dotted.indexOf('.');
        if (dot <= 0 || dot == dotted.length() - 1) {
            throw new TemplateException("!GetAtt needs LogicalId.Attribute, got '" + dotted + "'");
        }
        return List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
    }
}
