package io.jpod.api;

import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import java.util.List;
import java.util.Map;

/** The {@code filters} of network lists, the same in both APIs. */
public final class NetworkFilters {

    /** The keys a network list honours. */
    public static final java.util.Set<String> KEYS = java.util.Set.of("name", "id", "driver", "label", "type", "scope");

    private NetworkFilters() {}

    public static boolean matches(NetworkConfig n, Map<String, List<String>> f) {
        for (var e : f.entrySet()) {
            boolean ok = switch (e.getKey()) {
                case "name" -> e.getValue().stream().anyMatch(v -> n.name().contains(v));
                case "id" -> e.getValue().stream().anyMatch(n.id()::startsWith);
                case "driver" -> e.getValue().contains("bridge");
                case "label" -> Filters.labels(n.labels(), e.getValue());
                case "type", "scope" -> true;
                default -> throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

}
