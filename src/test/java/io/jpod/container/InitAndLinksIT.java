package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code --init} (catatonit as PID 1) with the docker CLI and podman's remote client, and legacy links
 * ({@code --link}) with the docker CLI: names in /etc/hosts, inspect, restarts of both ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InitAndLinksIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-init-links");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", root.resolve("rootfs.tar").toString(), "busybox");
        ok("tag", "busybox", "localhost/busybox"); // podman's name for it
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            docker.run("rm", "-f", "sig", "reap", "target", "linker", "usertarget", "userlinker", "idle", "pinit");
            docker.run("network", "rm", "linknet");
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    @Test
    void initRunsAsPidOneWithTheCommandAsItsChild() throws Exception {
        // the shell's parent is PID 1, and PID 1 is the init in front of the command
        String out = ok("run", "--rm", "--init", "busybox", "sh", "-c",
                "grep PPid /proc/$$/status; tr '\\0' ' ' < /proc/1/cmdline");
        assertThat(out).contains("PPid:\t1").contains("/dev/init -- sh -c");
        assertThat(ok("run", "--rm", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"))
                .doesNotContain("/dev/init");
        // the binary is the host's catatonit, read-only
        assertThat(ok("run", "--rm", "--init", "busybox", "sh", "-c", "grep ' /dev/init ' /proc/self/mounts"))
                .contains(" ro,");
    }

    @Test
    void aSignalReachesTheCommandThroughTheInit() throws Exception {
        ok("run", "-d", "--init", "--name", "sig", "busybox", "sh", "-c",
                "trap 'echo got-term; exit 7' TERM; echo ready; while true; do sleep 1; done");
        assertThat(ok("inspect", "--format", "{{.HostConfig.Init}}", "sig")).isEqualTo("true");
        waitForLog("sig", "ready");
        long t0 = System.nanoTime();
        ok("stop", "-t", "20", "sig");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(ok("inspect", "--format", "{{.State.ExitCode}}", "sig")).isEqualTo("7");
        assertThat(ok("logs", "sig")).contains("got-term");
    }

    @Test
    void theInitReapsOrphanedChildren() throws Exception {
        // the subshell exits at once, orphaning its sleep: when that ends, only PID 1 can reap it (the
        // container's shell, busy in its own sleep, would leave it a zombie)
        ok("run", "-d", "--init", "--name", "reap", "busybox", "sh", "-c", "(sleep 1 &); exec sleep 600");
        Thread.sleep(2500);
        String ps = ok("exec", "reap", "ps", "-o", "pid,stat,comm");
        assertThat(ps).doesNotContain(" Z ");
        assertThat(ps.lines().filter(l -> l.contains("sleep")).count()).isEqualTo(1);
    }

    @Test
    void podmanRemoteRunsWithAnInitToo() throws Exception {
        ProcessRunner.Result r = podman.run("run", "--name", "pinit", "--init", "localhost/busybox", "sh", "-c",
                "tr '\\0' ' ' < /proc/1/cmdline");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("/dev/init -- sh -c");
        ProcessRunner.Result inspect = podman.run("inspect", "--format",
                "{{.HostConfig.Init}} {{.Path}} {{index .Config.Annotations \"io.podman.annotations.init\"}}", "pinit");
        assertThat(inspect.stdout().strip()).isEqualTo("true /dev/init TRUE");
        podman.run("rm", "-f", "pinit");
        // a missing binary is named, and is not the client's fault
        ProcessRunner.Result missing = podman.run("run", "--rm", "--init", "--init-path", "/nonexistent/catatonit",
                "localhost/busybox", "true");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("/nonexistent/catatonit").doesNotContain("500");
    }

    static String ip(String container) throws Exception {
        return ok("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container);
    }

    static String hostsLine(String container, String alias) throws Exception {
        return ok("exec", container, "cat", "/etc/hosts").lines().filter(l -> l.contains("\t" + alias))
                .findFirst().orElse("");
    }

    @Test
    @Order(10)
    void aLinkNamesItsTargetInEtcHostsAndTheEnvironment() throws Exception {
        ok("run", "-d", "--name", "target", "-e", "FOO=bar", "-p", "127.0.0.1::80", "busybox", "sh", "-c",
                "echo hello-target > /tmp/index.html; exec httpd -f -p 80 -h /tmp");
        ok("run", "-d", "--name", "linker", "--link", "target:db", "busybox", "sleep", "600");
        String targetIp = ip("target");
        String shortId = ok("inspect", "--format", "{{.Id}}", "target").substring(0, 12);
        assertThat(hostsLine("linker", "db")).isEqualTo(targetIp + "\tdb " + shortId + " target");
        // the name leads to the target (static busybox resolves no names itself: the file's address is used)
        assertThat(ok("exec", "linker", "wget", "-q", "-O", "-", "http://" + targetIp + "/index.html"))
                .isEqualTo("hello-target");
        String env = ok("exec", "linker", "env");
        assertThat(env).contains("DB_NAME=/linker/db", "DB_ENV_FOO=bar", "DB_PORT=tcp://" + targetIp + ":80",
                "DB_PORT_80_TCP=tcp://" + targetIp + ":80", "DB_PORT_80_TCP_ADDR=" + targetIp,
                "DB_PORT_80_TCP_PORT=80", "DB_PORT_80_TCP_PROTO=tcp");
        assertThat(ok("inspect", "--format", "{{json .HostConfig.Links}}", "linker"))
                .isEqualTo("[\"/target:/linker/db\"]");
        assertThat(ok("inspect", "--format", "{{json .HostConfig.Links}}", "target")).isEqualTo("null");
    }

    @Test
    @Order(11)
    void restartsOfEitherEndKeepTheNameOnTheTargetsAddress() throws Exception {
        ok("restart", "-t", "1", "target");
        assertThat(hostsLine("linker", "db")).startsWith(ip("target") + "\tdb ");
        ok("restart", "-t", "1", "linker");
        assertThat(hostsLine("linker", "db")).startsWith(ip("target") + "\tdb ");
    }

    @Test
    @Order(12)
    void aLinkToAMissingOrStoppedContainerIsRefused() throws Exception {
        ProcessRunner.Result missing = docker.run("create", "--link", "nosuch:x", "busybox", "true");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("could not get container for nosuch");
        ok("create", "--name", "idle", "busybox", "true");
        ProcessRunner.Result stopped = docker.run("run", "-d", "--link", "idle:x", "busybox", "sleep", "5");
        assertThat(stopped.exitCode()).isNotZero();
        assertThat(stopped.stderr()).contains("Cannot link to a non running container: /idle AS /");
        ProcessRunner.Result bad = docker.run("create", "--link", "target:x:y", "busybox", "true");
        assertThat(bad.exitCode()).isNotZero();
    }

    @Test
    @Order(13)
    void onAUserNetworkALinkIsANameOnly() throws Exception {
        // a subnet of its own: an address left held by another run's resolver must not get in the way
        ok("network", "create", "--subnet", "10.89.147.0/24", "linknet");
        ok("run", "-d", "--name", "usertarget", "--network", "linknet", "busybox", "sleep", "600");
        ok("run", "-d", "--name", "userlinker", "--network", "linknet", "--link", "usertarget:ut", "busybox",
                "sleep", "600");
        assertThat(hostsLine("userlinker", "ut")).startsWith(ip("usertarget") + "\tut ");
        assertThat(ok("exec", "userlinker", "env")).doesNotContain("UT_NAME");
    }

    @Test
    @Order(14)
    void composeLinksNameTheLinkedService() throws Exception {
        Path project = Files.createTempDirectory(root, "compose");
        Files.writeString(project.resolve("docker-compose.yml"), """
                version: "3"
                services:
                  db:
                    image: busybox
                    command: ["sleep", "300"]
                  app:
                    image: busybox
                    command: ["sleep", "300"]
                    links: ["db:database"]
                """);
        Map<String, String> env = Map.of("DOCKER_CONFIG", project.toString(), "DOCKER_HOST", daemon.dockerHost());
        List<String> compose = List.of("env", "-u", "DOCKER_CONTEXT", "docker-compose", "-p", "jpodlinks", "-f",
                project.resolve("docker-compose.yml").toString());
        try {
            List<String> up = new ArrayList<>(compose);
            up.addAll(List.of("up", "-d"));
            ProcessRunner.Result r = ProcessRunner.run(up, env, Duration.ofSeconds(120));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(hostsLine("jpodlinks_app_1", "database")).startsWith(ip("jpodlinks_db_1") + "\tdatabase ");
        } finally {
            List<String> down = new ArrayList<>(compose);
            down.addAll(List.of("down", "-t", "1"));
            ProcessRunner.Result r = ProcessRunner.run(down, env, Duration.ofSeconds(120));
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        }
    }

    @Test
    @Order(20)
    void linksSurviveADaemonRestart() throws Exception {
        daemon.close();
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        assertThat(ok("inspect", "--format", "{{json .HostConfig.Links}}", "linker"))
                .isEqualTo("[\"/target:/linker/db\"]");
        ok("restart", "-t", "1", "target", "linker");
        assertThat(hostsLine("linker", "db")).startsWith(ip("target") + "\tdb ");
    }

    static void waitForLog(String container, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ok("logs", container).contains(text)) {
            assertThat(System.nanoTime()).as("waiting for " + text).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
