package io.jpod.runtime;

import io.jpod.lock.LockOrder;
import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.PodConfig;
import io.jpod.state.PodState;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records new containers and pods and removes their records (libpod's newContainer/removeContainer
 * bookkeeping): a name checked or generated, a lock allocated, the record stored in the runtime's
 * namespace. A failure frees the lock again, so nothing is half-created; a removal deletes the
 * record under the object's lock and only then frees the lock for reuse.
 */
public final class ObjectRegistry {

    private final State state;
    private final Locking locking;
    private final String namespace;
    private final NameGenerator names = new NameGenerator(ThreadLocalRandom.current());

    public ObjectRegistry(State state, Locking locking, String namespace) {
        this.state = state;
        this.locking = locking;
        this.namespace = namespace;
    }

    /** Records a new container in state {@code created}; the given lock number and namespace are replaced. */
    public StoredContainer addContainer(ContainerConfig requested) {
        String name = chooseName(requested.name());
        if (requested.podId() == null) {
            return add(requested, name);
        }
        // a pod's members change only under its lock: its operations see all of them, and its
        // removal cannot miss one added meanwhile
        StoredPod pod = state.pod(requested.podId());
        return locking.holding(LockOrder.Level.POD, pod.config().lockId(), () -> {
            state.pod(pod.id()); // still there: removed meanwhile is not found
            return add(requested, name);
        });
    }

    private StoredContainer add(ContainerConfig requested, String name) {
        return locking.withNewLock(lockId -> {
            ContainerConfig config = new ContainerConfig(requested.id(), name, namespace, requested.podId(), lockId,
                    requested.created() != null ? requested.created() : Instant.now(), requested.rootfsImageId(),
                    requested.rootfsImageName(), requested.command(), requested.labels(), requested.infra(),
                    requested.run());
            state.addContainer(config, ContainerState.configured());
            return state.container(config.id());
        });
    }

    /** Removes a container's record under its lock, then frees the lock. */
    public void removeContainer(String nameOrId) {
        StoredContainer c = state.lookupContainer(nameOrId);
        locking.removeAndFree(c.config().lockId(), () -> state.removeContainer(c.id()));
    }

    /** Records a new pod, as {@link #addContainer} does for containers. */
    public StoredPod addPod(PodConfig requested) {
        String name = chooseName(requested.name());
        return locking.withNewLock(lockId -> {
            PodConfig config = new PodConfig(requested.id(), name, namespace, lockId,
                    requested.created() != null ? requested.created() : Instant.now(), requested.labels(),
                    requested.cgroupParent(), requested.usePodCgroup(), requested.sharedNamespaces(),
                    requested.hasInfra());
            state.addPod(config, new PodState("", null));
            return state.pod(config.id());
        });
    }

    /** Removes an empty pod's record under its lock, then frees the lock. */
    public void removePod(String nameOrId) {
        StoredPod p = state.lookupPod(nameOrId);
        locking.removeAndFree(LockOrder.Level.POD, p.config().lockId(), () -> state.removePod(p.id()));
    }

    /** A random name unused by any container or pod (libpod's generateName). */
    public String generateName() {
        while (true) {
            String name = names.next(0);
            if (!state.nameInUse(name)) {
                return name;
            }
        }
    }

    private String chooseName(String requested) {
        if (requested == null || requested.isEmpty()) {
            return generateName();
        }
        Names.validate(requested);
        if (state.nameInUse(requested)) {
            throw EngineException.alreadyExists("the name \"" + requested + "\" is already in use by a container "
                    + "or pod: remove it or choose another name");
        }
        return requested;
    }
}
