package io.jpod.oci;

import java.time.Duration;
import java.util.List;

/**
 * The OCI runtime binary (runc, crun), addressed by container ID only: never the whole container.
 * Errors from the binary raise {@code RUNTIME_FAILURE} with its argv, exit code and stderr.
 */
public interface OciRuntime {

    /** The runtime's name, e.g. {@code runc}. */
    String name();

    /** Throws {@code UNAVAILABLE} with the fix when the runtime binary or conmon is missing. */
    void checkAvailable();

    /** Creates the container under conmon. */
    Created create(CreateRequest r);

    /** Runs an exec session under conmon; {@code beforeRun} gets the attach socket before the process runs. */
    ExecStarted exec(ExecRequest r, java.util.function.Consumer<java.nio.file.Path> beforeRun);

    /** The runtime's view of the container: {@code created}, {@code running}, {@code paused}, {@code stopped}, or empty when unknown to it. */
    String status(String id);

    /** Starts the process of a created container. */
    void start(String id);

    /** Freezes all processes of the container. */
    void pause(String id);

    /** Thaws a paused container. */
    void resume(String id);

    /** The host PIDs of the container's processes. */
    List<Integer> processes(String id);

    /** Sends a signal ({@code TERM}, {@code KILL}, ...) to the container's init process. */
    void kill(String id, String signal);

    /** Deletes the container from the runtime, killing it first if needed. */
    void delete(String id);

    /**
     * Stops a container: SIGTERM, then SIGKILL once {@code timeout} has passed, then delete.
     * Returns true when it had to kill.
     */
    default boolean stop(String id, Duration timeout) {
        String status = status(id);
        if (!status.isEmpty() && !"stopped".equals(status)) {
            kill(id, "TERM");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean killed = false;
        for (status = status(id); !status.isEmpty() && !"stopped".equals(status); status = status(id)) {
            if (!killed && System.nanoTime() > deadline) {
                kill(id, "KILL");
                killed = true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        delete(id);
        return killed;
    }
}
