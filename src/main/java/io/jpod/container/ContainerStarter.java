package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Starts containers: a pod member's infra container first, then (under the container's lock) the
 * OCI create when needed, the attach clients waiting for this start, and the runtime's start. A
 * process that never ran wakes its waiters with Docker's exit code for the failure.
 */
final class ContainerStarter {

    private static final Log LOG = LogFactory.getLog(ContainerStarter.class);

    private final State state;
    private final Locking locking;
    private final OciRuntime oci;
    private final ContainerSync sync;
    private final ContainerInit init;
    private final ContainerNetworking networking;
    private final ContainerPaths paths;
    private final ExitWatcher exits;
    private final ContainerEvents events;
    private final Consumer<String> removeAfterFailedStart;
    /** Run when conmon has created the container and before its process starts (attach clients connect then). */
    private final Map<String, List<Consumer<Path>>> beforeStart = new ConcurrentHashMap<>();

    ContainerStarter(State state, Locking locking, OciRuntime oci, ContainerSync sync, ContainerInit init,
            ContainerNetworking networking, ContainerPaths paths, ExitWatcher exits, ContainerEvents events,
            Consumer<String> removeAfterFailedStart) {
        this.state = state;
        this.locking = locking;
        this.oci = oci;
        this.sync = sync;
        this.init = init;
        this.networking = networking;
        this.paths = paths;
        this.exits = exits;
        this.events = events;
        this.removeAfterFailedStart = removeAfterFailedStart;
    }

    /** Starts a container; {@code NOT_MODIFIED} when it is already running. */
    StoredContainer start(String nameOrId) {
        oci.checkAvailable();
        StoredContainer c = state.lookupContainer(nameOrId);
        String infra = networking.infraOf(c);
        if (infra != null) {
            // a pod member joins its infra container's namespaces: that one runs first
            try {
                start(infra);
            } catch (EngineException e) {
                if (e.category() != EngineException.Category.NOT_MODIFIED) {
                    throw e;
                }
            }
        }
        int infraPid = infra == null ? 0 : state.container(infra).state().pid();
        try {
            StoredContainer started = locking.holding(c.config().lockId(), () -> {
                StoredContainer s = startLocked(c.id());
                // under the lock: the exit handler takes it to record a died, which must come after the start
                events.publish("start", s);
                return s;
            });
            networking.refreshLinkers(started.id());
            return started;
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.NOT_MODIFIED
                    || e.category() == EngineException.Category.INVALID_STATE) {
                throw e;
            }
            if (infra != null && infraStoppedSince(infra, infraPid)) {
                // its namespaces went with the infra's process (a pod stop or kill racing this start)
                throw EngineException.invalidState("container " + c.id() + " could not start: the infra container "
                        + infra + " of its pod stopped meanwhile (" + e.getMessage() + "); start it again");
            }
            // the process never ran: waiters (docker run's wait and attach) get the error's exit code,
            // and an auto-remove container goes away, as Docker does
            int code = startFailureCode(e.getMessage());
            sync.rememberExit(c.id(), code);
            exits.failed(c.id(), code);
            if (c.config().run() != null && c.config().run().autoRemove()) {
                try {
                    removeAfterFailedStart.accept(c.id());
                } catch (RuntimeException removeFailed) {
                    LOG.warn("auto-removing " + c.id() + " after a failed start: " + removeFailed.getMessage());
                }
            }
            throw e;
        }
    }

    /** Whether the infra container's process that a member was to join has ended or been replaced. */
    private boolean infraStoppedSince(String infra, int pid) {
        try {
            return sync.processEnded(infra) || state.container(infra).state().pid() != pid;
        } catch (EngineException gone) {
            return true;
        }
    }

    /** Docker's codes for a process that could not be started: 127 not found, 126 not executable. */
    static int startFailureCode(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("no such file or directory") || m.contains("not found")) {
            return 127;
        }
        return m.contains("permission denied") ? 126 : 125;
    }

    private StoredContainer startLocked(String id) {
        StoredContainer cur = sync.sync(id);
        Transitions.Op.START.check(cur);
        if (cur.state().status() == ContainerStatus.STOPPED) {
            cur = sync.cleanup(cur);
        }
        if (cur.state().status() != ContainerStatus.CREATED) {
            cur = init.init(cur);
        }
        List<Consumer<Path>> hooks = beforeStart.remove(cur.id());
        if (hooks != null) {
            for (Consumer<Path> hook : hooks) {
                try {
                    hook.accept(paths.attachSocket(cur.id()));
                } catch (RuntimeException e) {
                    LOG.warn("attaching to " + cur.id() + " before its start failed: " + e.getMessage());
                }
            }
        }
        try {
            oci.start(cur.id());
        } catch (RuntimeException e) {
            // a process killed between its create and its start (a racing kill or stop): runc refuses to
            // start what has stopped, which is a conflict for the client, not a failure of the engine
            boolean ended = e instanceof EngineException ee && ee.category() == EngineException.Category.RUNTIME_FAILURE
                    && sync.processEnded(cur.id());
            sync.cleanup(state.container(cur.id()));
            if (ended) {
                throw EngineException.invalidState("container " + cur.id() + " could not start: its process ended "
                        + "before it ran (stopped or killed meanwhile); start it again");
            }
            throw e;
        }
        return Transitions.save(state, cur, cur.state().withStatus(ContainerStatus.RUNNING)
                .withProcess(cur.state().pid(), cur.state().conmonPid(), Instant.now()));
    }

    /**
     * Runs {@code connect} with the attach socket's path at the container's next start, after
     * conmon has created it and before its process runs, so an attached client misses no output
     * and can feed stdin from the first byte.
     */
    void onNextStart(String id, Consumer<Path> connect) {
        beforeStart.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(connect);
    }

    /** Drops the hooks of a container that is going away. */
    void forget(String id) {
        beforeStart.remove(id);
    }
}
