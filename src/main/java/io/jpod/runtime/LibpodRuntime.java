package io.jpod.runtime;

import com.electronwill.nightconfig.core.Config;
import com.electronwill.nightconfig.toml.TomlWriter;
import io.jpod.config.RegistriesConf;
import io.jpod.config.RuntimeConfig;
import io.jpod.config.RuntimeConfig.Explicit;
import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import io.jpod.error.RuntimeStoppedException;
import io.jpod.host.BinaryDiscovery;
import io.jpod.host.BinaryLocator;
import io.jpod.host.Cgroups;
import io.jpod.host.HostFacts;
import io.jpod.lock.Lock;
import io.jpod.lock.LockManager;
import io.jpod.oci.ConmonOciRuntime;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.DbConfig;
import io.jpod.state.PodConfig;
import io.jpod.state.PodState;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * libpod's Runtime: brought up by {@link #start()} through the same steps as libpod's makeRuntime
 * (binaries, state, DB config check, namespace, directories, reboot detection and refresh), then
 * the entry point for everything the engine does. Every method refuses with
 * {@link RuntimeStoppedException} after {@link #shutdown(boolean)}.
 */
public final class LibpodRuntime {

    private static final Log LOG = LogFactory.getLog(LibpodRuntime.class);

    /** libpod's CtrRemoveTimeout: how long a forced shutdown waits for each container. */
    public static final Duration CTR_REMOVE_TIMEOUT = Duration.ofSeconds(10);

    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final State state;
    private final LockManager locks;
    private final RuntimeEnvironment env;
    private final NameGenerator names = new NameGenerator(ThreadLocalRandom.current());

    private RuntimeConfig config;
    private BinaryDiscovery ociRuntime;
    private BinaryDiscovery conmon;
    private OciRuntime oci;
    private Map<String, String> childEnv;
    private boolean refreshed;
    private boolean valid;
    private boolean stopped;

    public LibpodRuntime(RuntimeConfig configured, State state, LockManager locks, RuntimeEnvironment env) {
        this.config = configured.deepCopy();
        this.state = state;
        this.locks = locks;
        this.env = env;
    }

    /** Brings the runtime up; a configuration or database mismatch fails before anything is modified. */
    public void start() {
        lifecycle.writeLock().lock();
        try {
            if (valid || stopped) {
                throw EngineException.invalidState("runtime has been finalized");
            }
            boot();
            valid = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
        if (env.writeBackUserConfig()) {
            writeUserConfig();
        }
    }

    private void boot() {
        ociRuntime = BinaryLocator.ociRuntime(config.runtime(), config.runtimes());
        conmon = BinaryLocator.conmon(config.conmonPath());
        report(ociRuntime);
        report(conmon);
        if ("systemd".equals(config.cgroupManager()) && !Cgroups.systemdIsInit(env.procRoot())) {
            LOG.warn("cgroup_manager \"systemd\" needs systemd as PID 1, which is not running here: using "
                    + "\"cgroupfs\" instead (set cgroup_manager = \"cgroupfs\" in libpod.conf to silence this)");
            config = config.withCgroupManager("cgroupfs", "fallback (systemd is not PID 1)");
        }
        mkdirs(Path.of(config.staticDir()), "rwx------");

        config = mergeDbConfig(config, state.dbConfig());
        LOG.debug("Using graph driver " + config.storage().driver() + ", graph root " + config.storage().graphRoot()
                + ", run root " + config.storage().runRoot() + ", static dir " + config.staticDir() + ", tmp dir "
                + config.tmpDir() + ", volume path " + config.volumePath());
        state.validateDbConfig(dbConfigOf(config));

        Path tmp = Path.of(config.tmpDir());
        mkdirs(tmp, "rwxr-x--x");
        mkdirs(tmp.resolve("exits"), "rwxr-x---");
        mkdirs(tmp.resolve("socket"), "rwxr-x---");

        childEnv = new HashMap<>();
        childEnv.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        config.conmonEnvVars().forEach(kv -> {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                childEnv.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        });
        if (env.identity().rootless()) {
            // The JVM cannot change its own environment; children get XDG_RUNTIME_DIR instead.
            childEnv.put("XDG_RUNTIME_DIR", env.identity().rootlessRuntimeDir().toString());
        }
        // Built even when a binary is missing: every operation answers 503 with the fix until it is there.
        // The suppliers read the fields directly: a forced shutdown still stops containers with it.
        oci = new ConmonOciRuntime(() -> ociRuntime, () -> conmon, tmp.resolve("oci").resolve(ociRuntime.name()),
                tmp.resolve("exits"), childEnv, Duration.ofSeconds(240));

        try (AliveLock ignored = AliveLock.acquire(tmp.resolve("alive.lck"))) {
            Path alive = tmp.resolve("alive");
            String bootId = new HostFacts(env.procRoot(), env.etcRoot()).bootId();
            if (needsRefresh(alive, bootId)) {
                refresh(alive, bootId);
            }
            if (config.renumber()) {
                renumberLocked();
            } else {
                reconcileLocks();
            }
        }
        state.setNamespace(config.namespace());
    }

    private static void report(BinaryDiscovery d) {
        if (!d.found()) {
            LOG.warn(d.problem() + ": " + d.hint() + ". Container operations will answer 503 until this is fixed.");
        }
    }

    /** libpod's reset-if-not-explicit: a setting the admin did not set takes the database's value. */
    static RuntimeConfig mergeDbConfig(RuntimeConfig c, DbConfig db) {
        Map<String, String> origins = new LinkedHashMap<>(c.origins());
        String staticDir = pick(c, Explicit.STATIC_DIR, c.staticDir(), db.staticDir(), "static_dir", origins);
        String tmpDir = pick(c, Explicit.TMP_DIR, c.tmpDir(), db.tmpDir(), "tmp_dir", origins);
        String volumePath = pick(c, Explicit.VOLUME_PATH, c.volumePath(), db.volumePath(), "volume_path", origins);
        String graphRoot = pick(c, Explicit.GRAPH_ROOT, c.storage().graphRoot(), db.graphRoot(), "storage.graphroot",
                origins);
        String runRoot = pick(c, Explicit.RUN_ROOT, c.storage().runRoot(), db.runRoot(), "storage.runroot", origins);
        String driver = c.storage().driver();
        if (!c.isExplicit(Explicit.GRAPH_DRIVER) && !db.graphDriver().isEmpty()) {
            if (!driver.isEmpty() && !driver.equals(db.graphDriver())) {
                LOG.error("User-selected graph driver " + driver + " overwritten by graph driver " + db.graphDriver()
                        + " from database - delete libpod local files to resolve");
            }
            if (!driver.equals(db.graphDriver())) {
                origins.put("storage.driver", "database");
            }
            driver = db.graphDriver();
        }
        return c.withPaths(staticDir, tmpDir, volumePath,
                new RuntimeConfig.Storage(driver, graphRoot, runRoot, c.storage().configFile()), origins);
    }

    private static String pick(RuntimeConfig c, Explicit e, String ours, String db, String key,
            Map<String, String> origins) {
        if (c.isExplicit(e) || db.isEmpty()) {
            return ours;
        }
        if (!db.equals(ours)) {
            LOG.debug("Overriding " + key + " \"" + ours + "\" with \"" + db + "\" from database");
            origins.put(key, "database");
        }
        return db;
    }

    static DbConfig dbConfigOf(RuntimeConfig c) {
        return new DbConfig("linux", c.staticDir(), c.tmpDir(), c.storage().graphRoot(), c.storage().runRoot(),
                c.storage().driver(), c.volumePath());
    }

    private static boolean needsRefresh(Path alive, String bootId) {
        if (!Files.exists(alive)) {
            return true;
        }
        try {
            String cached = Files.readString(alive).trim();
            // Current podman keeps the boot ID in the alive file; a different one means a reboot the tmpfs survived.
            return !cached.isEmpty() && !bootId.isEmpty() && !cached.equals(bootId);
        } catch (IOException e) {
            throw EngineException.internal("error reading runtime status file " + alive + ": " + e.getMessage(), e);
        }
    }

    /** After a reboot: reset every container and pod, re-take their locks, then mark this boot as seen. */
    private void refresh(Path alive, String bootId) {
        LOG.info("No runtime status file " + alive + ": refreshing state after a reboot");
        state.refresh(ContainerState::afterReboot, PodState::afterReboot);
        for (StoredContainer c : state.allContainers()) {
            Path exitFile = Path.of(config.tmpDir(), "exits", c.id());
            try {
                Files.deleteIfExists(exitFile);
            } catch (IOException e) {
                LOG.warn("Error refreshing container " + c.id() + ": " + e.getMessage());
            }
        }
        try {
            Files.writeString(alive, bootId, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(alive, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw EngineException.internal("error creating runtime status file " + alive + ": " + e.getMessage(), e);
        }
        refreshed = true;
    }

    /**
     * Marks every lock number recorded in the state as allocated: the segment may be new (after a
     * reboot /dev/shm is empty) or may have lost allocations. Allocations nobody in the state uses
     * are reported, not freed: another daemon may share the segment.
     */
    private void reconcileLocks() {
        Map<Integer, List<String>> users = new TreeMap<>();
        for (StoredContainer c : state.allContainers()) {
            users.computeIfAbsent(c.config().lockId(), k -> new ArrayList<>()).add("container " + c.id());
        }
        for (StoredPod p : state.allPods()) {
            users.computeIfAbsent(p.config().lockId(), k -> new ArrayList<>()).add("pod " + p.id());
        }
        for (var e : users.entrySet()) {
            if (e.getKey() >= locks.total()) {
                throw new ConfigException("lock " + e.getKey() + " of " + e.getValue() + " is beyond "
                        + "num_locks (" + locks.total() + "): start once with --libpod.renumber=true");
            }
            locks.allocateAndRetrieve(e.getKey());
            if (e.getValue().size() > 1) {
                LOG.warn("Lock " + e.getKey() + " is shared by " + e.getValue() + ": run a renumber");
            }
        }
        int orphans = locks.total() - locks.available().orElse(locks.total()) - users.size();
        if (orphans > 0) {
            LOG.warn(orphans + " lock(s) are allocated but used by no container or pod in this state (another "
                    + "daemon sharing the segment, or a crash during a create); a renumber reclaims them");
        }
    }

    /** Renumbers every lock, with no other operation of this runtime in flight (libpod's renumber). */
    public RenumberReport renumber() {
        lifecycle.writeLock().lock();
        try {
            if (!valid) {
                throw new RuntimeStoppedException();
            }
            try (AliveLock ignored = AliveLock.acquire(Path.of(config.tmpDir(), "alive.lck"))) {
                return renumberLocked();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** What a renumber did. */
    public record RenumberReport(int containers, int pods) {}

    private RenumberReport renumberLocked() {
        LOG.info("Renumbering the locks of every container and pod");
        locks.freeAll();
        for (StoredContainer c : state.allContainers()) {
            state.rewriteContainerConfig(c.config().withLockId(locks.allocate().id()));
        }
        List<StoredPod> pods = state.allPods();
        for (StoredPod p : pods) {
            state.rewritePodConfig(p.config().withLockId(locks.allocate().id()));
        }
        return new RenumberReport(state.allContainers().size(), pods.size());
    }

    private void writeUserConfig() {
        Path file = env.userConfigFile();
        try {
            Files.createDirectories(file.getParent());
            Config toml = Config.inMemory();
            Map<String, Object> values = config.tomlValues();
            values.forEach((k, v) -> {
                if (!"runtimes".equals(k)) {
                    toml.set(List.of(k), v);
                }
            });
            Config runtimes = toml.createSubConfig();
            config.runtimes().forEach((name, paths) -> runtimes.set(List.of(name), paths));
            toml.set(List.of("runtimes"), runtimes);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                new TomlWriter().write(toml, out);
            } catch (FileAlreadyExistsException exists) {
                return; // never overwrite a user's file
            }
            LOG.info("Wrote the effective configuration to " + file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write " + file + ": " + e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort, as libpod
            }
        }
    }

    private static void mkdirs(Path dir, String mode) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
                Files.setPosixFilePermissions(dir, perms);
            }
        } catch (IOException e) {
            throw EngineException.internal("error creating directory " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---- public surface ----------------------------------------------------------------------

    /** A deep copy of the effective configuration: callers can change it without touching the runtime. */
    public RuntimeConfig config() {
        return read(() -> config.deepCopy());
    }

    public BinaryDiscovery ociRuntimeDiscovery() {
        return read(() -> ociRuntime);
    }

    public BinaryDiscovery conmonDiscovery() {
        return read(() -> conmon);
    }

    /** The OCI runtime, or {@code UNAVAILABLE} (503) with the fix when it or conmon is missing. */
    public OciRuntime requireOciRuntime() {
        return read(() -> {
            oci.checkAvailable();
            return oci;
        });
    }

    /** The OCI runtime (conmon and the runtime binary), built at start; its operations check the binaries. */
    public OciRuntime ociRuntime() {
        return read(() -> oci);
    }

    /** Where the OCI runtime keeps jpod's containers ({@code --root}): per boot, apart from other engines. */
    public Path ociRuntimeRoot() {
        return read(() -> Path.of(config.tmpDir(), "oci", ociRuntime.name()));
    }

    /** True when this start found the alive file missing and refreshed the state. */
    public boolean refreshedOnStart() {
        return read(() -> refreshed);
    }

    public State state() {
        return read(() -> state);
    }

    public LockManager locks() {
        return read(() -> locks);
    }

    public RuntimeEnvironment environment() {
        return env;
    }

    public Map<String, String> childEnvironment() {
        return read(() -> Map.copyOf(childEnv));
    }

    public RegistriesConf registries() {
        return read(() -> RegistriesConf.read(Path.of(config.registriesConfigFile())));
    }

    /** A random name unused by any container or pod (libpod's generateName). */
    public String generateName() {
        return read(() -> {
            while (true) {
                String name = names.next(0);
                if (!state.nameInUse(name)) {
                    return name;
                }
            }
        });
    }

    /**
     * Records a new container: its name checked (or generated when empty), a lock allocated for it,
     * the record stored in state {@code created}. On any failure the lock is freed again, so nothing
     * is half-created. The given config's lock number and namespace are replaced.
     */
    public StoredContainer createContainer(ContainerConfig requested) {
        return read(() -> {
            String name = chooseName(requested.name());
            return withNewLock(lockId -> {
                ContainerConfig config = new ContainerConfig(requested.id(), name, this.config.namespace(),
                        requested.podId(), lockId, requested.created() != null ? requested.created() : Instant.now(),
                        requested.rootfsImageId(), requested.rootfsImageName(), requested.command(),
                        requested.labels(), requested.infra(), requested.run());
                state.addContainer(config, ContainerState.configured());
                return state.container(config.id());
            });
        });
    }

    /** Removes a container's record under its lock, then frees the lock for reuse. */
    public void removeContainer(String nameOrId) {
        read(() -> {
            StoredContainer c = state.lookupContainer(nameOrId);
            removeUnderLock(c.config().lockId(), () -> state.removeContainer(c.id()));
            return null;
        });
    }

    /** Records a new pod, as {@link #createContainer} does for containers. */
    public StoredPod createPod(PodConfig requested) {
        return read(() -> {
            String name = chooseName(requested.name());
            return withNewLock(lockId -> {
                PodConfig config = new PodConfig(requested.id(), name, this.config.namespace(), lockId,
                        requested.created() != null ? requested.created() : Instant.now(), requested.labels(),
                        requested.cgroupParent(), requested.usePodCgroup(), requested.sharedNamespaces(),
                        requested.hasInfra());
                state.addPod(config, new PodState("", null));
                return state.pod(config.id());
            });
        });
    }

    /** Removes an empty pod's record under its lock, then frees the lock. */
    public void removePod(String nameOrId) {
        read(() -> {
            StoredPod p = state.lookupPod(nameOrId);
            removeUnderLock(p.config().lockId(), () -> state.removePod(p.id()));
            return null;
        });
    }

    /** Runs {@code add} with a freshly allocated lock number, giving the lock back if it fails. */
    private <T> T withNewLock(java.util.function.IntFunction<T> add) {
        Lock lock = locks.allocate();
        try {
            return add.apply(lock.id());
        } catch (RuntimeException e) {
            lock.free();
            throw e;
        }
    }

    private void removeUnderLock(int lockId, Runnable remove) {
        Lock lock = locks.retrieve(lockId);
        lock.lock();
        try {
            remove.run();
        } finally {
            lock.unlock();
        }
        lock.free();
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

    public StoredContainer lookupContainer(String nameOrId) {
        return read(() -> state.lookupContainer(nameOrId));
    }

    public StoredPod lookupPod(String nameOrId) {
        return read(() -> state.lookupPod(nameOrId));
    }

    /**
     * Stops the runtime: with {@code force}, first stops every running container (waiting up to
     * {@link #CTR_REMOVE_TIMEOUT} each); then closes state and locks.
     */
    public void shutdown(boolean force) {
        lifecycle.writeLock().lock();
        try {
            if (!valid) {
                throw new RuntimeStoppedException();
            }
            valid = false;
            stopped = true;
            if (force) {
                stopAll();
            }
            state.close();
            locks.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Shuts down (not forced) unless already stopped; the container's destroy hook. */
    public void close() {
        if (isValid()) {
            shutdown(false);
        }
    }

    /**
     * Whether the runtime serves now: valid, and not refreshing or renumbering (which hold the
     * lifecycle lock exclusively). Never blocks, so a health probe can ask at any time.
     */
    public boolean ready() {
        if (lifecycle.isWriteLocked()) {
            return false;
        }
        if (!lifecycle.readLock().tryLock()) {
            return false;
        }
        try {
            return valid;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    public boolean isValid() {
        lifecycle.readLock().lock();
        try {
            return valid;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void stopAll() {
        List<StoredContainer> all;
        try {
            all = state.allContainers();
        } catch (RuntimeException e) {
            LOG.error("Error retrieving containers from database: " + e.getMessage());
            return;
        }
        for (StoredContainer c : all) {
            ContainerStatus s = c.state().status();
            if (s != ContainerStatus.RUNNING && s != ContainerStatus.PAUSED && s != ContainerStatus.CREATED
                    && s != ContainerStatus.STOPPING) {
                continue;
            }
            try {
                var lock = locks.retrieve(c.config().lockId());
                lock.lock();
                try {
                    oci.stop(c.id(), CTR_REMOVE_TIMEOUT);
                    state.saveContainerState(c.id(), c.state().stoppedByUser(Instant.now()));
                } finally {
                    lock.unlock();
                }
            } catch (RuntimeException e) {
                LOG.error("Error stopping container " + c.id() + ": " + e.getMessage());
            }
        }
    }

    private <T> T read(Supplier<T> body) {
        lifecycle.readLock().lock();
        try {
            if (!valid) {
                throw new RuntimeStoppedException();
            }
            return body.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
