package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.List;

/** Network operations that must know which containers use a network: removal and pruning. */
public final class NetworkUse {

    private final NetworkService networks;
    private final ContainerService containers;

    public NetworkUse(NetworkService networks, ContainerService containers) {
        this.networks = networks;
        this.containers = containers;
    }

    public List<StoredContainer> users(String network) {
        return containers.list().stream().filter(c -> c.config().run() != null
                && c.config().run().networkMode().equals("bridge") && c.config().run().networks().contains(network))
                .toList();
    }

    /** Refused while containers use it (409); forced, they are removed first, as podman does. */
    public void remove(String nameOrId, boolean force) {
        NetworkConfig n = networks.inspect(nameOrId);
        List<StoredContainer> users = users(n.name());
        if (!users.isEmpty()) {
            if (!force) {
                throw EngineException.alreadyExists("network " + n.name() + " is being used by container(s) "
                        + String.join(", ", users.stream().map(StoredContainer::name).toList()) + ": network is "
                        + "being used");
            }
            for (StoredContainer c : users) {
                containers.remove(c.id(), true, false);
            }
        }
        networks.remove(n.name());
    }

    /** Removes every network no container uses, except the default one; returns their names. */
    public List<String> prune() {
        return prune(n -> true);
    }

    /** Removes every network no container uses that {@code which} accepts, except the default one. */
    public List<String> prune(java.util.function.Predicate<NetworkConfig> which) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        containers.list().stream().filter(c -> c.config().run() != null
                && c.config().run().networkMode().equals("bridge"))
                .forEach(c -> used.addAll(c.config().run().networks()));
        for (NetworkConfig n : networks.list()) {
            if (!n.name().equals(networks.defaultNetwork()) && !used.contains(n.name()) && which.test(n)) {
                try {
                    networks.remove(n.name());
                    out.add(n.name());
                } catch (EngineException raced) {
                    // removed meanwhile
                }
            }
        }
        return out;
    }
}
