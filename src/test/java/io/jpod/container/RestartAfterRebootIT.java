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
 * A host reboot, simulated: every container process killed, the run directories (tmpfs on a real
 * host) gone, then a new daemon on the same storage. Containers with restart policy always, and
 * unless-stopped ones a user did not stop, run again; the others stay exited.
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
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker("rm", "-f", "always", "unless", "stopped-by-user", "no-policy");
        daemon.close();
        FileSystemUtils.deleteRecursively(root);
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
        daemon.close();

        // the reboot: processes gone, mounts gone, the tmpfs run directories empty
        Path runcRoot = root.resolve("run/libpod/oci/runc");
        ProcessRunner.Result list = ProcessRunner.run(List.of("runc", "--root", runcRoot.toString(), "list", "-q"),
                Duration.ofSeconds(20));
        for (String id : list.stdout().strip().lines().toList()) {
            ProcessRunner.run(List.of("runc", "--root", runcRoot.toString(), "delete", "--force", id),
                    Duration.ofSeconds(20));
        }
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream().map(l -> l.split(" ")[1])
                .filter(m -> m.startsWith(root.toString())).sorted(java.util.Comparator.reverseOrder()).toList();
        for (String m : mounts) {
            ProcessRunner.run(List.of("umount", "-l", m), Duration.ofSeconds(20));
        }
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
    }

    static boolean running(String name) throws Exception {
        return ok("inspect", "--format", "{{.State.Running}}", name).equals("true");
    }
}
