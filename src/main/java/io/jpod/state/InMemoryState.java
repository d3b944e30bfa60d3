package io.jpod.state;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * State kept in this process's memory only ({@code libpod.state-type=memory}): for tests and
 * throw-away daemons. Everything is lost when the daemon stops.
 */
public final class InMemoryState implements State {

    private final Map<String, StoredContainer> containers = new LinkedHashMap<>();
    private final Map<String, StoredPod> pods = new LinkedHashMap<>();
    private final Map<String, VolumeConfig> volumes = new LinkedHashMap<>();
    private final Map<String, ExecSession> execs = new LinkedHashMap<>();
    private DbConfig dbConfig = DbConfig.empty();
    private String namespace = "";
    private boolean closed;

    @Override
    public synchronized DbConfig dbConfig() {
        open();
        return dbConfig;
    }

    @Override
    public synchronized void validateDbConfig(DbConfig ours) {
        open();
        if (dbConfig.isEmpty()) {
            dbConfig = ours;
            return;
        }
        DbConfigCheck.compare(dbConfig, ours);
    }

    @Override
    public synchronized void setNamespace(String ns) {
        namespace = ns == null ? "" : ns;
    }

    @Override
    public synchronized String namespace() {
        return namespace;
    }

    @Override
    public synchronized boolean nameInUse(String name) {
        open();
        return containers.values().stream().anyMatch(c -> c.name().equals(name))
                || pods.values().stream().anyMatch(p -> p.name().equals(name));
    }

    @Override
    public synchronized void saveExecSession(ExecSession session) {
        open();
        container(session.containerId());
        execs.put(session.id(), session);
    }

    @Override
    public synchronized ExecSession execSession(String id) {
        open();
        StateErrors.requireNonEmpty(id);
        ExecSession s = execs.get(id);
        if (s == null) {
            throw StateErrors.noSuchExec(id);
        }
        return s;
    }

    @Override
    public synchronized List<ExecSession> execSessions(String containerId) {
        open();
        return execs.values().stream().filter(s -> s.containerId().equals(containerId)).toList();
    }

    @Override
    public synchronized void removeExecSession(String id) {
        open();
        execs.remove(id);
    }

    @Override
    public synchronized void addVolume(VolumeConfig config) {
        open();
        StateErrors.requireNonEmpty(config.name());
        if (volumes.containsKey(config.name())) {
            throw io.jpod.error.EngineException.alreadyExists("volume with name " + config.name()
                    + " already exists: volume already exists");
        }
        volumes.put(config.name(), config);
    }

    @Override
    public synchronized VolumeConfig volume(String name) {
        open();
        StateErrors.requireNonEmpty(name);
        VolumeConfig v = volumes.get(name);
        if (v == null) {
            throw StateErrors.noSuchVolume(name);
        }
        return v;
    }

    @Override
    public synchronized List<VolumeConfig> allVolumes() {
        open();
        return List.copyOf(volumes.values());
    }

    @Override
    public synchronized void removeVolume(String name) {
        open();
        StateErrors.requireNonEmpty(name);
        if (!volumes.containsKey(name)) {
            throw StateErrors.noSuchVolume(name);
        }
        List<String> users = containers.values().stream()
                .filter(c -> StateErrors.volumesOf(c.config()).contains(name)).map(StoredContainer::id).toList();
        if (!users.isEmpty()) {
            throw StateErrors.volumeInUse(name, users);
        }
        volumes.remove(name);
    }

    @Override
    public synchronized void addContainer(ContainerConfig config, ContainerState state) {
        open();
        checkNamespace(config.namespace());
        checkNew(config.id(), config.name(), "container");
        if (config.podId() != null && !pods.containsKey(config.podId())) {
            throw StateErrors.noSuchPod(config.podId());
        }
        for (String v : StateErrors.volumesOf(config)) {
            if (!volumes.containsKey(v)) {
                throw StateErrors.noSuchVolume(v);
            }
        }
        containers.put(config.id(), new StoredContainer(config, state));
    }

    @Override
    public synchronized StoredContainer container(String id) {
        open();
        StateErrors.requireNonEmpty(id);
        StoredContainer c = containers.get(id);
        if (c == null) {
            throw StateErrors.noSuchContainer(id);
        }
        if (!StateErrors.visible(namespace, c.config().namespace())) {
            throw StateErrors.otherNamespace("container", id, c.config().namespace(), namespace);
        }
        return c;
    }

