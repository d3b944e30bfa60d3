package io.jpod.testing;

import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a container of a {@link TestDaemon} has on the host, read from the host itself rather than
 * from the daemon: its runc container, mounts under the daemon's storage, its network namespace, its
 * CNI IP lease, conmon's per-container files in the daemon's tmp dir and its directory in the graph
 * root. The paths come from the
 * daemon's configuration ({@link TestDaemon#isolated}): runc's root is {@code <tmp dir>/oci/runc},
 * host-local's leases are under {@code <tmp dir>/cni/networks/<network>/}.
 */
public final class HostTraces {

    private static final Duration RUNC_BOUND = Duration.ofSeconds(30);
    private static final Path NETNS = Path.of("/run/netns");
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    private final String runc;
    private final Path tmpDir;
    private final Path ociRoot;
    private final List<Path> storage;
    private final JsonMapper json = JsonMapper.builder().build();

    private HostTraces(String runc, Path tmpDir, List<Path> storage) {
        this.runc = runc;
        this.tmpDir = tmpDir;
        this.ociRoot = tmpDir.resolve("oci").resolve("runc");
        this.storage = storage;
    }

    /** For a daemon started with {@code properties}; {@code runc} is the binary the daemon uses. */
    public static HostTraces of(Map<String, Object> properties, String runc) {
        return new HostTraces(runc, Path.of(properties.get("libpod.tmp-dir").toString()),
                List.of(Path.of(properties.get("libpod.storage.graph-root").toString()),
                        Path.of(properties.get("libpod.storage.run-root").toString())));
    }

    /** What {@code runc state} says of a container: its status (created, running, paused, stopped) and PID. */
    public record RuncState(String status, int pid) {}

    /** runc's state of the container, or empty when runc has no such container. */
    public Optional<RuncState> runcState(String id) {
        ProcessRunner.Result r = run(runc, "--root", ociRoot.toString(), "state", id);
        if (r.exitCode() != 0) {
            if (r.stderr().contains("does not exist") || r.stderr().contains("no such file")) {
                return Optional.empty();
            }
            throw new IllegalStateException("runc state " + id + " failed: " + r.stderr().strip());
        }
        JsonNode state = json.readTree(r.stdout());
        return Optional.of(new RuncState(state.path("status").asString(), state.path("pid").asInt()));
    }

    /** The IDs of every container in the daemon's runc root. */
    public List<String> runcContainers() {
        if (!Files.isDirectory(ociRoot)) {
            return List.of();
        }
        ProcessRunner.Result r = run(runc, "--root", ociRoot.toString(), "list", "-q");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("runc list failed: " + r.stderr().strip());
        }
        return Arrays.stream(r.stdout().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The exit code conmon wrote for the container's last run, when its exit file is there. */
    public OptionalInt exitFile(String id) {
        try {
            String s = Files.readString(tmpDir.resolve("exits").resolve(id)).strip();
            return s.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** Mounts (lines of /proc/mounts) whose mount point is under the daemon's storage directories. */
    public List<String> storageMounts() {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> {
                String[] f = l.split(" ");
                return f.length > 1 && storage.stream().anyMatch(s -> f[1].startsWith(s.toString()));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything left of container {@code id} on the host, one line each; empty when nothing is. */
    public List<String> leftovers(String id) {
        List<String> left = new ArrayList<>();
        runcState(id).ifPresent(s -> left.add("runc container (" + s.status() + ")"));
        storageMounts().stream().filter(m -> m.contains(id)).forEach(m -> left.add("mount " + m));
        String prefix = "jpod-" + id.substring(0, 12);
        list(NETNS).stream().filter(p -> p.getFileName().toString().startsWith(prefix))
                .forEach(p -> left.add("network namespace " + p));
        for (Path network : list(tmpDir.resolve("cni").resolve("networks"))) {
            list(network).stream().filter(f -> leaseOf(f, id)).forEach(f -> left.add("IP lease " + f));
        }
        List<Path> cgroups = cgroups(id);
        if (!cgroups.isEmpty()) {
            left.add("cgroup " + cgroups.get(0).getFileName() + " in " + cgroups.size() + " hierarchies");
        }
        for (Path p : List.of(tmpDir.resolve("persist").resolve(id), tmpDir.resolve("exits").resolve(id),
                storage.get(0).resolve("containers").resolve(id))) {
            if (Files.exists(p)) {
                left.add("file " + p);
            }
        }
        return left;
    }

    /**
     * The container's cgroups: {@code /jpod_parent/jpod-<id>} (cgroupfs) or {@code jpod-<id>.scope} in
     * {@code machine.slice} (systemd), in each v1 controller or in the v2 hierarchy.
     */
    public List<Path> cgroups(String id) {
        List<Path> roots = new ArrayList<>(List.of(CGROUPS));
        roots.addAll(list(CGROUPS));
        List<Path> found = new ArrayList<>();
        for (Path r : roots) {
            for (Path p : List.of(r.resolve("jpod_parent").resolve("jpod-" + id),
                    r.resolve("machine.slice").resolve("jpod-" + id + ".scope"))) {
                if (Files.isDirectory(p)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /**
     * Removes what the daemon left of these containers, so that a failed run leaves no process,
     * mount, namespace or cgroup on the machine: runc deletes its containers (killing them), mounts
     * under the storage are detached, namespaces and empty cgroups removed. Best effort.
     */
    public void sweep(Collection<String> ids) {
        runcContainers().forEach(id -> run(runc, "--root", ociRoot.toString(), "delete", "--force", id));
        List<String> mounts = new ArrayList<>(storageMounts());
        Collections.reverse(mounts);
        mounts.forEach(m -> run("umount", "-l", m.split(" ")[1]));
        for (String id : ids) {
            String prefix = "jpod-" + id.substring(0, 12);
            list(NETNS).stream().filter(p -> p.getFileName().toString().startsWith(prefix))
                    .forEach(p -> run("ip", "netns", "delete", p.getFileName().toString()));
            cgroups(id).forEach(p -> p.toFile().delete());
        }
    }

    /** host-local's lease files are named by IP and start with the container ID. */
    private static boolean leaseOf(Path file, String id) {
        try {
            return Files.isRegularFile(file) && Files.readString(file).startsWith(id);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProcessRunner.Result run(String... argv) {
        try {
            return ProcessRunner.run(List.of(argv), RUNC_BOUND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
