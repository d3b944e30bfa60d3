package io.jpod.api.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/** The stock docker CLI against a real jpod daemon on loopback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerCliIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-docker-docker");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        // the same helper the README uses to make an image without a registry
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "web", "c1", "logger", "frozen", "renamed", "survivor", "follower", "streamer", "quitter", "flaky", "steady", "holder", "execd");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    @Test
    @Order(1)
    void versionNegotiatesTheApi() throws Exception {
        assertThat(ok("version", "--format", "{{.Server.APIVersion}}")).isEqualTo("1.41");
        assertThat(ok("info", "--format", "{{.Driver}}")).isEqualTo("overlay");
        assertThat(ok("info", "--format", "{{json .SecurityOptions}}")).contains("name=seccomp,profile=default");
    }

    @Test
    @Order(2)
    void importAndListAnImage() throws Exception {
        assertThat(ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox"))
                .startsWith("sha256:");
        assertThat(ok("images", "--format", "{{.Repository}}:{{.Tag}}")).contains("busybox:latest");
        assertThat(ok("image", "inspect", "--format", "{{json .Config.Cmd}}", "busybox")).isEqualTo("[\"sh\"]");
    }

    @Test
    @Order(3)
    void runRemovesAndPropagatesOutputAndExitCode() throws Exception {
        assertThat(ok("run", "--rm", "busybox", "echo", "hi")).isEqualTo("hi");
        ProcessRunner.Result r = docker.run("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout().strip()).isEqualTo("out");
        assertThat(r.stderr()).contains("err");
        assertThat(ok("ps", "-a", "-q")).isEmpty();
    }

    @Test
    @Order(3)
    void terminalAndStdin() throws Exception {
        // -t: the process gets a terminal and its output comes raw (no stream frames, CRLF line ends)
        assertThat(ok("run", "--rm", "-t", "busybox", "tty")).isEqualTo("/dev/pts/0");
        assertThat(docker.run("run", "--rm", "-t", "busybox", "sh", "-c", "printf 'a\\nb'").stdout())
                .isEqualTo("a\r\nb");
        // -i: the client's input is the container's stdin; its end closes stdin
        Path input = root.resolve("input.txt");
        Files.writeString(input, "hello\nstdin\n");
        ProcessRunner.Result piped = docker.run(input, "run", "--rm", "-i", "busybox", "sh", "-c", "wc -l; exit 4");
        assertThat(piped.exitCode()).isEqualTo(4);
        assertThat(piped.stdout().strip()).isEqualTo("2");
    }

    @Test
    @Order(4)
    void envWorkdirAndUserOptions() throws Exception {
        assertThat(ok("run", "--rm", "-e", "FOO=bar", "-w", "/tmp", "-u", "nobody", "busybox", "sh", "-c",
                "echo $FOO $(pwd) $(id -u)")).isEqualTo("bar /tmp 65534");
        // the host's default seccomp profile filters the container's system calls (mode 2 = filter)
        assertThat(ok("run", "--rm", "busybox", "grep", "^Seccomp:", "/proc/self/status")).isEqualTo("Seccomp:\t2");
    }

    @Test
    @Order(5)
    void detachedPsLogsStopRm() throws Exception {
        String id = ok("run", "-d", "--name", "web", "busybox", "sh", "-c",
                "echo started; trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done");
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(ok("ps", "--format", "{{.Names}} {{.Status}}")).startsWith("web Up");
        Thread.sleep(500);
        assertThat(ok("logs", "web")).isEqualTo("started");
        assertThat(ok("stop", "-t", "-1", "web")).isEqualTo("web"); // -1: wait as long as the trap takes
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "web")).isEqualTo("exited 0");
        assertThat(ok("logs", "web")).isEqualTo("started\nbye");
        assertThat(ok("rm", "web")).isEqualTo("web");
        assertThat(docker.run("inspect", "web").exitCode()).isNotZero();
    }

    @Test
    @Order(6)
    void createThenStartAttachedAndNameConflicts() throws Exception {
        ok("create", "--name", "c1", "busybox", "echo", "created");
        assertThat(ok("start", "-a", "c1")).isEqualTo("created");
        ProcessRunner.Result dup = docker.run("create", "--name", "c1", "busybox");
        assertThat(dup.exitCode()).isNotZero();
        assertThat(dup.stderr()).contains("c1").contains("in use");
        // not built yet: refused with a clear message rather than silently ignored
        ProcessRunner.Result ports = docker.run("create", "-P", "busybox");
        assertThat(ports.exitCode()).isNotZero();
        assertThat(ports.stderr()).contains("PublishAllPorts (-P) is not supported yet");
        assertThat(ok("rm", "c1")).isEqualTo("c1");
    }

    @Test
    @Order(7)
    void killWaitAndRestart() throws Exception {
        ok("run", "-d", "--name", "logger", "busybox", "sleep", "1000");
        ok("kill", "logger");
        assertThat(ok("wait", "logger")).isEqualTo("137");
        ok("restart", "-t", "1", "logger");
        assertThat(ok("inspect", "--format", "{{.State.Running}}", "logger")).isEqualTo("true");
        ok("rm", "-f", "logger");
        assertThat(docker.run("run", "--rm", "nosuchimage").exitCode()).isNotZero();
    }

    @Test
    @Order(8)
    void pauseUnpauseTopRenameAndPrune() throws Exception {
        ok("run", "-d", "--name", "frozen", "busybox", "sleep", "1000");
        ok("pause", "frozen");
        assertThat(ok("inspect", "--format", "{{.State.Status}}", "frozen")).isEqualTo("paused");
        assertThat(ok("ps", "--format", "{{.Status}}", "--filter", "name=frozen")).endsWith("(Paused)");
        ok("unpause", "frozen");
        assertThat(ok("inspect", "--format", "{{.State.Status}}", "frozen")).isEqualTo("running");
        assertThat(ok("top", "frozen")).contains("sleep 1000");
        ok("rename", "frozen", "renamed");
        assertThat(ok("inspect", "--format", "{{.Name}}", "renamed")).isEqualTo("/renamed");
        ok("rm", "-f", "renamed");
        ok("create", "--name", "leftover", "busybox", "true");
        assertThat(ok("container", "prune", "-f")).contains("Deleted Containers");
        assertThat(docker.run("inspect", "leftover").exitCode()).isNotZero();
    }

    @Test
    @Order(9)
    void loadADockerSaveArchive() throws Exception {
        byte[] layer = TarBuilder.busyboxRootfs();
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        var config = json.createObjectNode().put("architecture", "amd64").put("os", "linux")
                .put("created", "2024-01-01T00:00:00Z");
        config.putObject("config").putArray("Cmd").add("echo").add("loaded");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(TarBuilder.sha256(layer));
        var entry = json.createObjectNode().put("Config", "config.json");
        entry.putArray("RepoTags").add("localhost/loaded:1");
        entry.putArray("Layers").add("layer/layer.tar");
        byte[] archive = new TarBuilder().file("layer/layer.tar", 0644, layer)
                .file("config.json", 0644, json.writeValueAsBytes(config))
                .file("manifest.json", 0644, json.writeValueAsBytes(json.createArrayNode().add(entry))).build();
        Files.write(root.resolve("saved.tar"), archive);
        assertThat(ok("load", "-i", root.resolve("saved.tar").toString())).contains("Loaded image: localhost/loaded:1");
        assertThat(ok("run", "--rm", "localhost/loaded:1")).isEqualTo("loaded");
    }

    @Test
    @Order(10)
    void aContainerKeepsRunningAcrossADaemonRestart() throws Exception {
        ok("run", "-d", "--name", "survivor", "busybox", "sleep", "1000");
        ok("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 1; exit 4");
        daemon.close();
        Thread.sleep(2000); // quitter exits while no daemon runs
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        assertThat(ok("ps", "--format", "{{.Names}} {{.Status}}")).startsWith("survivor Up");
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "quitter")).isEqualTo("exited 4");
        ok("rm", "quitter");
        assertThat(ok("stop", "-t", "1", "survivor")).isEqualTo("survivor");
        assertThat(ok("inspect", "--format", "{{.State.ExitCode}}", "survivor")).isEqualTo("137");
    }

    @Test
    @Order(11)
    void followedLogsArriveWhileTheContainerRuns() throws Exception {
        ok("run", "-d", "--name", "streamer", "busybox", "sh", "-c",
                "trap 'exit 0' TERM; echo first; while true; do sleep 0.2; done");
        Process follow = new ProcessBuilder("docker", "-H", daemon.dockerHost(), "logs", "-f",
                "streamer").redirectErrorStream(true).start();
        follow.getOutputStream().close();
        try {
            // the line comes while the container still runs: the stream is flushed as it is written
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new java.io.BufferedReader(new java.io.InputStreamReader(follow.getInputStream()))
                            .readLine();
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertThat(first.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(follow.isAlive()).isTrue();
        } finally {
            follow.destroy();
            ok("rm", "-f", "streamer");
        }
    }

    @Test
    @Order(11)
    void eventsReportTheLifecycle() throws Exception {
        long since = java.time.Instant.now().getEpochSecond() - 1;
        ProcessRunner.Result r = docker.run("run", "--rm", "--name", "evented", "busybox", "sh", "-c", "exit 2");
        assertThat(r.exitCode()).isEqualTo(2);
        // the auto-removal ends a moment after the client has its exit code
        String events = "";
        for (int i = 0; i < 50 && !events.contains("remove"); i++, Thread.sleep(100)) {
            events = ok("events", "--since", Long.toString(since), "--until", "0s", "--filter", "container=evented",
                    "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}");
        }
        assertThat(events.lines().toList()).containsSubsequence("container create evented <no value>",
                "container start evented <no value>", "container die evented 2", "container remove evented <no value>");
        ok("volume", "create", "evvol");
        ok("volume", "rm", "evvol");
        Thread.sleep(1100); // the CLI sends "--until 0s" as whole seconds: let that second pass
        assertThat(ok("events", "--since", Long.toString(since), "--until", "0s", "--filter", "type=volume",
                "--format", "{{.Action}} {{.Actor.ID}}")).isEqualTo("create evvol\nremove evvol");
    }

    @Test
    @Order(11)
    void logsFollowTailAndTimestamps() throws Exception {
        ok("run", "-d", "--name", "follower", "busybox", "sh", "-c",
                "for i in 1 2 3; do echo line$i; sleep 0.3; done");
        // follow returns once the container has exited, with every line
        assertThat(ok("logs", "-f", "follower")).isEqualTo("line1\nline2\nline3");
        assertThat(ok("logs", "--tail", "1", "follower")).isEqualTo("line3");
        assertThat(ok("logs", "-t", "--tail", "1", "follower")).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ line3");
        // --since and --until are inclusive bounds; the CLI sends them as seconds.nanoseconds
        String second = ok("logs", "-t", "follower").split("\n")[1].split(" ")[0];
        assertThat(ok("logs", "--since", second, "follower")).isEqualTo("line2\nline3");
        assertThat(ok("logs", "--until", second, "follower")).isEqualTo("line1\nline2");
        assertThat(ok("logs", "--since", "2100-01-01T00:00:00Z", "follower")).isEmpty();
        ProcessRunner.Result missing = docker.run("run", "--rm", "busybox", "/no/such/program");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("/no/such/program");
        ok("rm", "follower");
    }

    @Test
    @Order(12)
    void restartPolicies() throws Exception {
        ok("run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1");
        String state = "";
        for (int i = 0; i < 100 && !state.equals("exited 1 2"); i++) {
            Thread.sleep(100);
            state = ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", "flaky");
        }
        assertThat(state).isEqualTo("exited 1 2");
        assertThat(ok("inspect", "--format", "{{.HostConfig.RestartPolicy.Name}} "
                + "{{.HostConfig.RestartPolicy.MaximumRetryCount}}", "flaky")).isEqualTo("on-failure 2");
        // a container stopped by its user stays stopped
        ok("run", "-d", "--name", "steady", "--restart", "always", "busybox", "sleep", "1000");
        ok("stop", "-t", "1", "steady");
        Thread.sleep(500);
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "steady")).isEqualTo("exited 0");
        ProcessRunner.Result bad = docker.run("create", "--restart", "sometimes", "busybox");
        assertThat(bad.exitCode()).isNotZero();
        ok("rm", "-f", "flaky", "steady");
    }

    @Test
    @Order(13)
    void namedVolumesBindsAndTmpfs() throws Exception {
        ok("volume", "create", "--label", "tier=db", "data");
        assertThat(ok("volume", "ls", "--filter", "label=tier=db", "--format", "{{.Name}}")).isEqualTo("data");
        // a file written through a named volume outlives the container and is seen by the next one
        ok("run", "--rm", "-v", "data:/data", "busybox", "sh", "-c", "echo kept > /data/f");
        assertThat(ok("run", "--rm", "-v", "data:/data:ro", "busybox", "cat", "/data/f")).isEqualTo("kept");
        ProcessRunner.Result readOnly = docker.run("run", "--rm", "-v", "data:/data:ro", "busybox", "touch", "/data/g");
        assertThat(readOnly.exitCode()).isNotZero();
        assertThat(readOnly.stderr()).contains("Read-only file system");
        // a volume mounted first over image content gets a copy of it
        assertThat(ok("run", "--rm", "-v", "etc:/etc", "busybox", "cat", "/etc/passwd")).contains("root:");
        // binds and tmpfs
        Path host = Files.createDirectories(root.resolve("bind"));
        Files.writeString(host.resolve("h.txt"), "from the host");
        assertThat(ok("run", "--rm", "-v", host + ":/h:ro", "busybox", "cat", "/h/h.txt")).isEqualTo("from the host");
        assertThat(ok("run", "--rm", "--mount", "type=bind,source=" + host + ",target=/m", "busybox", "sh", "-c",
                "echo back > /m/out.txt; cat /m/h.txt")).isEqualTo("from the host");
        assertThat(Files.readString(host.resolve("out.txt")).strip()).isEqualTo("back");
        assertThat(ok("run", "--rm", "--tmpfs", "/scratch:size=1m", "busybox", "sh", "-c", "mount | grep /scratch"))
                .contains("tmpfs on /scratch type tmpfs").contains("size=1024k");
        // in use: refused; then removed; bad names and missing bind sources are clear errors
        ok("run", "-d", "--name", "holder", "-v", "data:/data", "busybox", "sleep", "300");
        assertThat(docker.run("volume", "rm", "data").stderr()).contains("being used");
        ok("rm", "-f", "holder");
        assertThat(ok("volume", "rm", "data")).isEqualTo("data");
        assertThat(docker.run("volume", "inspect", "data").exitCode()).isNotZero();
        assertThat(docker.run("volume", "create", "../escape").stderr()).contains("invalid volume name");
        assertThat(docker.run("run", "--rm", "-v", "/no/such/dir:/x", "busybox", "true").stderr())
                .contains("does not exist");
        ok("volume", "rm", "etc");
    }

    @Test
    @Order(14)
    void anonymousVolumesGoWithRmV() throws Exception {
        int before = ok("volume", "ls", "-q").lines().toList().size();
        ok("run", "--name", "anon", "-v", "/scratch", "busybox", "sh", "-c", "echo x > /scratch/x");
        String name = ok("inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", "anon");
        assertThat(name).matches("[0-9a-f]{64}");
        assertThat(ok("volume", "ls", "-q")).contains(name);
        ok("rm", "-v", "anon");
        assertThat(ok("volume", "ls", "-q").lines().toList()).hasSize(before).doesNotContain(name);
        ok("volume", "create", "unused");
        assertThat(ok("volume", "prune", "-f")).contains("unused");
    }

    @Test
    @Order(15)
    void execRunsBesideTheMainProcess() throws Exception {
        ok("run", "-d", "--name", "execd", "-e", "BASE=1", "busybox", "sleep", "300");
        assertThat(ok("exec", "execd", "echo", "hi")).isEqualTo("hi");
        ProcessRunner.Result failing = docker.run("exec", "execd", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(failing.exitCode()).isEqualTo(3);
        assertThat(failing.stdout().strip()).isEqualTo("out");
        assertThat(failing.stderr()).contains("err");
        assertThat(ok("exec", "-e", "FOO=bar", "-w", "/tmp", "-u", "nobody", "execd", "sh", "-c",
                "echo $BASE $FOO $(pwd) $(id -u)")).isEqualTo("1 bar /tmp 65534");
        assertThat(ok("exec", "-t", "execd", "tty")).isEqualTo("/dev/pts/0");
        Path input = root.resolve("exec-input.txt");
        Files.writeString(input, "a\nb\nc\n");
        ProcessRunner.Result piped = docker.run(input, "exec", "-i", "execd", "wc", "-l");
        assertThat(piped.stdout().strip()).isEqualTo("3");
        ok("exec", "-d", "execd", "sh", "-c", "echo later > /tmp/detached");
        Thread.sleep(500);
        assertThat(ok("exec", "execd", "cat", "/tmp/detached")).isEqualTo("later");
        ProcessRunner.Result missing = docker.run("exec", "execd", "/no/such/program");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).contains("/no/such/program");
        ok("stop", "-t", "0", "execd");
        assertThat(docker.run("exec", "execd", "true").stderr()).contains("not running");
        ok("rm", "execd");
    }
}
