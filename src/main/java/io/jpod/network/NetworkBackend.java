package io.jpod.network;

import io.jpod.common.PortMapping;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What puts containers on networks: it keeps each network's config (the config is the record) and
 * wires a container's network namespace to networks, with published ports on the first. Networks
 * are named here; {@link NetworkService} resolves IDs and prefixes, checks names and subnets, and
 * publishes events.
 *
 * <p>Errors: unknown networks {@code NOT_FOUND}; a name taken {@code ALREADY_EXISTS}; removing a
 * network that containers are still attached to {@code INVALID_STATE}; a plugin or host tool
 * that fails {@code RUNTIME_FAILURE} or {@code UNAVAILABLE}.
 */
public interface NetworkBackend {

    /** Every network, by name. */
    List<NetworkConfig> list();

    /** One network by its exact name, read alone (the start path reads no other). */
    Optional<NetworkConfig> find(String name);

    /** Stores a new network exactly as given (bridge, subnet, gateway already chosen). */
    void create(NetworkConfig network);

    /** Removes the network's config and what it left on the host (its bridge, its address leases). */
    void remove(String name);

    /**
     * Makes a network namespace for the container, brings up {@code lo} and joins the networks
     * ({@code eth0}, {@code eth1}...), publishing {@code ports} on the first. Undone on failure.
     */
    default NetworkService.Attachment attach(String containerId, List<String> networks, List<PortMapping> ports) {
        return attach(containerId, networks, ports, EndpointNames.NONE);
    }

    /** As {@link #attach(String, List, List)}, known by {@code names} to the networks' name resolvers. */
    NetworkService.Attachment attach(String containerId, List<String> networks, List<PortMapping> ports,
            EndpointNames names);

    /** Joins one more network in an existing namespace, on the next free {@code ethN}; returns its result. */
    default String join(String containerId, Path netns, String network, Collection<String> results) {
        return join(containerId, netns, network, results, EndpointNames.NONE);
    }

    /** As {@link #join(String, Path, String, Collection)}, known by {@code names} to the network's resolver. */
    String join(String containerId, Path netns, String network, Collection<String> results, EndpointNames names);

    /** Leaves one network: its interface, address lease and {@code ports}' rules go. */
    void leave(String containerId, Path netns, String network, String result, List<PortMapping> ports);

    /** Leaves every network and removes the namespace; errors are logged, the rest still goes. */
    void detach(String containerId, NetworkService.Attachment attachment, List<PortMapping> ports);

    /**
     * After a crash: the network namespaces named for the container other than {@code keep} (null: it
     * holds none) and, when it holds none, its address leases, released by CNI DEL as {@code names}.
     */
    default void sweep(String containerId, Path keep, EndpointNames names) {}

    /** After a crash: address leases held by containers not in {@code known} are released. */
    default void sweepLeases(java.util.Set<String> known) {}
}
