package io.jpod.state;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where containers and pods are persisted (libpod's State). Implementations are thread-safe; each
 * method is one transaction. Lookups honour the namespace set with {@link #setNamespace}: a state
 * in namespace N neither sees nor returns objects of other namespaces; the empty namespace sees all.
 *
 * <p>Errors: unknown objects raise {@code NOT_FOUND}; name or ID clashes {@code ALREADY_EXISTS};
 * ambiguous prefixes and empty input {@code INVALID_ARGUMENT}; use after {@link #close()}
 * {@code UNAVAILABLE}.
 */
public interface State extends AutoCloseable {

    /** The recorded paths, or {@link DbConfig#empty()} on a database that has none yet. */
    DbConfig dbConfig();

    /**
     * Records {@code ours} on first use; afterwards compares field by field and fails with a
     * {@code database configuration mismatch} naming the first field that differs. Never partially
     * writes.
     */
    void validateDbConfig(DbConfig ours);

    void setNamespace(String namespace);

    String namespace();

    /** True when a container or pod of any namespace already uses {@code name}. */
    boolean nameInUse(String name);

    void addContainer(ContainerConfig config, ContainerState state);

    /** Exact ID. */
    StoredContainer container(String id);

    /** A name, a full ID, or a unique ID prefix; an exact name wins over a prefix. */
    StoredContainer lookupContainer(String nameOrId);

    List<StoredContainer> allContainers();

    void saveContainerState(String id, ContainerState state);

    /** Replaces the config of an existing container (renumbering); ID, name and pod must stay. */
    void rewriteContainerConfig(ContainerConfig config);

    void removeContainer(String id);

    /** Gives a container a new name, unique across containers and pods. */
    void renameContainer(String id, String newName);

    void addPod(PodConfig config, PodState state);

    StoredPod pod(String id);

    StoredPod lookupPod(String nameOrId);

    List<StoredPod> allPods();

    void savePodState(String id, PodState state);

    void rewritePodConfig(PodConfig config);

    /** Fails while containers other than the infra container still belong to the pod. */
    void removePod(String id);

    /** Records a new volume; {@code ALREADY_EXISTS} when its name is taken. */
    void addVolume(VolumeConfig config);

    /** The volume of exactly this name; {@code NOT_FOUND} when there is none. */
    VolumeConfig volume(String name);

    List<VolumeConfig> allVolumes();

    /** Forgets a volume; {@code NOT_FOUND} when there is none. */
    void removeVolume(String name);

    /** Records or updates an exec session; its container must exist. */
    void saveExecSession(ExecSession session);

    /** {@code NOT_FOUND} when there is none. */
    ExecSession execSession(String id);

    List<ExecSession> execSessions(String containerId);

    void removeExecSession(String id);

    /**
     * Resets every container and pod (and drops every exec session) of every namespace in one transaction, after a reboot.
     */
    void refresh(UnaryOperator<ContainerState> containers, UnaryOperator<PodState> pods);

    /** Closes the state; later calls fail. Idempotent. */
    @Override
    void close();
}
