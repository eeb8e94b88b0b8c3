package dev.hookline.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads template.yaml or openapi.yaml for tests that check them. CloudFormation short-form tags read as the
 * value they are written on: {@code !Ref X} as "X", {@code !GetAtt X.Arn} as "X.Arn".
 */
public final class TemplateYaml {

    private TemplateYaml() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml(new PlainTagsConstructor()).load(reader);
            if (!(document instanceof Map<?, ?> map)) {
                throw new IllegalStateException(file + " is not a YAML mapping");
            }
            return (Map<String, Object>) map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class PlainTagsConstructor extends SafeConstructor {

        PlainTagsConstructor() {
            super(new LoaderOptions());
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode scalar) {
                        return constructScalar(scalar);
                    }
                    if (node instanceof SequenceNode sequence) {
                        return constructSequence(sequence);
                    }
                    return constructMapping((MappingNode) node);
                }
            });
        }
    }
}