    @Override
    public synchronized StoredContainer lookupContainer(String nameOrId) {
        open();
        return StateErrors.resolve("container", nameOrId, allContainers(), StoredContainer::name,
                StoredContainer::id);
    }

    @Override
    public synchronized List<StoredContainer> allContainers() {
        open();
        return StateErrors.visibleOnly(new ArrayList<>(containers.values()), namespace, c -> c.config().namespace());
    }

    @Override
    public synchronized void saveContainerState(String id, ContainerState state) {
        StoredContainer c = container(id);
        containers.put(id, new StoredContainer(c.config(), state));
    }

    @Override
    public synchronized void rewriteContainerConfig(ContainerConfig config) {
        StoredContainer c = container(config.id());
        if (!c.name().equals(config.name()) || !Objects.equals(c.config().podId(), config.podId())) {
            throw EngineException.invalidArgument("rewriting a container config must not change its name or pod");
        }
        containers.put(config.id(), new StoredContainer(config, c.state()));
    }

    @Override
    public synchronized void renameContainer(String id, String newName) {
        StoredContainer c = container(id);
        if (nameInUse(newName)) {
            throw StateErrors.nameInUse(newName, "container");
        }
        containers.put(id, new StoredContainer(c.config().withName(newName), c.state()));
    }

    @Override
    public synchronized void removeContainer(String id) {
        container(id);
        containers.remove(id);
        execs.values().removeIf(s -> s.containerId().equals(id));
    }

    @Override
    public synchronized void addPod(PodConfig config, PodState state) {
        open();
        checkNamespace(config.namespace());
        checkNew(config.id(), config.name(), "pod");
        pods.put(config.id(), new StoredPod(config, state));
    }

    @Override
    public synchronized StoredPod pod(String id) {
        open();
        StateErrors.requireNonEmpty(id);
        StoredPod p = pods.get(id);
        if (p == null) {
            throw StateErrors.noSuchPod(id);
        }
        if (!StateErrors.visible(namespace, p.config().namespace())) {
            throw StateErrors.otherNamespace("pod", id, p.config().namespace(), namespace);
        }
        return p;
    }

    @Override
    public synchronized StoredPod lookupPod(String nameOrId) {
        open();
        return StateErrors.resolve("pod", nameOrId, allPods(), StoredPod::name, StoredPod::id);
    }

    @Override
    public synchronized List<StoredPod> allPods() {
        open();
        return StateErrors.visibleOnly(new ArrayList<>(pods.values()), namespace, p -> p.config().namespace());
    }

    @Override
    public synchronized void savePodState(String id, PodState state) {
        StoredPod p = pod(id);
        pods.put(id, new StoredPod(p.config(), state));
    }

    @Override
    public synchronized void rewritePodConfig(PodConfig config) {
        StoredPod p = pod(config.id());
        if (!p.name().equals(config.name())) {
            throw EngineException.invalidArgument("rewriting a pod config must not change its name");
        }
        pods.put(config.id(), new StoredPod(config, p.state()));
    }

    @Override
    public synchronized void removePod(String id) {
        StoredPod p = pod(id);
        List<String> members = containers.values().stream()
                .filter(c -> id.equals(c.config().podId()) && !c.config().infra())
                .map(StoredContainer::id).toList();
        if (!members.isEmpty()) {
            throw EngineException.invalidState("pod " + p.id() + " is not empty: it still has containers " + members);
        }
        containers.values().removeIf(c -> id.equals(c.config().podId()));
        pods.remove(id);
    }

    @Override
    public synchronized void refresh(UnaryOperator<ContainerState> containerReset, UnaryOperator<PodState> podReset) {
        open();
        containers.replaceAll((id, c) -> new StoredContainer(c.config(), containerReset.apply(c.state())));
        pods.replaceAll((id, p) -> new StoredPod(p.config(), podReset.apply(p.state())));
        execs.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void open() {
        if (closed) {
            throw StateErrors.closed();
        }
    }

    private void checkNamespace(String objectNamespace) {
        if (!namespace.isEmpty() && !namespace.equals(objectNamespace)) {
            throw EngineException.invalidArgument("cannot add an object of namespace \"" + objectNamespace
                    + "\" to a state in namespace \"" + namespace + "\"");
        }
    }

    private void checkNew(String id, String name, String kind) {
        if (containers.containsKey(id) || pods.containsKey(id)) {
            throw StateErrors.idInUse(id);
        }
        if (nameInUse(name)) {
            throw StateErrors.nameInUse(name, kind);
        }
    }
}
