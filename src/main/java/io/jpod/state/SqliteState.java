package io.jpod.state;

import io.jpod.lock.LockOrder;
import io.jpod.error.EngineException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The state in a SQLite file, through JPA. Every public method is one transaction, and every
 * write transaction starts IMMEDIATE ({@link ImmediateWritesDialect}), so a check followed by a
 * write (name free? then insert) cannot interleave with another writer; reads start DEFERRED and take
 * no write lock. A fault of the database file renews the connections ({@link StateConnections}). This class holds the
 * queries and their rules; {@link StateRecords} turns rows into records and back.
 */
public final class SqliteState implements State {

    private final TransactionTemplate tx;
    /** Reads: deferred, so they go on while another process holds the write lock or the file is read-only. */
    private final TransactionTemplate readTx;
    private final java.nio.file.Path dbFile;
    private final StateConnections connections;
    private final DbConfigRepository dbConfigs;
    private final RegistryRepository registry;
    private final ContainerRepository containers;
    private final PodRepository pods;
    private final VolumeRepository volumes;
    private final ExecSessionRepository execs;
    private final StateRecords records;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String namespace = "";

    SqliteState(PlatformTransactionManager txManager, PlatformTransactionManager readTxManager,
            DbConfigRepository dbConfigs, RegistryRepository registry,
            ContainerRepository containers, PodRepository pods, VolumeRepository volumes, ExecSessionRepository execs,
            JsonMapper json, java.nio.file.Path dbFile, StateConnections connections) {
        this.tx = new TransactionTemplate(txManager);
        this.readTx = new TransactionTemplate(readTxManager);
        this.readTx.setReadOnly(true);
        this.dbFile = dbFile;
        this.connections = connections;
        this.dbConfigs = dbConfigs;
        this.registry = registry;
        this.containers = containers;
        this.pods = pods;
        this.volumes = volumes;
        this.execs = execs;
        this.records = new StateRecords(json);
    }

    private <T> T inTx(Supplier<T> work) {
        return run(tx, work, true);
    }

    private <T> T inReadTx(Supplier<T> work) {
        return run(readTx, work, false);
    }

