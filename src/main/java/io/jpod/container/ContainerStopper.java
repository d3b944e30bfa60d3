package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.lock.Locking;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one stop algorithm, used by stop, restart, {@code rm -f}, pod stop and a forced shutdown:
 * under the lock, the stop signal (SIGKILL for a frozen process) and then the Stopping mark, so a
 * failed signal changes nothing; without the lock, the wait for the exit, then SIGKILL after the
 * timeout; under the lock again, the exit recorded and cleaned up, unless by then the container
 * runs again, started by someone else: a later run is not this stop's to end.
 */
final class ContainerStopper {

    private static final Log LOG = LogFactory.getLog(ContainerStopper.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** "Without limit", short of what System.nanoTime() arithmetic can hold. */
    private static final Duration NO_LIMIT = Duration.ofDays(3650);
    /** How long conmon may take to write the exit file once the runtime says the process is gone. */
    private static final Duration EXIT_FILE_WAIT = Duration.ofSeconds(2);

    private final State state;
    private final Locking locking;
    private final OciRuntime oci;
    private final ContainerSync sync;
    private final ExitWatcher exits;
    private final ContainerEvents events;

    ContainerStopper(State state, Locking locking, OciRuntime oci, ContainerSync sync, ExitWatcher exits,
            ContainerEvents events) {
        this.state = state;
        this.locking = locking;
        this.oci = oci;
        this.sync = sync;
        this.exits = exits;
        this.events = events;
    }

    /** Stops a running container; {@code NOT_MODIFIED} when it is not running. */
    StoredContainer stop(String nameOrId, Integer timeoutSeconds) {
        oci.checkAvailable();
        StoredContainer c = state.lookupContainer(nameOrId);
        int timeout = timeoutSeconds != null ? timeoutSeconds : c.config().run() != null
                ? c.config().run().stopTimeout() : 10;
        CompletableFuture<Integer> exited = exits.whenExited(c.id()); // before the signal: no exit is missed
        StoredContainer signalled = locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            Transitions.Op.STOP.check(cur);
            signal(cur, timeout);
            return Transitions.save(state, cur, cur.state().stoppingByUser());
        });
        Instant run = signalled.state().startedAt();
        // a negative timeout waits for the process as long as it takes (Docker's and podman's -1)
        if (!awaitExit(signalled, exited, timeout < 0 ? NO_LIMIT : Duration.ofSeconds(timeout))) {
            LOG.warn("StopSignal failed to stop container " + c.name() + " in " + timeout
                    + " seconds, resorting to SIGKILL");
            try {
                oci.kill(c.id(), "KILL");
            } catch (RuntimeException e) {
                LOG.debug("SIGKILL after timeout: " + e.getMessage());
            }
            awaitExit(signalled, exited, KILL_WAIT);
        }
        StoredContainer stopped;
        try {
            stopped = locking.holding(c.config().lockId(), () -> finish(c.id(), run));
        } catch (NoSuchObjectException removedOnExit) {
            // its --rm took it as it exited: stopped, as asked (Docker answers 204 too)
            events.publish("stop", signalled);
            return signalled;
        }
        events.publish("stop", stopped);
        return stopped;
    }

    /** Sends the stop signal; a process that has ended meanwhile needs none. */
    private void signal(StoredContainer cur, int timeout) {
        try {
            if (cur.state().status() == ContainerStatus.PAUSED) {
                // a frozen process cannot act on a signal: thaw it right after queueing SIGKILL
                oci.kill(cur.id(), "KILL");
                thaw(cur.id());
            } else if (timeout == 0) {
                oci.kill(cur.id(), "KILL");
            } else {
                oci.kill(cur.id(), Integer.toString(cur.config().run() != null
                        ? cur.config().run().stopSignal() : 15));
            }
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.RUNTIME_FAILURE || !sync.processEnded(cur.id())) {
                throw e;
            }
        }
    }

    /** Resumes a frozen container; runc may already see it thawed or dying once SIGKILL is queued. */
    private void thaw(String id) {
        try {
            oci.resume(id);
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.RUNTIME_FAILURE || "paused".equals(oci.status(id))) {
                throw e;
            }
        }
    }

    /** The exit recorded and cleaned up, if the run this stop signalled is still the container's. */
    private StoredContainer finish(String id, Instant run) {
        StoredContainer cur = sync.sync(id);
        boolean sameRun = Objects.equals(cur.state().startedAt(), run);
        if (sameRun && Transitions.active(cur.state().status()) && sync.processEnded(id)
                && !conmonAlive(cur)) {
            return sync.stoppedWithoutExitFile(cur); // no conmon to write an exit file: recorded as stopped now
        }
        return cur;
    }

    private static boolean conmonAlive(StoredContainer c) {
        return c.state().conmonPid() > 0 && ProcessHandle.of(c.state().conmonPid()).map(ProcessHandle::isAlive)
                .orElse(false);
    }

    /**
     * Waits for conmon's exit file; without a live conmon to write one, asks the runtime whether the
     * process is gone (then waits a moment more for the file). True when the process has ended.
     */
    private boolean awaitExit(StoredContainer c, CompletableFuture<Integer> exited, Duration timeout) {
        if (conmonAlive(c)) {
            return await(exited, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (await(exited, Duration.ofMillis(100))) {
                return true;
            }
            if (sync.processEnded(c.id())) {
                await(exited, EXIT_FILE_WAIT);
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    static boolean await(CompletableFuture<Integer> f, Duration timeout) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException e) {
            return true;
        }
    }
}
