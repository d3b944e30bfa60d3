package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * A host reboot, simulated: every container process, conmon and name resolver killed, the run
 * directories (tmpfs on a real host), the network namespaces and the SHM lock segment gone, then a
 * new daemon on the same storage. Every container and pod comes back in libpod's post-reboot state
 * (running ones exited, created ones created, {@code --rm} ones removed); containers with restart
 * policy always, and unless-stopped ones a user did not stop, run again, in pods and on networks too;
 * no lease, namespace or lock is held for anything that does not run.
 */
class RestartAfterRebootIT {

    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-reboot");
        daemon = TestDaemon.start(root);
        ProcessRunner.Result rootfs = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(rootfs.exitCode()).as(rootfs.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker("rm", "-f", "always", "unless", "stopped-by-user", "no-policy", "created-only", "net-always",
                "net-no-policy", "pod-always", "auto-removed");
        podman("pod", "rm", "-f", "rebootpod");
        docker("network", "rm", "rebootnet");
        daemon.close();
        killResolvers(); // a failed run must not leave one listening on the next run's bridge
        unmountAll(); // nor mounts under a root it then cannot delete
        FileSystemUtils.deleteRecursively(root);
    }

    static void unmountAll() throws Exception {
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream().map(l -> l.split(" ")[1])
                .filter(m -> m.startsWith(root.toString())).sorted(java.util.Comparator.reverseOrder()).toList();
        for (String m : mounts) {
            ProcessRunner.run(List.of("umount", "-l", m), Duration.ofSeconds(20));
        }
    }