    private <T> T run(TransactionTemplate template, Supplier<T> work, boolean write) {
        if (closed.get()) {
            throw StateErrors.closed();
        }
        LockOrder.acquiring(LockOrder.Level.STATE);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return template.execute(status -> work.get());
                } catch (RuntimeException e) {
                    // a failed transaction changed nothing: running it again is safe
                    if (!connections.retry(e, write, attempt)) {
                        throw StateFaults.translate(e, dbFile);
                    }
                }
            }
        } finally {
            LockOrder.released(LockOrder.Level.STATE);
        }
    }

    private void inTxRun(Runnable work) {
        inTx(() -> {
            work.run();
            return null;
        });
    }

    @Override
    public DbConfig dbConfig() {
        return inReadTx(() -> dbConfigs.findById(1).map(DbConfigEntity::toRecord).orElse(DbConfig.empty()));
    }

    @Override
    public void validateDbConfig(DbConfig ours) {
        inTxRun(() -> {
            var existing = dbConfigs.findById(1);
            if (existing.isEmpty()) {
                dbConfigs.save(DbConfigEntity.of(ours));
                return;
            }
            DbConfigCheck.compare(existing.get().toRecord(), ours);
        });
    }

    @Override
    public void setNamespace(String ns) {
        namespace = ns == null ? "" : ns;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public boolean nameInUse(String name) {
        return inReadTx(() -> registry.existsByName(name));
    }

    @Override
    public void addContainer(ContainerConfig config, ContainerState state) {
        inTxRun(() -> {
            checkNamespace(config.namespace());
            checkNew(config.id(), config.name(), "container");
            if (config.podId() != null && !pods.existsById(config.podId())) {
                throw StateErrors.noSuchPod(config.podId());
            }
            for (String v : StateErrors.volumesOf(config)) { // in this transaction: a removal cannot slip in
                if (!volumes.existsById(v)) {
                    throw StateErrors.noSuchVolume(v);
                }
            }
            registry.save(RegistryEntity.of(config.id(), config.name(), "container", config.namespace()));
            containers.save(records.newContainer(config, state));
        });
    }

    @Override
    public StoredContainer container(String id) {
        StateErrors.requireNonEmpty(id);
        return inReadTx(() -> records.container(visibleContainer(id)));
    }

    private ContainerEntity visibleContainer(String id) {
        ContainerEntity e = containers.findById(id).orElseThrow(() -> StateErrors.noSuchContainer(id));
        if (!StateErrors.visible(namespace, e.namespace)) {
            throw StateErrors.otherNamespace("container", id, e.namespace, namespace);
        }
        return e;
    }

    @Override
    public StoredContainer lookupContainer(String nameOrId) {
        StateErrors.requireNonEmpty(nameOrId);
        return inReadTx(() -> {
            List<ContainerEntity> visible = NameOrIdLookup.containers(containers, nameOrId, namespace);
            return records.container(StateErrors.resolve("container", nameOrId, visible, c -> c.name, c -> c.id));
        });
    }

    @Override
    public List<StoredContainer> allContainers() {
        return inReadTx(() -> StateErrors.visibleOnly(containers.findAll(), namespace, e -> e.namespace).stream()
                .map(records::container).toList());
    }

    @Override
    public void saveContainerState(String id, ContainerState state) {
        inTxRun(() -> {
            ContainerEntity e = visibleContainer(id);
            records.setState(e, state);
            containers.save(e);
        });
    }

    @Override
    public void rewriteContainerConfig(ContainerConfig config) {
        inTxRun(() -> {
            ContainerEntity e = visibleContainer(config.id());
            if (!e.name.equals(config.name()) || !Objects.equals(e.podId, config.podId())) {
                throw EngineException.invalidArgument("rewriting a container config must not change its name or pod");
            }
            records.setConfig(e, config);
            containers.save(e);
        });
    }

    @Override
    public void renameContainer(String id, String newName) {
        inTxRun(() -> {
            ContainerEntity e = visibleContainer(id);
            if (registry.existsByName(newName)) {
                throw StateErrors.nameInUse(newName, "container");
            }
            RegistryEntity r = registry.findById(id).orElseThrow(() -> StateErrors.noSuchContainer(id));
            r.name = newName;
            registry.save(r);
            records.rename(e, newName);
            containers.save(e);
        });
    }

    @Override
    public void removeContainer(String id) {
        inTxRun(() -> {
            ContainerEntity e = visibleContainer(id);
            execs.deleteByContainerId(e.id);
            containers.delete(e);
            registry.deleteById(e.id);
            records.forget(e);
        });
    }

    @Override
    public void addPod(PodConfig config, PodState state) {
        inTxRun(() -> {
            checkNamespace(config.namespace());
            checkNew(config.id(), config.name(), "pod");
            registry.save(RegistryEntity.of(config.id(), config.name(), "pod", config.namespace()));
            pods.save(records.newPod(config, state));
        });
    }

    @Override
    public void saveExecSession(ExecSession session) {
        inTxRun(() -> {
            visibleContainer(session.containerId());
            execs.save(records.newExec(session));
        });
    }

    @Override
    public ExecSession execSession(String id) {
        StateErrors.requireNonEmpty(id);
        return inReadTx(() -> records.exec(execs.findById(id).orElseThrow(() -> StateErrors.noSuchExec(id))));
    }

    @Override
    public List<ExecSession> execSessions(String containerId) {
        return inReadTx(() -> execs.findByContainerId(containerId).stream().map(records::exec).toList());
    }

    @Override
    public void removeExecSession(String id) {
        inTxRun(() -> execs.deleteById(id));
    }

    @Override
    public void addVolume(VolumeConfig config) {
        StateErrors.requireNonEmpty(config.name());
        inTxRun(() -> {
            if (volumes.existsById(config.name())) {
                throw EngineException.alreadyExists("volume with name " + config.name() + " already exists: "
                        + "volume already exists");
            }
            volumes.save(records.newVolume(config));
        });
    }

    @Override
    public VolumeConfig volume(String name) {
        StateErrors.requireNonEmpty(name);
        return inReadTx(() -> records.volume(volumes.findById(name).orElseThrow(() -> StateErrors.noSuchVolume(name))));
    }

    @Override
    public List<VolumeConfig> allVolumes() {
        return inReadTx(() -> volumes.findAll().stream().map(records::volume).toList());
    }

    @Override
    public void removeVolume(String name) {
        StateErrors.requireNonEmpty(name);
        inTxRun(() -> {
            if (!volumes.existsById(name)) {
                throw StateErrors.noSuchVolume(name);
            }
            List<String> users = containers.findAll().stream()
                    .filter(c -> StateErrors.volumesOf(records.config(c)).contains(name)).map(c -> c.id).toList();
            if (!users.isEmpty()) {
                throw StateErrors.volumeInUse(name, users);
            }
            volumes.deleteById(name);
        });
    }

    @Override
    public StoredPod pod(String id) {
        StateErrors.requireNonEmpty(id);
        return inReadTx(() -> records.pod(visiblePod(id)));
    }

    private PodEntity visiblePod(String id) {
        PodEntity e = pods.findById(id).orElseThrow(() -> StateErrors.noSuchPod(id));
        if (!StateErrors.visible(namespace, e.namespace)) {
            throw StateErrors.otherNamespace("pod", id, e.namespace, namespace);
        }
        return e;
    }

    @Override
    public StoredPod lookupPod(String nameOrId) {
        StateErrors.requireNonEmpty(nameOrId);
        return inReadTx(() -> {
            List<PodEntity> visible = NameOrIdLookup.pods(pods, nameOrId, namespace);
            return records.pod(StateErrors.resolve("pod", nameOrId, visible, p -> p.name, p -> p.id));
        });
    }

    @Override
    public List<StoredPod> allPods() {
        return inReadTx(() -> StateErrors.visibleOnly(pods.findAll(), namespace, e -> e.namespace).stream()
                .map(records::pod).toList());
    }

    @Override
    public void savePodState(String id, PodState state) {
        inTxRun(() -> {
            PodEntity e = visiblePod(id);
            records.setState(e, state);
            pods.save(e);
        });
    }

    @Override
    public void rewritePodConfig(PodConfig config) {
        inTxRun(() -> {
            PodEntity e = visiblePod(config.id());
            if (!e.name.equals(config.name())) {
                throw EngineException.invalidArgument("rewriting a pod config must not change its name");
            }
            records.setConfig(e, config);
            pods.save(e);
        });
    }

    @Override
    public void removePod(String id) {
        inTxRun(() -> {
            PodEntity pod = visiblePod(id);
            List<ContainerEntity> members = containers.findByPodId(id);
            List<String> blocking = members.stream()
                    .filter(c -> !records.config(c).infra())
                    .map(c -> c.id).toList();
            if (!blocking.isEmpty()) {
                throw EngineException.invalidState("pod " + id + " is not empty: it still has containers " + blocking);
            }
            for (ContainerEntity infra : members) {
                containers.delete(infra);
                registry.deleteById(infra.id);
                records.forget(infra);
            }
            containers.flush();
            pods.delete(pod);
            registry.deleteById(pod.id);
        });
    }

    @Override
    public void refresh(UnaryOperator<ContainerState> containerReset, UnaryOperator<PodState> podReset) {
        inTxRun(() -> {
            for (ContainerEntity e : containers.findAll()) {
                records.setState(e, containerReset.apply(records.state(e)));
            }
            for (PodEntity e : pods.findAll()) {
                records.setState(e, podReset.apply(records.state(e)));
            }
            execs.deleteAll(); // their processes died with the reboot
        });
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private void checkNamespace(String objectNamespace) {
        if (!namespace.isEmpty() && !namespace.equals(objectNamespace)) {
            throw EngineException.invalidArgument("cannot add an object of namespace \"" + objectNamespace
                    + "\" to a state in namespace \"" + namespace + "\"");
        }
    }

    private void checkNew(String id, String name, String kind) {
        if (registry.existsById(id)) {
            throw StateErrors.idInUse(id);
        }
        if (registry.existsByName(name)) {
            throw StateErrors.nameInUse(name, kind);
        }
    }
}
