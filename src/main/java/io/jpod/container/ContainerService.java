package io.jpod.container;

import io.jpod.lock.LockOrder;
import io.jpod.config.RuntimeConfig;
import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import io.jpod.host.ProcessRunner;
import io.jpod.image.ImageStore;
import io.jpod.common.PortMapping;
import io.jpod.lock.Locking;
import io.jpod.network.NetworkService;
import io.jpod.oci.AttachSocket;
import io.jpod.oci.OciRuntime;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.runtime.Names;
import io.jpod.runtime.ObjectRegistry;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import io.jpod.volume.VolumeService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container lifecycle (libpod's Container API), as the API adapters and the dashboard see it:
 * a facade over its parts — {@link ContainerCreator}, {@link ContainerInit}, {@link ContainerStarter},
 * {@link ContainerStopper}, {@link ExitHandler}, {@link ContainerRemover}, {@link ContainerWaits}.
 * Every operation reads and changes a container's state under its lock (through {@link Locking}),
 * moves it only as {@link Transitions} allows, and never holds the lock while the process dies.
 */
public final class ContainerService implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(ContainerService.class);

    private final State state;
    private final Locking locking;
    private final OciRuntime oci;
    private final OperationObserver observer;
    private final ContainerPaths paths;
    private final ContainerEvents events;
    private final MountPlanner mounts;
    private final ContainerNetworking networking;
    private final ExitWatcher exits;
    private final ContainerSync sync;
    private final ContainerCreator creator;
    private final ContainerStarter starter;
    private final ContainerStopper stopper;
    private final ContainerWaits waits;
    private final ContainerRemover remover;
    private final ExitHandler exitHandler;
    private final ContainerCommitter committer;
    private final ContainerFiles files;
    private final ContainerUpdater updater;

    public ContainerService(LibpodRuntime runtime, State state, Locking locking, ObjectRegistry registry,
            OciRuntime oci, ImageStore images, VolumeService volumes, NetworkService networks,
            OperationObserver observer, EventBus events, JsonMapper json) {
        RuntimeConfig config = runtime.config();
        this.state = state;
        this.locking = locking;
        this.oci = oci;
        this.observer = observer;
        this.paths = new ContainerPaths(Path.of(config.storage().graphRoot()), Path.of(config.tmpDir()));
        this.events = new ContainerEvents(events);
        this.mounts = new MountPlanner(volumes);
        this.networking = new ContainerNetworking(state, networks, json);
        try {
            this.exits = new ExitWatcher(paths.exitDir());
        } catch (IOException e) {
            throw EngineException.internal("watching the exit directory: " + e.getMessage(), e);
        }
        this.sync = new ContainerSync(state, oci, networking, paths, exits, this.events);
        ContainerSecurity security = new ContainerSecurity(state, json);
        ResourcePlanner limits = ResourcePlanner.forHost(runtime.environment().identity().rootless());
        this.creator = new ContainerCreator(registry, state, images, mounts, networking, paths, this.events,
                security, limits);
        ContainerInit init = new ContainerInit(state, images, oci, mounts, networking, paths, config, json,
                security, runtime.environment().identity().rootless());
        this.starter = new ContainerStarter(state, locking, oci, sync, init, networking, paths, exits, this.events,
                id -> remove(id, true));
        this.stopper = new ContainerStopper(state, locking, oci, sync, exits, this.events);
        this.waits = new ContainerWaits(state, locking, sync, exits);
        this.remover = new ContainerRemover(state, locking, sync, stopper, starter, mounts, paths, exits, waits,
                this.events);
        this.committer = new ContainerCommitter(images, paths, config.storage().driver(), json);
        this.files = new ContainerFiles(state, locking, sync, images, paths, mounts, committer,
                config.storage().driver(), this.events, oci);
        this.updater = new ContainerUpdater(state, locking, oci, sync, limits, this.events, json);
        this.exitHandler = new ExitHandler(state, locking, sync, this::start,
                id -> removeInPod(state.container(id), false, true)); // --rm takes anonymous volumes too
        // crash recovery first: interrupted work finished or undone, orphans swept (then exits applied as before)
        new Reconciler(state, locking, oci, sync, networking, networks, paths, Path.of(config.storage().graphRoot()),
                Path.of(config.tmpDir(), "oci", oci.name())).reconcile();
        exitHandler.reconcile();
        exits.start(exitHandler::exited);
        runtime.beforeForcedShutdown(this::stopAll);
        if (runtime.refreshedOnStart()) {
            restartAfterReboot();
        }
    }

    /**
     * After a reboot, as Docker's daemon does at start: containers with restart policy {@code always},
     * and {@code unless-stopped} ones a user did not stop, run again. In the background, so that the
     * daemon serves meanwhile; each start is an ordinary one (events, networks, health).
     */
    private void restartAfterReboot() {
        List<String> ids = new ArrayList<>();
        for (StoredContainer c : state.allContainers()) {
            String policy = c.config().run() == null || c.config().infra() ? "no"
                    : RestartPolicy.parse(c.config().run().restartPolicy()).name();
            if (policy.equals("always") || (policy.equals("unless-stopped") && !c.state().stoppedByUser())) {
                ids.add(c.id());
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            for (String id : ids) {
                try {
                    start(id);
                    LOG.info("Restarted container " + id + " after a reboot (restart policy)");
                } catch (RuntimeException e) {
                    LOG.warn("Restarting container " + id + " after a reboot: " + e.getMessage());
                }
            }
        }, "jpod-restart-after-reboot");
        t.setDaemon(true);
        t.start();
    }

    // ---- create, start, stop ---------------------------------------------------------------

    public StoredContainer create(CreateRequest req) {
        return observer.time("create", () -> creator.create(req, false));
    }

    /**
     * Creates the infra container of a pod: it holds the namespaces the pod shares and runs
     * {@code command} (catatonit's pause mode by default).
     */
    public StoredContainer createInfra(StoredPod pod, String image, List<String> command, List<PortMapping> ports) {
        return creator.createInfra(pod, image, command, ports);
    }

    /** Starts a container; {@code NOT_MODIFIED} when it is already running. */
    public StoredContainer start(String nameOrId) {
        return observer.time("start", () -> starter.start(nameOrId));
    }

    /** Stops a running container: its stop signal, then SIGKILL after {@code timeout}; {@code NOT_MODIFIED} if not running. */
    public StoredContainer stop(String nameOrId, Integer timeoutSeconds) {
        return observer.time("stop", () -> stopper.stop(nameOrId, timeoutSeconds));
    }

    /** Stops the container if it runs (as {@link #stop}) and starts it again. */
    public StoredContainer restart(String nameOrId, Integer timeoutSeconds) {
        try {
            stop(nameOrId, timeoutSeconds);
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.NOT_MODIFIED) {
                throw e;
            }
        }
        return start(nameOrId);
    }

    /** A forced shutdown stops every container with a process, each as a user's stop would. */
    private void stopAll() {
        for (StoredContainer c : state.allContainers()) {
            if (!Transitions.active(c.state().status())) {
                continue;
            }
            try {
                stopper.stop(c.id(), (int) LibpodRuntime.CTR_REMOVE_TIMEOUT.toSeconds());
            } catch (RuntimeException e) {
                LOG.error("Error stopping container " + c.id() + ": " + e.getMessage());
            }
        }
    }

    // ---- signals ---------------------------------------------------------------------------

    /** Sends a signal to a running container. */
    public void kill(String nameOrId, String signal) {
        oci.checkAvailable();
        int sig = Signals.parse(signal == null || signal.isEmpty() ? "KILL" : signal);
        StoredContainer c = state.lookupContainer(nameOrId);
        underLock(c, Transitions.Op.KILL, cur -> runtimeCall(cur, () -> oci.kill(cur.id(), Integer.toString(sig))));
        events.publish("kill", c, "signal", Integer.toString(sig));
    }

    /** Freezes a running container's processes. */
    public void pause(String nameOrId) {
        oci.checkAvailable();
        StoredContainer c = state.lookupContainer(nameOrId);
        underLock(c, Transitions.Op.PAUSE, cur -> {
            runtimeCall(cur, () -> oci.pause(cur.id()));
            return Transitions.save(state, cur, cur.state().withStatus(ContainerStatus.PAUSED));
        });
        events.publish("pause", c);
    }

    // ---- commit ----------------------------------------------------------------------------

    /**
     * docker commit: the container's changes as a new image with its run settings and {@code changes}
     * (CMD, ENV, ...) applied; a running container is frozen meanwhile when {@code pause}.
     */
    public io.jpod.image.Image commit(String nameOrId, List<String> names, String author, String message,
            List<String> changes, boolean pause) {
        return commit(nameOrId, names, author, message, changes, pause, draft -> { });
    }

    /**
     * As {@link #commit(String, List, String, String, List, boolean)}, with {@code overrides} (Docker's
     * commit body) applied to the config over the container's settings and under {@code changes}.
     */
    public io.jpod.image.Image commit(String nameOrId, List<String> names, String author, String message,
            List<String> changes, boolean pause, Consumer<io.jpod.image.ConfigDraft> overrides) {
        StoredContainer c = state.lookupContainer(nameOrId);
        String diffId = locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            boolean freeze = pause && cur.state().status() == ContainerStatus.RUNNING;
            if (freeze) {
                oci.pause(cur.id());
            }
            try {
                return committer.storeChanges(cur);
            } finally {
                if (freeze) {
                    oci.resume(cur.id());
                }
            }
        });
        io.jpod.image.Image image = committer.commit(c, diffId, names, author, message, changes, overrides);
        events.publish("commit", c);
        return image;
    }

    /** A build step: the changes of a container that has exited, stored as a layer; returns its diff ID. */
    public String storeChanges(String nameOrId) {
        StoredContainer c = state.lookupContainer(nameOrId);
        return locking.holding(c.config().lockId(), () -> committer.storeChanges(sync.sync(c.id())));
    }

    /** A container's files: {@code docker cp}, {@code export}, {@code diff}. */
    public ContainerFiles files() {
        return files;
    }

    /** Thaws a paused container. */
    public void unpause(String nameOrId) {
        oci.checkAvailable();
        StoredContainer c = state.lookupContainer(nameOrId);
        underLock(c, Transitions.Op.UNPAUSE, cur -> {
            runtimeCall(cur, () -> oci.resume(cur.id()));
            return Transitions.save(state, cur, cur.state().withStatus(ContainerStatus.RUNNING));
        });
        events.publish("unpause", c);
    }

    /**
     * Runs {@code body} under the container's lock once its state is synced and {@code op} allows it.
     * Package-private for exec, which launches its process under the lock too.
     */
    <T> T underLock(StoredContainer c, Transitions.Op op, Function<StoredContainer, T> body) {
        return locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            op.check(cur);
            return body.apply(cur);
        });
    }

    /** Runs {@code body} under the container's lock with its state synced, whatever its status (health results). */
    <T> T synced(String id, Function<StoredContainer, T> body) {
        StoredContainer c = state.container(id);
        return locking.holding(c.config().lockId(), () -> body.apply(sync.sync(c.id())));
    }

    /**
     * A runtime call on a container whose process may have ended since its state was read: then
     * the runtime's refusal is a conflict, as podman answers, not a failure of the engine.
     */
    private StoredContainer runtimeCall(StoredContainer cur, Runnable call) {
        try {
            call.run();
            return cur;
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.RUNTIME_FAILURE && sync.processEnded(cur.id())) {
                throw EngineException.invalidState("container " + cur.id() + " is not running: its process has "
                        + "ended");
            }
            throw e;
        }
    }

    // ---- waits -----------------------------------------------------------------------------

    /** Blocks until the container is not running, then returns its exit code. */
    public int waitForExit(String nameOrId, Duration timeout) {
        return waits.waitForExit(nameOrId, timeout);
    }

    /** Completes with the exit code of the container's next exit (Docker's {@code next-exit}, registered before a start). */
    public CompletableFuture<Integer> nextExit(String nameOrId) {
        return waits.nextExit(nameOrId);
    }

    /** Completes with the exit code once the container is not running (also for one auto-removed after its exit). */
    public CompletableFuture<Integer> whenNotRunning(String nameOrId) {
        return waits.whenNotRunning(nameOrId);
    }

    /** Completes when the container has been removed (Docker's {@code removed} wait). */
    public CompletableFuture<Void> whenRemoved(String nameOrId) {
        return waits.whenRemoved(nameOrId);
    }

    /** The exit code recorded for the container's last run (after its exit was handled). */
    public int lastExitCode(String id) {
        return waits.lastExitCode(id);
    }

    /** Whether the container's process is (or is about to be) running. */
    public boolean isActive(String nameOrId) {
        return waits.isActive(nameOrId);
    }

    // ---- attach ----------------------------------------------------------------------------

    /** conmon's attach socket of the container (it exists while conmon runs). */
    public Path attachSocket(String nameOrId) {
        return paths.attachSocket(state.lookupContainer(nameOrId).id());
    }

    /** Runs {@code connect} with the attach socket at the container's next start, before its process runs. */
    public void onNextStart(String nameOrId, Consumer<Path> connect) {
        starter.onNextStart(state.lookupContainer(nameOrId).id(), connect);
    }

    /** Sets the terminal size of a running container that has one. */
    public void resize(String nameOrId, int height, int width) {
        StoredContainer c = inspect(nameOrId);
        if (height <= 0 || width <= 0 || height > 65535 || width > 65535) {
            throw EngineException.invalidArgument("terminal height and width must be within 1..65535");
        }
        if (c.config().run() == null || !c.config().run().tty()) {
            throw EngineException.invalidState("container " + c.id() + " has no terminal");
        }
        if (!Transitions.active(c.state().status())) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        try {
            AttachSocket.resize(paths.control(c.id()), height, width);
        } catch (IOException e) {
            throw EngineException.internal("resizing the terminal of " + c.id() + ": " + e.getMessage(), e);
        }
    }

    // ---- other operations ------------------------------------------------------------------

    /** Renames a container; the new name is validated and must be free. */
    public void rename(String nameOrId, String newName) {
        Names.validate(newName);
        StoredContainer c = state.lookupContainer(nameOrId);
        locking.run(c.config().lockId(), () -> state.renameContainer(c.id(), newName));
        events.publish("rename", state.container(c.id()), "oldName", c.name());
    }

    /** The processes of a running container, as {@code ps} shows them on the host. */
    public List<List<String>> top(String nameOrId, List<String> psArgs) {
        StoredContainer c = state.lookupContainer(nameOrId);
        List<Integer> pids = underLock(c, Transitions.Op.TOP, cur -> oci.processes(cur.id()));
        List<String> argv = new ArrayList<>(List.of("ps"));
        argv.addAll(psArgs.isEmpty() ? List.of("-o", "user,pid,ppid,stime,time,args") : psArgs);
        argv.addAll(List.of("-p", String.join(",", pids.stream().map(String::valueOf).toList())));
        try {
            var ps = ProcessRunner.run(argv, Duration.ofSeconds(10));
            List<List<String>> rows = new ArrayList<>();
            for (String line : ps.stdout().strip().split("\n")) {
                rows.add(List.of(line.trim().split("\\s+", psArgs.isEmpty() ? 6 : 64)));
            }
            return rows;
        } catch (IOException e) {
            throw EngineException.internal("listing processes of " + c.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes a container's resource limits ({@code docker update}): at once in its cgroup when it runs,
     * and for its next starts. Null fields of {@code changes} stay as they are; a null
     * {@code restartPolicy} keeps the policy.
     */
    public StoredContainer update(String nameOrId, io.jpod.state.ResourceLimits changes, String restartPolicy) {
        return updater.update(nameOrId, changes, restartPolicy);
    }

    /** Adds a network to a bridge-mode container; a running one joins it at once, a stopped one at its next start. */
    public void connect(String nameOrId, String network) {
        connect(nameOrId, network, List.of());
    }

    /** As {@link #connect(String, String)}, resolvable there by {@code aliases} too ({@code --alias}). */
    public void connect(String nameOrId, String network, List<String> aliases) {
        StoredContainer c = state.lookupContainer(nameOrId);
        String name = networking.networkName(network);
        locking.run(c.config().lockId(), () -> networking.connect(sync.sync(c.id()), name,
                aliases == null ? List.of() : aliases));
    }

    /** Removes a network from a container, leaving it at once when it runs. */
    public void disconnect(String nameOrId, String network) {
        StoredContainer c = state.lookupContainer(nameOrId);
        String name = networking.networkName(network);
        locking.run(c.config().lockId(), () -> networking.disconnect(sync.sync(c.id()), name));
    }

    /** Where a mount's content lives on the host: the bind source, or the volume's data directory. */
    public String hostSource(Mount m) {
        return mounts.hostSource(m);
    }

    // ---- remove ----------------------------------------------------------------------------

    /** Removes a container; a running one needs {@code force} (then it is killed first). */
    public void remove(String nameOrId, boolean force) {
        remove(nameOrId, force, false);
    }

    /**
     * Removes a container; a running one needs {@code force} (then it is killed first). With
     * {@code anonymousVolumes}, its anonymous volumes go too ({@code rm -v}, {@code run --rm}).
     */
    public void remove(String nameOrId, boolean force, boolean anonymousVolumes) {
        StoredContainer c = state.lookupContainer(nameOrId);
        if (c.config().infra() && c.config().podId() != null) {
            throw EngineException.invalidState("container " + c.id() + " is the infra container of pod "
                    + c.config().podId() + " and cannot be removed without removing the pod");
        }
        observer.time("remove", () -> {
            removeInPod(c, force, anonymousVolumes);
            return null;
        });
    }

    /**
     * A pod member is removed under its pod's lock (taken again if this thread holds it: the pod's
     * removal), as it is created under it: a pod operation then sees all its members and only
     * them, and never waits for the lock of a member removed meanwhile, whose number may have gone
     * to another pod.
     */
    private void removeInPod(StoredContainer c, boolean force, boolean anonymousVolumes) {
        if (c.config().podId() == null) {
            remover.remove(c, force, anonymousVolumes);
            return;
        }
        StoredPod pod = state.pod(c.config().podId());
        locking.holding(LockOrder.Level.POD, pod.config().lockId(), () -> {
            state.pod(pod.id()); // both still there under the pod's lock, so their lock numbers are theirs
            remover.remove(state.container(c.id()), force, anonymousVolumes);
            return null;
        });
    }

    /** Removes a pod's infra container; only the pod's removal does this. */
    public void removeInfra(String id) {
        remover.remove(state.lookupContainer(id), true, true);
    }

    /** Removes every container that is not running; returns their IDs. */
    public List<String> prune() {
        return prune(c -> true);
    }

    /** Removes every container that is not running and that {@code which} accepts; returns their IDs. */
    public List<String> prune(java.util.function.Predicate<StoredContainer> which) {
        List<String> removed = new ArrayList<>();
        for (StoredContainer c : list()) {
            ContainerStatus s = c.state().status();
            if (!which.test(c)) {
                continue;
            }
            if (s == ContainerStatus.EXITED || s == ContainerStatus.STOPPED || s == ContainerStatus.CONFIGURED) {
                try {
                    remove(c.id(), false);
                    removed.add(c.id());
                } catch (EngineException e) {
                    LOG.debug("prune skipped " + c.id() + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }

    // ---- reads -----------------------------------------------------------------------------

    public StoredContainer inspect(String nameOrId) {
        StoredContainer c = state.lookupContainer(nameOrId);
        return locking.holding(c.config().lockId(), () -> sync.sync(c.id()));
    }

    /** Every container, each synced; one removed while the list is read is left out. */
    public List<StoredContainer> list() {
        List<StoredContainer> out = new ArrayList<>();
        for (StoredContainer c : state.allContainers()) {
            try {
                out.add(locking.holding(c.config().lockId(), () -> sync.sync(c.id())));
            } catch (EngineException e) {
                if (e.category() != EngineException.Category.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return out;
    }

    /** Every container as stored, without its lock or a sync: for what never changes after its create. */
    List<StoredContainer> stored() {
        return state.allContainers();
    }

    /** The container's log file (k8s-file format). */
    public Path logPath(String nameOrId) {
        return paths.log(state.lookupContainer(nameOrId).id());
    }

    /** Whether the container's process has ended, as the runtime says within {@code within} (exec's race with an exit). */
    boolean processEndsWithin(String id, Duration within) {
        return sync.processEndsWithin(id, within);
    }

    /** Where the container's files are (exec sessions keep theirs in its userdata). */
    ContainerPaths paths() {
        return paths;
    }

    @Override
    public void close() {
        exitHandler.close();
        exits.close();
    }
}
