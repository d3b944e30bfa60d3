package io.jpod.oci;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A host device node as the OCI spec lists it ({@code linux.devices}) and the cgroup rule letting the
 * container use it.
 *
 * @param type {@code c} or {@code b}
 * @param access the cgroup permissions, letters of {@code rwm}
 */
public record DeviceNode(String path, String type, long major, long minor, int fileMode, int uid, int gid,
        String access) {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    /** What a privileged container does not get from the host's /dev: runc and the spec make these. */
    private static final Set<String> SKIPPED = Set.of("/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/console",
            "/dev/ptmx", "/dev/tty", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr");

    /** The device at {@code host}, made at {@code containerPath}; not a device node is the client's mistake. */
    public static DeviceNode of(Path host, String containerPath, String access) {
        try {
            Map<String, Object> a = Files.readAttributes(host, "unix:mode,rdev,uid,gid");
            int mode = (Integer) a.get("mode");
            String type = switch (mode & S_IFMT) {
                case S_IFCHR -> "c";
                case S_IFBLK -> "b";
                default -> throw EngineException.invalidArgument(host + " is not a device node");
            };
            long rdev = (Long) a.get("rdev");
            // glibc's major()/minor() split of dev_t
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new DeviceNode(containerPath, type, major, minor, mode & 07777, (Integer) a.get("uid"),
                    (Integer) a.get("gid"), access);
        } catch (IOException e) {
            throw EngineException.invalidArgument("device " + host + " cannot be used: " + e.getMessage());
        }
    }

    /** Every device node under the host's /dev, for a privileged container. */
    public static List<DeviceNode> host() {
        List<DeviceNode> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Path.of("/dev"), 3)) {
            all.filter(p -> SKIPPED.stream().noneMatch(s -> p.startsWith(s)))
                    .filter(p -> !Files.isSymbolicLink(p) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> {
                        try {
                            out.add(of(p, p.toString(), "rwm"));
                        } catch (EngineException notADevice) {
                            // sockets and plain files under /dev are no devices
                        }
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw EngineException.internal("listing the host's devices: " + e.getMessage(), e);
        }
        return out;
    }
}
