package io.jpod.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What conmon and the OCI runtime binary (runc, crun) do together, addressed by container ID only:
 * never the whole container. Every operation first checks that both binaries are there
 * ({@code UNAVAILABLE}, 503, with the fix, when not); errors from the runtime raise
 * {@code RUNTIME_FAILURE} with what it said, which callers take as "re-read the container's state".
 */
public interface OciRuntime {

    /** The runtime's name, e.g. {@code runc}. */
    String name();

    /**
     * Throws {@code UNAVAILABLE} with how to fix it when the runtime binary or conmon is missing
     * right now (never installed, or removed under the running daemon).
     */
    void checkAvailable();

    /** Creates the container under a new conmon; it stays {@code created} until {@link #start}. */
    Created create(CreateRequest request);

    /**
     * Runs a process in a running container under its own conmon. {@code beforeRun} gets conmon's
     * attach socket before the process runs, so a client that connects there loses no output.
     */
    ExecStarted exec(ExecRequest request, Consumer<Path> beforeRun);

    /** The runtime's view of the container: {@code created}, {@code running}, {@code paused}, {@code stopped}, or empty when unknown to it. */
    String status(String id);

    /** Every container the runtime holds under jpod's root, with its status (as {@link #status}), in one call. */
    default java.util.Map<String, String> list() {
        throw new UnsupportedOperationException("this runtime cannot list its containers");
    }

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
     * Changes the cgroup limits of a created, running or paused container ({@code runc update});
     * {@code resources} is an OCI {@code LinuxResources} object, values it leaves out stay as they are.
     */
    default void update(String id, byte[] resources) {
        throw new UnsupportedOperationException("this runtime cannot change a container's limits");
    }
}
