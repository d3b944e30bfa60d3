package io.jpod.kube;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reading and writing Kubernetes YAML as plain maps and lists. Anything of the wrong shape is the
 * user's mistake, so it becomes an invalid-argument error rather than a ClassCastException.
 */
final class KubeYaml {

    /** Far above any real pod description; refused before parsing, so a huge scalar costs no time. */
    static final int MAX_CODE_POINTS = 2 * 1024 * 1024;

    private KubeYaml() {}

    /** The documents of a multi-document YAML text; blank documents are skipped. */
    static List<Map<String, Object>> documents(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try {
            if (text.length() > MAX_CODE_POINTS) {
                throw EngineException.invalidArgument("the Kubernetes YAML is larger than " + MAX_CODE_POINTS
                        + " characters");
            }
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(MAX_CODE_POINTS);
            for (Object d : new Yaml(new SafeConstructor(options)).loadAll(text)) {
                if (d == null) {
                    continue;
                }
                if (!(d instanceof Map)) {
                    throw EngineException.invalidArgument("a Kubernetes YAML document must be a mapping");
                }
                docs.add(map(d));
            }
        } catch (YAMLException e) {
            throw EngineException.invalidArgument("invalid Kubernetes YAML: " + e.getMessage());
        }
        if (docs.isEmpty()) {
            throw EngineException.invalidArgument("the Kubernetes YAML is empty");
        }
        return docs;
    }

    /** One document in block style with two-space indents, as kubectl writes it. */
    static String dump(Map<String, Object> doc) {
        DumperOptions d = new DumperOptions();
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        d.setIndent(2);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(d), d).dump(doc);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw EngineException.invalidArgument("expected a mapping in the Kubernetes YAML, got: " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List)) {
            throw EngineException.invalidArgument("expected a list in the Kubernetes YAML, got: " + o);
        }
        return (List<Object>) o;
    }

    static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }

    static String str(Object o, String orElse) {
        return o == null ? orElse : String.valueOf(o);
    }
}
