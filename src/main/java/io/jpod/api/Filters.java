package io.jpod.api;

import io.jpod.error.EngineException;
import io.jpod.image.ImageReference;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code filters} query parameter of list calls: a JSON object of key to values, as a list
 * ({@code {"name":["web"]}}) or, from older docker clients, as a set ({@code {"name":{"web":true}}}).
 */
public final class Filters {

    private Filters() {}

    public static Map<String, List<String>> parse(JsonMapper json, String filters) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (filters == null || filters.isBlank()) {
            return out;
        }
        JsonNode node;
        try {
            node = json.readTree(filters);
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument("invalid filters: " + filters);
        }
        if (!node.isObject()) {
            throw EngineException.invalidArgument("invalid filters: " + filters);
        }
        node.properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().values().forEach(v -> values.add(v.asString()));
            } else {
                e.getValue().propertyNames().forEach(values::add);
            }
            out.put(e.getKey(), values);
        });
        return out;
    }

    /**
     * Whether a container passes every filter (values of one key are alternatives, except labels,
     * which must all match). {@code state} is the client's word for the container's state.
     */
    public static boolean matches(StoredContainer c, String state, Map<String, List<String>> f) {
        for (var e : f.entrySet()) {
            List<String> v = e.getValue();
            boolean ok = switch (e.getKey()) {
                case "status" -> v.contains(state);
                case "name" -> v.stream().anyMatch(n -> c.name().contains(n.replaceFirst("^/", "")));
                case "id" -> v.stream().anyMatch(c.id()::startsWith);
                case "label" -> labels(c.config().labels(), v);
                case "ancestor" -> v.stream().anyMatch(a -> familiar(String.valueOf(c.config().rootfsImageName()))
                        .equals(familiar(a))
                        || ("sha256:" + c.config().rootfsImageId()).startsWith(a)
                        || String.valueOf(c.config().rootfsImageId()).startsWith(a));
                default -> throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Every {@code key} or {@code key=value} of {@code wanted} holds for {@code labels}. */
    public static boolean labels(Map<String, String> labels, List<String> wanted) {
        return wanted.stream().allMatch(l -> {
            int eq = l.indexOf('=');
            return eq < 0 ? labels.containsKey(l) : l.substring(eq + 1).equals(labels.get(l.substring(0, eq)));
        });
    }

    /** {@code filters} for volumes, the same in both APIs: name, driver, label, dangling. */
    public static boolean volume(io.jpod.state.VolumeConfig v, boolean unused, Map<String, List<String>> f) {
        for (var e : f.entrySet()) {
            boolean ok = switch (e.getKey()) {
                case "name" -> e.getValue().stream().anyMatch(n -> v.name().contains(n));
                case "driver" -> e.getValue().contains(v.driver());
                case "label" -> labels(v.labels(), e.getValue());
                case "dangling" -> e.getValue().stream().allMatch(d -> unused == (d.equals("true") || d.equals("1")));
                default -> throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String familiar(String name) {
        try {
            return ImageReference.parse(name).familiar();
        } catch (RuntimeException e) {
            return name;
        }
    }
}