    static ProcessRunner.Result docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", daemon.dockerHost()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("DOCKER_CONFIG", root.resolve("docker-config").toString()),
                Duration.ofSeconds(60));
    }

    static String ok(String... args) throws Exception {
        ProcessRunner.Result r = docker(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout().strip();
    }

    @Test
    void containersWithRestartPolicyAlwaysOrUnlessStoppedRunAgainAfterAReboot() throws Exception {
        ok("run", "-d", "--name", "always", "--restart", "always", "busybox", "sleep", "1000");
        ok("run", "-d", "--name", "unless", "--restart", "unless-stopped", "busybox", "sleep", "1000");
        ok("run", "-d", "--name", "stopped-by-user", "--restart", "unless-stopped", "busybox", "sleep", "1000");
        ok("stop", "-t", "0", "stopped-by-user");
        ok("run", "-d", "--name", "no-policy", "busybox", "sleep", "1000");
        ok("create", "--name", "created-only", "busybox", "true");
        ok("run", "-d", "--rm", "--name", "auto-removed", "busybox", "sleep", "1000");
        ok("network", "create", "--subnet", "10.89.177.0/24", "rebootnet");
        ok("run", "-d", "--name", "net-always", "--network", "rebootnet", "--restart", "always", "busybox",
                "sleep", "1000");
        ok("run", "-d", "--name", "net-no-policy", "--network", "rebootnet", "busybox", "sleep", "1000");
        podmanOk("pod", "create", "--name", "rebootpod");
        podmanOk("run", "-d", "--pod", "rebootpod", "--name", "pod-always", "--restart", "always", "busybox",
                "sleep", "1000");
        List<String> ids = List.of(ok("ps", "-aq", "--no-trunc").split("\\s+"));
        daemon.close();

        // the reboot: processes gone, mounts gone, the tmpfs run directories empty
        Path runcRoot = root.resolve("run/libpod/oci/runc");
        ProcessRunner.Result list = ProcessRunner.run(List.of("runc", "--root", runcRoot.toString(), "list", "-q"),
                Duration.ofSeconds(20));
        for (String id : list.stdout().strip().lines().toList()) {
            ProcessRunner.run(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", id),
                    Duration.ofSeconds(20));
        }
        unmountAll();
        // the networks' dnsmasq (one per network, its files under this root)
        killResolvers();
        for (String ns : namespacesOf(ids)) {
            ProcessRunner.run(List.of("ip", "netns", "delete", ns), Duration.ofSeconds(20));
        }
        Files.deleteIfExists(Path.of("/dev/shm", TestDaemon.shmPath(root).substring(1)));
        FileSystemUtils.deleteRecursively(root.resolve("run"));

        daemon = TestDaemon.start(root);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(running("always") && running("unless")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(running("always")).as("restart always").isTrue();
        assertThat(running("unless")).as("unless-stopped, not stopped by the user").isTrue();
        assertThat(running("stopped-by-user")).isFalse();
        assertThat(running("no-policy")).isFalse();
        assertThat(ok("exec", "always", "echo", "alive")).isEqualTo("alive");

        awaitRunning("net-always");
        awaitRunning("pod-always");
        assertThat(status("no-policy")).isEqualTo("exited");
        assertThat(status("net-no-policy")).isEqualTo("exited");
        assertThat(status("stopped-by-user")).isEqualTo("exited");
        assertThat(status("created-only")).isEqualTo("created");
        assertThat(docker("inspect", "auto-removed").exitCode()).as("--rm container removed").isNotZero();
        assertThat(podmanOk("pod", "inspect", "--format", "{{.State}}", "rebootpod")).isEqualTo("Running");
        assertThat(ok("exec", "net-always", "echo", "alive")).isEqualTo("alive");

        // nothing held for what does not run: namespaces, leases, locks
        List<String> now = List.of(ok("ps", "-aq", "--no-trunc").split("\\s+"));
        List<String> running = List.of(ok("ps", "-q", "--no-trunc").split("\\s+"));
        for (String id : now) {
            long namespaces = namespacesOf(List.of(id)).size();
            assertThat(namespaces).as("network namespaces of %s", id).isLessThanOrEqualTo(running.contains(id) ? 1 : 0);
        }
        for (Path lease : find(root.resolve("run/libpod/cni/networks"), null)) {
            if (lease.getFileName().toString().matches("[0-9a-f.:]+")) {
                String holder = Files.readString(lease).lines().findFirst().orElse("").strip();
                assertThat(running).as("holder of lease %s", lease).contains(holder);
            }
        }
        int pods = daemon.state().allPods().size();
        int containers = daemon.state().allContainers().size(); // with the pod's infra container
        assertThat(daemon.locks().total() - daemon.locks().available().orElseThrow())
                .as("locks held: one per container and pod").isEqualTo(containers + pods);
    }

    /** The networks' dnsmasq (one per network, its files under this root). */
    static void killResolvers() {
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("dnsmasq")
                && c.contains(root.toString())).orElse(false)).forEach(ProcessHandle::destroyForcibly);
    }

    static String status(String name) throws Exception {
        return ok("inspect", "--format", "{{.State.Status}}", name);
    }

    static void awaitRunning(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!running(name) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(running(name)).as(name + " runs again").isTrue();
    }

    /** The named network namespaces (under /run/netns) jpod made for these containers. */
    static List<String> namespacesOf(List<String> ids) throws Exception {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> ids.stream().anyMatch(id -> id.length() >= 12
                            && n.startsWith("jpod-" + id.substring(0, 12) + "-")))
                    .toList();
        }
    }

    static List<Path> find(Path dir, String extension) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> extension == null || f.getFileName().toString().endsWith("." + extension)).toList();
        }
    }

    static ProcessRunner.Result podman(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman", "--remote", "--url", daemon.dockerHost()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString(),
                "XDG_CONFIG_HOME", root.resolve("config").toString()), Duration.ofSeconds(60));
    }

    static String podmanOk(String... args) throws Exception {
        ProcessRunner.Result r = podman(args);
        assertThat(r.exitCode()).as("podman " + String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout().strip();
    }

    static boolean running(String name) throws Exception {
        return ok("inspect", "--format", "{{.State.Running}}", name).equals("true");
    }
}
