package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resource limits enforced on real containers (cgroups v1 and cgroupfs, as on this host): the docker
 * CLI for create, update and inspect, podman's remote client for the libpod API.
 */
class ResourceLimitsIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-limits");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "oom", "busy");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    /** A file of the container's cgroup in one v1 hierarchy (jpod's cgroupfs parent). */
    static String cgroup(String id, String controller, String file) throws Exception {
        return Files.readString(Path.of("/sys/fs/cgroup", controller, "jpod_parent", "jpod-" + id, file)).strip();
    }

    @Test
    void memoryLimitOomKills() throws Exception {
        // tail keeps a line without a newline whole in memory: 100 MiB of zeros is past 32 MiB + swap
        ProcessRunner.Result r = docker.run("run", "--name", "oom", "--memory", "32m", "busybox", "sh", "-c",
                "head -c 100m /dev/zero | tail");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(137);
        assertThat(ok("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}} {{.HostConfig.Memory}} "
                + "{{.HostConfig.MemorySwap}}", "oom")).isEqualTo("true 137 33554432 67108864");
    }

    @Test
    void pidsLimitStopsAForkBomb() throws Exception {
        // the shell gives up at its first failed fork: the count of sleeps started stays below 50
        ProcessRunner.Result r = docker.run("run", "--rm", "--pids-limit", "20", "busybox", "sh", "-c",
                "cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 50); do sleep 2 & echo $i; done");
        List<String> lines = List.of(r.stdout().strip().split("\n"));
        assertThat(lines.get(0)).as(r.stderr()).isEqualTo("20");
        assertThat(Integer.parseInt(lines.get(lines.size() - 1))).as(r.stdout()).isBetween(10, 19);
        assertThat(r.stderr()).contains("can't fork");
    }

    @Test
    void cpusHoldABusyLoopAndUpdateChangesTheLiveCgroup() throws Exception {
        String id = ok("run", "-d", "--name", "busy", "--cpus", "0.5", "--memory", "32m", "--ulimit",
                "nofile=512:512", "busybox", "sh", "-c", "while :; do :; done");
        assertThat(ok("exec", "busy", "sh", "-c", "ulimit -n")).isEqualTo("512");
        assertThat(cgroup(id, "cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
        long before = Long.parseLong(cgroup(id, "cpuacct", "cpuacct.usage"));
        long start = System.nanoTime();
        Thread.sleep(2000);
        double cores = (Long.parseLong(cgroup(id, "cpuacct", "cpuacct.usage")) - before)
                / (double) (System.nanoTime() - start);
        assertThat(cores).isBetween(0.3, 0.7);

        ok("update", "--memory", "64m", "busy");
        assertThat(cgroup(id, "memory", "memory.limit_in_bytes")).isEqualTo("67108864");
        assertThat(ok("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", "busy"))
                .isEqualTo("67108864 500000000");
        // podman's update goes through the libpod endpoint, with its own swap
        podman.ok("update", "--memory", "96m", "busy");
        assertThat(cgroup(id, "memory", "memory.limit_in_bytes")).isEqualTo("100663296");
        assertThat(cgroup(id, "memory", "memory.memsw.limit_in_bytes")).isEqualTo("201326592");
    }

    @Test
    void ulimitsAndShmSize() throws Exception {
        assertThat(ok("run", "--rm", "--ulimit", "nofile=256:256", "--shm-size", "16m", "busybox", "sh", "-c",
                "ulimit -n; df -k /dev/shm | tail -1")).matches("256\nshm\\s+16384\\s.*");
        long hard = ResourcePlanner.hardLimits(Path.of("/proc/self/limits")).get("nofile");
        if (hard != -1) {
            ProcessRunner.Result r = docker.run("run", "--rm", "--ulimit", "nofile=" + (hard + 1) + ":" + (hard + 1),
                    "busybox", "true");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr()).contains("ulimit nofile=" + (hard + 1) + " is above this host's hard limit of "
                    + hard);
        }
    }

    @Test
    void unsupportedOptionsAreRefused() throws Exception {
        ProcessRunner.Result bps = docker.run("run", "--rm", "--device-read-bps", "/dev/sda:1mb", "busybox", "true");
        assertThat(bps.exitCode()).isNotZero();
        assertThat(bps.stderr()).contains("HostConfig.BlkioDeviceReadBps (--device-read-bps) cannot be honoured");
        ProcessRunner.Result gpus = docker.run("create", "--gpus", "all", "busybox");
        assertThat(gpus.exitCode()).isNotZero();
        assertThat(gpus.stderr()).contains("(--gpus) cannot be honoured");
    }

    @Test
    void podmanRemoteRunWithLimits() throws Exception {
        assertThat(podman.ok("run", "--rm", "--memory", "48m", "--pids-limit", "30", "--ulimit", "nofile=300:300",
                "docker.io/library/busybox", "sh", "-c",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; ulimit -n"))
                .isEqualTo("50331648\n30\n300");
    }
}
