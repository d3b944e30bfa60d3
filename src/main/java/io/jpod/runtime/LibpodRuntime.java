package io.jpod.runtime;

import io.jpod.config.RuntimeConfig;
import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import io.jpod.error.RuntimeStoppedException;
import io.jpod.host.BinaryDiscovery;
import io.jpod.host.BinaryLocator;
import io.jpod.host.Cgroups;
import io.jpod.host.HostFacts;
import io.jpod.lock.LockManager;
import io.jpod.lock.Locking;
import io.jpod.oci.ConmonOciRuntime;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerState;
import io.jpod.state.PodState;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    private final Locking locking;
    private final List<Runnable> forcedShutdownHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RuntimeConfig config;
    private BinaryDiscovery ociRuntime;
    private BinaryDiscovery conmon;
    private OciRuntime oci;
    private Map<String, String> childEnv;
    private boolean refreshed;
    private boolean valid;
    private boolean stopped;

    public LibpodRuntime(RuntimeConfig configured, State state, LockManager locks, Locking locking,
            RuntimeEnvironment env) {
        this.config = configured.deepCopy();
        this.state = state;
        this.locks = locks;
        this.locking = locking;
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
            UserConfigWriter.write(env.userConfigFile(), config());
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

        config = DbConfigMerge.merge(config, state.dbConfig());
        LOG.debug("Using graph driver " + config.storage().driver() + ", graph root " + config.storage().graphRoot()
                + ", run root " + config.storage().runRoot() + ", static dir " + config.staticDir() + ", tmp dir "
                + config.tmpDir() + ", volume path " + config.volumePath());
        state.validateDbConfig(DbConfigMerge.dbConfigOf(config));

        Path tmp = Path.of(config.tmpDir());
        mkdirs(tmp, "rwxr-x--x");
        mkdirs(tmp.resolve("exits"), "rwxr-x---");
        mkdirs(tmp.resolve("socket"), "rwxr-x---");

        childEnv = childEnvironment(config, env);
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

    /** What conmon and the runtime get as their environment: a PATH, conmon_env_vars, and a rootless user's runtime dir. */
    private static Map<String, String> childEnvironment(RuntimeConfig config, RuntimeEnvironment env) {
        Map<String, String> out = new HashMap<>();
        out.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        config.conmonEnvVars().forEach(kv -> {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        });
        if (env.identity().rootless()) {
            // The JVM cannot change its own environment; children get XDG_RUNTIME_DIR instead.
            out.put("XDG_RUNTIME_DIR", env.identity().rootlessRuntimeDir().toString());
        }
        return out;
    }

    private static void report(BinaryDiscovery d) {
        if (!d.found()) {
            LOG.warn(d.problem() + ": " + d.hint() + ". Container operations will answer 503 until this is fixed.");
        }
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
        if (locks.total() - locks.available().orElse(locks.total()) > users.size()) {
            // a crash between a lock's allocation and its record (or a record's removal and its free):
            // the segment is this root's (a second daemon on it refuses to start), so they are freed
            int freed = 0;
            for (int id = 0; id < locks.total(); id++) {
                if (!users.containsKey(id) && locks.isAllocated(id)) {
                    locks.retrieve(id).free();
                    freed++;
                }
            }
            LOG.info("Freed " + freed + " lock(s) that no container or pod in this state uses (a crash's)");
        }
    }

    /** Renumbers every lock, with no other operation of this runtime in flight (libpod's renumber). */
    public RenumberReport renumber() {
        lifecycle.writeLock().lock();
        try {
            if (!valid) {
                throw new RuntimeStoppedException();
            }
            // no container or pod operation may hold or take a lock while the numbers change
            return locking.exclusive(() -> {
                try (AliveLock ignored = AliveLock.acquire(Path.of(config.tmpDir(), "alive.lck"))) {
                    return renumberLocked();
                }
            });
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

    /** True when this start found the alive file missing and refreshed the state. */
    public boolean refreshedOnStart() {
        return read(() -> refreshed);
    }

    public RuntimeEnvironment environment() {
        return env;
    }

    public Map<String, String> childEnvironment() {
        return read(() -> Map.copyOf(childEnv));
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
            if (force) {
                // while still valid: the hooks stop containers through the runtime (other callers wait)
                for (Runnable hook : forcedShutdownHooks) {
                    try {
                        hook.run();
                    } catch (RuntimeException e) {
                        LOG.error("Error during forced shutdown: " + e.getMessage());
                    }
                }
            }
            valid = false;
            stopped = true;
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

    /**
     * Registers work a forced shutdown runs first, before state and locks close: the container
     * layer stops every container there with its one stop algorithm.
     */
    public void beforeForcedShutdown(Runnable hook) {
        forcedShutdownHooks.add(hook);
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
