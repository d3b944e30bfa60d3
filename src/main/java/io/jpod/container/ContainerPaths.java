package io.jpod.container;

import java.nio.file.Path;

/**
 * Where a container's files live: its directory under the graph root (userdata with the OCI bundle,
 * log and attach socket; the overlay's diff, work and merged directories) and its per-boot files
 * under the tmp dir (conmon's exit file and persist directory).
 */
final class ContainerPaths {

    private final Path graphRoot;
    private final Path tmpDir;

    ContainerPaths(Path graphRoot, Path tmpDir) {
        this.graphRoot = graphRoot;
        this.tmpDir = tmpDir;
    }

    record Layout(Path base, Path userdata, Path diff, Path work, Path merged) {}

    Layout layout(String id) {
        Path base = graphRoot.resolve("containers").resolve(id);
        return new Layout(base, base.resolve("userdata"), base.resolve("diff"), base.resolve("work"),
                base.resolve("merged"));
    }

    Path exitDir() {
        return tmpDir.resolve("exits");
    }

    /** conmon writes the exit code here when the container's process ends. */
    Path exitFile(String id) {
        return exitDir().resolve(id);
    }

    /** conmon's persist directory (its {@code oom} marker and exit copy). */
    Path persistDir(String id) {
        return tmpDir.resolve("persist").resolve(id);
    }

    /** The host-side tmpfs behind the container's /dev/shm while it runs with an IPC namespace of its own. */
    Path shm(String id) {
        return layout(id).userdata().resolve("shm");
    }

    Path log(String id) {
        return layout(id).userdata().resolve("ctr.log");
    }

    Path attachSocket(String id) {
        return layout(id).userdata().resolve("attach");
    }

    /** conmon's control FIFO (terminal resizes). */
    Path control(String id) {
        return layout(id).userdata().resolve("ctl");
    }
}
