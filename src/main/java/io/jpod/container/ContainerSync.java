package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.PosixFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Brings a container's stored state up to date with its process (libpod's syncContainer) and
 * cleans up after an exit. Whoever notices an exit first, under the container's lock, records it
 * and cleans up, so no caller ever sees a half-finished stop. Every method expects the caller to
 * hold the container's lock.
 */
final class ContainerSync {

    private static final Log LOG = LogFactory.getLog(ContainerSync.class);

    private final State state;
    private final OciRuntime oci;
    private final ContainerNetworking networking;
    private final ContainerPaths paths;
    private final ExitWatcher exits;
    private final ContainerEvents events;
    /** Exit codes outlive their containers a while, for waits on auto-removed ones (podman's ContainerExitCode). */
    private final Map<String, Integer> recentExits = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > 1000;
                }
            });

    ContainerSync(State state, OciRuntime oci, ContainerNetworking networking, ContainerPaths paths,
            ExitWatcher exits, ContainerEvents events) {
        this.state = state;
        this.oci = oci;
        this.networking = networking;
        this.paths = paths;
        this.exits = exits;
        this.events = events;
    }

    /** Reloads the container and applies an exit conmon recorded, then cleans up: it ends Exited. */
    StoredContainer sync(String id) {
        StoredContainer c = state.container(id);
        if (!Transitions.active(c.state().status())) {
            return c;
        }
        OptionalInt code = exits.exitCode(id);
        boolean conmonGone = c.state().conmonPid() > 0
                && !ProcessHandle.of(c.state().conmonPid()).map(ProcessHandle::isAlive).orElse(false);
        if (code.isEmpty() && conmonGone) {
            code = exits.exitCode(id); // conmon writes the file just before it ends: read once more
        }
        if (code.isEmpty() && !conmonGone) {
            return c;
        }
        ContainerState stopped = c.state().stopped(code.orElse(-1), finishedAt(id),
                Files.exists(paths.persistDir(id).resolve("oom")),
                code.isPresent() ? c.state().error() : "conmon died without writing exit file, container "
                        + "exit code could not be retrieved");
        StoredContainer after = Transitions.save(state, c, stopped);
        recentExits.put(id, stopped.exitCode());
        events.publish("die", c, "exitCode", Integer.toString(stopped.exitCode()));
        return cleanup(after);
    }

    /**
     * Records a process that ended without an exit file from conmon (a forced shutdown of a
     * container whose conmon is gone): stopped by its user, now.
     */
    StoredContainer stoppedWithoutExitFile(StoredContainer c) {
        return cleanup(Transitions.save(state, c, c.state().stoppedByUser(Instant.now())));
    }

    private Instant finishedAt(String id) {
        try {
            return Files.getLastModifiedTime(paths.exitFile(id)).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    /**
     * Deletes the container from the OCI runtime, unmounts its root and releases its network:
     * Stopped (or Stopping with its process gone) becomes Exited, Created becomes Configured.
     */
    StoredContainer cleanup(StoredContainer c) {
        ContainerStatus s = c.state().status();
        if (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED) {
            throw EngineException.invalidState("container " + c.id() + " is running or paused, refusing to clean up");
        }
        if (s == ContainerStatus.CONFIGURED || s == ContainerStatus.EXITED) {
            return c;
        }
        try {
            oci.delete(c.id());
        } catch (RuntimeException e) {
            LOG.warn("deleting " + c.id() + " from the OCI runtime: " + e.getMessage());
        }
        PosixFiles.unmount(paths.layout(c.id()).merged());
        ShmMounts.release(paths, c.id());
        ContainerState st = c.state();
        try {
            st = networking.release(c, st);
        } catch (RuntimeException e) {
            LOG.warn("tearing down the network of " + c.id() + ": " + e.getMessage());
        }
        ContainerStatus next = s == ContainerStatus.CREATED ? ContainerStatus.CONFIGURED : ContainerStatus.EXITED;
        return Transitions.save(state, c, st.cleanedUp(next));
    }

    void rememberExit(String id, int code) {
        recentExits.put(id, code);
    }

    Integer recentExit(String id) {
        return recentExits.get(id);
    }

    /**
     * Whether the container's process has ended as far as the OCI runtime knows (it is stopped or
     * gone there), though conmon may not have written the exit file yet.
     */
    boolean processEnded(String id) {
        try {
            String s = oci.status(id);
            return s.isEmpty() || s.equals("stopped");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** As {@link #processEnded}, asked again for up to {@code within}: runc may still report a dying process. */
    boolean processEndsWithin(String id, java.time.Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!processEnded(id)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
