package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.oci.SpecOptions;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.PosixFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a container's /dev/shm comes from (podman's way). A container with an IPC namespace of its own
 * gets a tmpfs on the host at {@link ContainerPaths#shm}, bind-mounted at /dev/shm; a container joining
 * that namespace ({@code --ipc container:X}, or a pod member sharing its infra's) binds the same tmpfs,
 * so POSIX shared memory is shared along with System V IPC; {@code --ipc host} binds the host's /dev/shm.
 * The tmpfs lives from init to clean-up ({@link #release}).
 */
final class ShmMounts {

    /** podman's DefaultShmSize, 64 MiB. */
    static final String OPTIONS = "mode=1777,size=65536k";

    private final State state;
    private final ContainerPaths paths;
    private final boolean rootless;

    ShmMounts(State state, ContainerPaths paths, boolean rootless) {
        this.state = state;
        this.paths = paths;
        this.rootless = rootless;
    }

    /**
     * The /dev/shm mount of {@code c}, mounting its host-side tmpfs when it has an IPC namespace of its own.
     *
     * @param ipcPath the ipc namespace it joins ({@code host}, a {@code /proc} path), null for its own
     * @param infraId its pod's infra container, whose namespaces it joins; null for none
     */
    SpecOptions.Mount prepare(StoredContainer c, String ipcPath, String infraId) {
        if ("host".equals(ipcPath)) {
            return ContainerSecurity.shmMount("host");
        }
        if (ipcPath != null) {
            String mode = c.config().run().security().ipcMode();
            Path joined = owner(mode.startsWith("container:") ? mode.substring("container:".length()) : infraId);
            if (joined != null) {
                return bind(joined);
            }
            // the owner's tmpfs is not there (it started before jpod made one): a /dev/shm of its own
        }
        if (rootless) {
            // mounting a tmpfs on the host needs root: rootless containers keep runc's /dev/shm of their own
            return null;
        }
        Path dir = paths.shm(c.id());
        release(paths, c.id()); // a tmpfs left by a crash
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw EngineException.internal("creating " + dir + ": " + e.getMessage(), e);
        }
        Long size = c.config().run().resources().shmSize();
        PosixFiles.mount("shm", dir, "tmpfs", PosixFiles.MS_NOSUID | PosixFiles.MS_NODEV | PosixFiles.MS_NOEXEC,
                size == null ? OPTIONS : "mode=1777,size=" + size);
        return bind(dir);
    }

    /** Unmounts the container's host-side tmpfs; none is fine. */
    static void release(ContainerPaths paths, String id) {
        PosixFiles.unmount(paths.shm(id));
    }

    /** The host-side tmpfs of the container that owns the joined namespace, following joins; null if none. */
    private Path owner(String id) {
        Set<String> seen = new HashSet<>();
        while (id != null && !id.isEmpty()) {
            StoredContainer o = state.container(id);
            String mode = o.config().run() == null ? "" : o.config().run().security().ipcMode();
            if (mode.equals("host")) {
                return Path.of("/dev/shm");
            }
            if (mode.startsWith("container:") && seen.add(o.id())) {
                id = mode.substring("container:".length());
                continue;
            }
            Path dir = paths.shm(o.id());
            return mounted(dir) ? dir : null;
        }
        return null;
    }

    /** A mount point: a device other than its parent's. */
    private static boolean mounted(Path dir) {
        try {
            return Files.isDirectory(dir)
                    && !Files.getAttribute(dir, "unix:dev").equals(Files.getAttribute(dir.getParent(), "unix:dev"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static SpecOptions.Mount bind(Path source) {
        return new SpecOptions.Mount("/dev/shm", "bind", source.toString(), List.of("rbind", "rprivate"));
    }
}
