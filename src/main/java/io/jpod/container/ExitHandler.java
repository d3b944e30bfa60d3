package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What happens when a container's process ends: the exit is recorded and cleaned up (under the
 * container's lock), then the container is removed ({@code --rm}) or started again by its restart
 * policy. Each exit (told apart by its time) is acted on once, however often it is noticed.
 */
final class ExitHandler implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(ExitHandler.class);

    private final State state;
    private final Locking locking;
    private final ContainerSync sync;
    private final Consumer<String> start;
    private final Consumer<String> autoRemove;
    /** The last exit acted on, per container. */
    private final Map<String, Instant> handled = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > 1000;
        }
    });
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "container-restarts");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param start starts a container (as a user's start does)
     * @param autoRemove removes an auto-remove container with its anonymous volumes
     */
    ExitHandler(State state, Locking locking, ContainerSync sync, Consumer<String> start,
            Consumer<String> autoRemove) {
        this.state = state;
        this.locking = locking;
        this.sync = sync;
        this.start = start;
        this.autoRemove = autoRemove;
    }

    /** Called by the exit watcher when conmon records an exit. */
    void exited(String id) {
        handle(id, false);
    }

    /**
     * At start-up: containers that exited while the daemon was away get their exit code and are
     * cleaned up, then removed or restarted as their policy says; running ones keep running.
     */
    void reconcile() {
        for (StoredContainer c : state.allContainers()) {
            try {
                handle(c.id(), true);
            } catch (RuntimeException e) {
                LOG.warn("reconciling container " + c.id() + ": " + e.getMessage());
            }
        }
    }

    private void handle(String id, boolean always) {
        StoredContainer c;
        try {
            c = state.container(id);
        } catch (EngineException gone) {
            return;
        }
        StoredContainer after = locking.holding(c.config().lockId(), () -> sync.sync(id));
        if (after.state().status() != ContainerStatus.EXITED) {
            return;
        }
        // conmon's file raises two events, and a start-up pass may meet an exit handled already
        Instant finished = after.state().finishedAt();
        if (Objects.equals(handled.put(id, finished), finished) && !always) {
            return;
        }
        if (after.config().run() != null && after.config().run().autoRemove()) {
            try {
                autoRemove.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("auto-removing " + id + ": " + e.getMessage());
            }
        } else if (RestartPolicy.parse(after.config().run() == null ? "" : after.config().run().restartPolicy())
                .shouldRestart(after.state())) {
            scheduleRestart(after);
        }
    }

    /** Restarts after a back-off that doubles with every restart (100 ms up to 10 s), as Docker does. */
    private void scheduleRestart(StoredContainer c) {
        int count = c.state().restartCount();
        long delay = Math.min(10_000L, 100L << Math.min(count, 7));
        restarts.schedule(() -> {
            try {
                boolean due = locking.holding(c.config().lockId(), () -> {
                    StoredContainer cur = state.container(c.id());
                    if (cur.state().status() != ContainerStatus.EXITED || cur.state().stoppedByUser()) {
                        return false; // stopped, removed or started by someone else meanwhile
                    }
                    state.saveContainerState(c.id(), cur.state().restarting());
                    return true;
                });
                if (due) {
                    start.accept(c.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("restarting " + c.id() + ": " + e.getMessage());
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        restarts.shutdownNow();
    }
}
