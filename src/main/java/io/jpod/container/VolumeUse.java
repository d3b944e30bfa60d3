package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.state.StoredContainer;
import io.jpod.state.VolumeConfig;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
import java.util.List;

/**
 * Volume operations that must know which containers use a volume: removal (refused while used;
 * forced, the users are removed first, as podman does) and pruning.
 */
public final class VolumeUse {

    private final VolumeService volumes;
    private final ContainerService containers;

    public VolumeUse(VolumeService volumes, ContainerService containers) {
        this.volumes = volumes;
        this.containers = containers;
    }

    /** The containers that mount the volume. */
    public List<StoredContainer> users(String volume) {
        return containers.list().stream().filter(c -> c.config().run() != null && c.config().run().mounts().stream()
                .anyMatch(m -> m.type().equals("volume") && m.source().equals(volume))).toList();
    }

    /** The names of every volume some container mounts, from one read of the containers. */
    public java.util.Set<String> used() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (StoredContainer c : containers.list()) {
            if (c.config().run() != null) {
                c.config().run().mounts().stream().filter(m -> m.type().equals("volume"))
                        .forEach(m -> out.add(m.source()));
            }
        }
        return out;
    }

    public void remove(String name, boolean force) {
        VolumeConfig v = volumes.inspect(name);
        List<StoredContainer> users = users(v.name());
        if (!users.isEmpty()) {
            if (!force) {
                throw EngineException.alreadyExists("volume " + v.name() + " is being used by the following "
                        + "container(s): " + String.join(", ", users.stream().map(StoredContainer::id).toList())
                        + ": volume is being used");
            }
            for (StoredContainer c : users) {
                containers.remove(c.id(), true, false);
            }
        }
        volumes.delete(v.name());
    }

    /** Removes every volume no container uses; returns their names. */
    public List<String> prune() {
        return prune(v -> true);
    }

    /** Removes every volume no container uses that {@code which} accepts; returns their names. */
    public List<String> prune(java.util.function.Predicate<VolumeConfig> which) {
        List<String> removed = new ArrayList<>();
        java.util.Set<String> used = used();
        for (VolumeConfig v : volumes.list()) {
            if (!used.contains(v.name()) && which.test(v)) {
                try {
                    volumes.delete(v.name());
                    removed.add(v.name());
                } catch (EngineException raced) {
                    // removed meanwhile
                }
            }
        }
        return removed;
    }
}
