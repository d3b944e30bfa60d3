package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.lock.Locking;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting on containers: for an exit (Docker's and podman's wait conditions) and for a removal.
 * Each wait registers with the exit watcher before it looks at the state, so an exit in between is
 * never missed, and each gets a future of its own that no other caller can cancel.
 */
final class ContainerWaits {

    private final State state;
    private final Locking locking;
    private final ContainerSync sync;
    private final ExitWatcher exits;
    private final Map<String, CompletableFuture<Void>> removals = new ConcurrentHashMap<>();

    ContainerWaits(State state, Locking locking, ContainerSync sync, ExitWatcher exits) {
        this.state = state;
        this.locking = locking;
        this.sync = sync;
        this.exits = exits;
    }

    /** Blocks until the container is not running, then returns its exit code. */
    int waitForExit(String nameOrId, Duration timeout) {
        StoredContainer c = state.lookupContainer(nameOrId);
        CompletableFuture<Integer> exited = exits.whenExited(c.id());
        StoredContainer cur = locking.holding(c.config().lockId(), () -> sync.sync(c.id()));
        if (!Transitions.active(cur.state().status())) {
            return cur.state().exitCode();
        }
        if (!ContainerStopper.await(exited, timeout)) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "container " + c.id()
                    + " did not exit within " + timeout.toSeconds() + "s");
        }
        // the exit handler has recorded the exit by now, or this sync does
        return locking.holding(c.config().lockId(), () -> sync.sync(c.id())).state().exitCode();
    }

    /** Completes with the exit code of the container's next exit, whatever its state now. */
    CompletableFuture<Integer> nextExit(String nameOrId) {
        return exits.whenExited(state.lookupContainer(nameOrId).id(), true);
    }

    /**
     * Completes with the exit code once the container is not running: at once when it is not,
     * and also for a container already removed after its exit ({@code run --rm}), whose code is
     * remembered a while. podman's client waits this way after it has started the container.
     */
    CompletableFuture<Integer> whenNotRunning(String nameOrId) {
        StoredContainer c;
        try {
            c = state.lookupContainer(nameOrId);
        } catch (NoSuchObjectException e) {
            Integer recent = sync.recentExit(nameOrId);
            if (recent != null) {
                return CompletableFuture.completedFuture(recent);
            }
            throw e;
        }
        CompletableFuture<Integer> next = exits.whenExited(c.id(), true);
        try {
            if (!isActive(c.id())) {
                return CompletableFuture.completedFuture(lastExitCode(c.id()));
            }
        } catch (NoSuchObjectException removedMeanwhile) {
            return CompletableFuture.completedFuture(lastExitCode(c.id()));
        }
        return next.thenApply(code -> lastExitCode(c.id()));
    }

    /** Completes when the container has been removed (Docker's {@code removed} wait). */
    CompletableFuture<Void> whenRemoved(String nameOrId) {
        String id = state.lookupContainer(nameOrId).id();
        return removals.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    void removed(String id) {
        CompletableFuture<Void> f = removals.remove(id);
        if (f != null) {
            f.complete(null);
        }
    }

    /** The exit code recorded for the container's last run (after its exit was handled). */
    int lastExitCode(String id) {
        var code = exits.exitCode(id);
        try {
            StoredContainer c = state.container(id);
            return c.state().exited() ? c.state().exitCode() : code.orElse(c.state().exitCode());
        } catch (EngineException removed) {
            Integer recent = sync.recentExit(id);
            return recent != null ? recent : code.orElse(-1);
        }
    }

    /** Whether the container's process is (or is about to be) running. */
    boolean isActive(String nameOrId) {
        StoredContainer c = state.lookupContainer(nameOrId);
        return Transitions.active(locking.holding(c.config().lockId(), () -> sync.sync(c.id())).state().status());
    }
}
