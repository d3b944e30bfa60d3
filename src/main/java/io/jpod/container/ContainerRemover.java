package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Removes containers. A running one is stopped first (with force) by the one stop algorithm; then,
 * in one hold of its lock, it is cleaned up and its record deleted, so no start can slip in between,
 * and the lock is freed. Its directories, conmon's exit file and persist directory go after.
 */
final class ContainerRemover {

    private final State state;
    private final Locking locking;
    private final ContainerSync sync;
    private final ContainerStopper stopper;
    private final ContainerStarter starter;
    private final MountPlanner mounts;
    private final ContainerPaths paths;
    private final ExitWatcher exits;
    private final ContainerWaits waits;
    private final ContainerEvents events;

    ContainerRemover(State state, Locking locking, ContainerSync sync, ContainerStopper stopper,
            ContainerStarter starter, MountPlanner mounts, ContainerPaths paths, ExitWatcher exits,
            ContainerWaits waits, ContainerEvents events) {
        this.state = state;
        this.locking = locking;
        this.sync = sync;
        this.stopper = stopper;
        this.starter = starter;
        this.mounts = mounts;
        this.paths = paths;
        this.exits = exits;
        this.waits = waits;
        this.events = events;
    }

    /** Removes a container; a running one needs {@code force}. With {@code anonymousVolumes} its anonymous volumes go too. */
    void remove(StoredContainer c, boolean force, boolean anonymousVolumes) {
        starter.forget(c.id());
        for (int attempt = 0; ; attempt++) {
            ContainerStatus s = locking.holding(c.config().lockId(), () -> sync.sync(c.id()).state().status());
            if (running(s)) {
                if (!force) {
                    Transitions.Op.REMOVE.check(state.container(c.id()));
                }
                stopQuietly(c.id());
            }
            if (removeRecord(c)) {
                break;
            }
            if (attempt >= 2) {
                throw EngineException.invalidState("container " + c.id() + " keeps being started again while it "
                        + "is removed");
            }
            // started again between the stop and the removal: stop that run too
        }
        PosixFiles.unmount(paths.layout(c.id()).merged());
        ShmMounts.release(paths, c.id());
        Trees.delete(paths.layout(c.id()).base());
        Trees.delete(paths.persistDir(c.id()));
        try {
            Files.deleteIfExists(paths.exitFile(c.id()));
        } catch (IOException ignored) {
            // a stale exit file names an ID that never comes back
        }
        waits.removed(c.id());
        if (anonymousVolumes && c.config().run() != null) {
            mounts.removeAnonymousVolumes(c.config().run().mounts());
        }
        events.publish("remove", c);
    }

    /** In one hold of the lock: cleaned up and deleted; false when it runs again and must be stopped first. */
    private boolean removeRecord(StoredContainer c) {
        boolean[] removed = {false};
        try {
            locking.removeAndFree(c.config().lockId(), () -> {
                StoredContainer cur = sync.sync(c.id());
                if (running(cur.state().status())) {
                    throw new Restarted();
                }
                sync.cleanup(cur);
                exits.removed(c.id(), sync.recentExit(c.id()));
                state.removeContainer(c.id());
                removed[0] = true;
            });
        } catch (Restarted again) {
            return false;
        }
        return removed[0];
    }

    private void stopQuietly(String id) {
        try {
            stopper.stop(id, 0);
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.NOT_MODIFIED) {
                throw e;
            }
        }
    }

    private static boolean running(ContainerStatus s) {
        return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.STOPPING;
    }

    /** The container was started again while its removal waited for the lock. */
    private static final class Restarted extends RuntimeException {
        Restarted() {
            super(null, null, false, false);
        }
    }
}
