package io.jpod.network;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container is called on the networks it joins, for their name resolvers: its name, and
 * per network the aliases it has there ({@code --network-alias}, compose's service names).
 *
 * @param name the container's name; empty for none (the container's short ID is used then)
 * @param aliases by network name
 */
public record EndpointNames(String name, Map<String, List<String>> aliases) {

    public static final EndpointNames NONE = new EndpointNames("", Map.of());

    public EndpointNames {
        name = name == null ? "" : name;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (aliases != null) {
            aliases.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        aliases = Map.copyOf(copy);
    }

    /** The aliases the container has on {@code network}. */
    public List<String> on(String network) {
        return aliases.getOrDefault(network, List.of());
    }
}
