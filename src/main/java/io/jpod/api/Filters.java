package io.jpod.api;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code filters} query parameter of list calls: a JSON object of key to values, as a list
 * ({@code {"name":["web"]}}) or, from older docker clients, as a set ({@code {"name":{"web":true}}}).
 */
public final class Filters {

    /** The keys each list honours; any other is refused up front, even when the list is empty. */
    public static final Set<String> CONTAINER_KEYS = Set.of("status", "name", "id", "label", "ancestor",
            "health");
    public static final Set<String> VOLUME_KEYS = Set.of("name", "driver", "label", "dangling");
    public static final Set<String> IMAGE_KEYS = Set.of("dangling", "reference", "label", "id");
    public static final Set<String> POD_KEYS = Set.of("name", "id", "status", "label");

    private Filters() {}

    /**
     * Parses the parameter; bad JSON, a value that is neither a list of strings nor a set of
     * strings, is an {@code INVALID_ARGUMENT} (a 400): never an empty filter that matches everything.
     */
    public static Map<String, List<String>> parse(JsonMapper json, String filters) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (filters == null || filters.isBlank()) {
            return out;
        }
        JsonNode node;
        try {
            node = json.readTree(filters);
        } catch (RuntimeException e) {
            throw invalid(filters, "not JSON");
        }
        if (node == null || !node.isObject()) {
            throw invalid(filters, "not a JSON object");
        }
        for (var e : node.properties()) {
            out.put(e.getKey(), values(filters, e.getKey(), e.getValue()));
        }
        return out;
    }

    /** {@link #parse} that also refuses any key outside {@code accepted}, as Docker does. */
    public static Map<String, List<String>> parse(JsonMapper json, String filters, Set<String> accepted) {
        Map<String, List<String>> f = parse(json, filters);
        for (String key : f.keySet()) {
            if (!accepted.contains(key)) {
                throw EngineException.invalidArgument("invalid filter '" + key + "': accepted here are "
                        + new TreeSet<>(accepted));
            }
        }
        checkValues(f, accepted == POD_KEYS ? POD_STATES : CONTAINER_STATES);
        return f;
    }

    /** The words a container's {@code status} filter may name, in either API's words. */
    static final Set<String> CONTAINER_STATES = Set.of("created", "restarting", "running", "removing", "paused",
            "exited", "dead", "stopped", "stopping", "initialized", "configured", "unknown");
    static final Set<String> POD_STATES = Set.of("created", "running", "stopped", "paused", "exited", "dead",
            "degraded", "error");

    /** A value no object can have is the client's mistake (a 400), not a filter that silently matches nothing. */
    private static void checkValues(Map<String, List<String>> f, Set<String> states) {
        for (var e : f.entrySet()) {
            Set<String> known = switch (e.getKey()) {
                case "status" -> states;
                case "dangling" -> Set.of("true", "false", "1", "0");
                case "health" -> Set.of("starting", "healthy", "unhealthy", "none");
                default -> null;
            };
            for (String v : e.getValue()) {
                if (known != null && !known.contains(v)) {
                    throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "=" + v
                            + "': accepted values are " + new TreeSet<>(known));
                }
            }
        }
    }

    /**
     * The filters of a prune: only those it honours, so a filter the prune would ignore can never
     * widen it to everything. Nothing is removed when this throws.
     */
    public static Map<String, List<String>> prune(JsonMapper json, String filters, Set<String> honoured) {
        Map<String, List<String>> f = parse(json, filters);
        for (String key : f.keySet()) {
            if (!honoured.contains(key)) {
                throw EngineException.invalidArgument("invalid filter '" + key + "': this prune "
                        + (honoured.isEmpty() ? "takes no filters" : "takes only " + new TreeSet<>(honoured))
                        + "; nothing was removed");
            }
        }
        return f;
    }

    /** {@code ["a","b"]} or, from older docker clients, {@code {"a":true,"b":true}}. */
    private static List<String> values(String filters, String key, JsonNode value) {
        List<String> values = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode v : value.values()) {
                if (!v.isString()) {
                    throw invalid(filters, "the values of '" + key + "' must be strings");
                }
                values.add(v.asString());
            }
        } else if (value.isObject()) {
            for (var v : value.properties()) {
                if (!v.getValue().isBoolean()) {
                    throw invalid(filters, "the values of '" + key + "' must map to true or false");
                }
                values.add(v.getKey());
            }
        } else {
            throw invalid(filters, "'" + key + "' must be a list of strings");
        }
        return values;
    }

    private static EngineException invalid(String filters, String why) {
        String shown = filters.length() > 200 ? filters.substring(0, 200) + "..." : filters;
        return EngineException.invalidArgument("invalid filters " + shown + ": " + why);
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
                case "health" -> v.contains(health(c, v));
                default -> throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The container's health in the {@code health} filter's words ({@code none} without checks); unknown words are refused. */
    private static String health(StoredContainer c, List<String> wanted) {
        for (String w : wanted) {
            if (!Set.of("starting", "healthy", "unhealthy", "none").contains(w)) {
                throw EngineException.invalidArgument("Unrecognised filter value for health: " + w);
            }
        }
        var h = io.jpod.container.Healthchecks.current(c);
        return h == null ? "none" : h.status();
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

    /** {@code filters} for image lists, the same in both APIs: dangling, reference, label, id. */
    public static boolean image(Image img, Map<String, List<String>> f) {
        for (var e : f.entrySet()) {
            boolean ok = switch (e.getKey()) {
                case "dangling" -> e.getValue().stream()
                        .allMatch(v -> img.names().isEmpty() == (v.equals("true") || v.equals("1")));
                case "reference" -> e.getValue().stream().anyMatch(r -> img.names().stream()
                        .anyMatch(n -> n.equals(r) || n.endsWith("/" + r) || n.endsWith("/" + r + ":latest")));
                case "label" -> labels(img.config().labels(), e.getValue());
                case "id" -> e.getValue().stream().anyMatch(img.id()::startsWith);
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
