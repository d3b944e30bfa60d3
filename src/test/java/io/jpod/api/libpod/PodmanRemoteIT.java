package io.jpod.api.libpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** podman 4.3.1's remote client ({@code podman --remote --url unix://...}) against a real jpod daemon. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanRemoteIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-podman-remote");
        daemon = TestDaemon.start(root);
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        // the client reads containers.conf for its defaults: an empty one keeps the host's out of the test
        Files.writeString(root.resolve("containers.conf"), "");
    }

    @AfterAll
    static void stop() throws Exception {
        podman.run("pod", "rm", "-f", "web-pod");
        podman.run("rm", "-f", "web", "web2", "c1", "lg", "ex");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return podman.ok(args);
    }

    static ProcessRunner.Result fails(String... args) throws Exception {
        return podman.fails(args);
    }

    @Test
    @Order(1)
    void versionAndInfo() throws Exception {
        assertThat(ok("version", "--format", "{{.Server.APIVersion}}")).isEqualTo("4.3.1");
        assertThat(ok("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}"))
                .isEqualTo("runc overlay");
    }

    @Test
    @Order(2)
    void importInspectAndList() throws Exception {
        assertThat(ok("import", "--change", "CMD [\"sh\"]", "-m", "from the test", root.resolve("rootfs.tar").toString(),
                "localhost/busybox:latest")).startsWith("sha256:");
        assertThat(ok("images", "--format", "{{.Repository}}:{{.Tag}}")).contains("localhost/busybox:latest");
        assertThat(ok("image", "inspect", "--format", "{{.Config.Cmd}} {{.Os}}", "localhost/busybox"))
                .isEqualTo("[sh] linux");
        assertThat(ok("history", "--format", "{{.Comment}}", "localhost/busybox")).contains("from the test");
        assertThat(podman.run("image", "exists", "localhost/busybox").exitCode()).isZero();
        assertThat(podman.run("image", "exists", "localhost/nothing").exitCode()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void runRemovesAndPropagatesOutputAndExitCode() throws Exception {
        assertThat(ok("run", "--rm", "localhost/busybox", "echo", "hi")).isEqualTo("hi");
        ProcessRunner.Result r = podman.run("run", "--rm", "localhost/busybox", "sh", "-c",
                "echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout().strip()).isEqualTo("out");
        assertThat(r.stderr()).contains("err");
        assertThat(ok("ps", "-a", "-q")).isEmpty();
        assertThat(fails("run", "--rm", "localhost/busybox", "nosuchcommand").exitCode()).isEqualTo(127);
    }

    @Test
    @Order(4)
    void detachedWithOptionsThenLogsTopPauseStopAndRemove() throws Exception {
        String id = ok("run", "-d", "--name", "web", "-e", "FOO=bar", "-w", "/tmp", "-u", "65534", "-l", "tier=front",
                "localhost/busybox", "sh", "-c",
                "trap 'exit 7' TERM; echo $FOO $(pwd) $(id -u); echo oops >&2; while true; do sleep 0.1; done");
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(ok("ps", "--filter", "label=tier=front", "--filter", "status=running", "--format", "{{.Names}}"))
                .isEqualTo("web");
        assertThat(ok("ps", "--filter", "name=nomatch", "-q")).isEmpty();
        Thread.sleep(500);
        ProcessRunner.Result logs = podman.run("logs", "web");
        assertThat(logs.stdout().strip()).isEqualTo("bar /tmp 65534");
        assertThat(logs.stderr().strip()).isEqualTo("oops");
        assertThat(ok("logs", "--tail", "1", "-t", "web")).isEmpty();
        assertThat(ok("top", "web")).contains("sh -c trap");
        ok("pause", "web");
        assertThat(ok("inspect", "--format", "{{.State.Status}}", "web")).isEqualTo("paused");
        ok("unpause", "web");
        assertThat(ok("stop", "-t", "1", "web")).isEqualTo("web");
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "web")).isEqualTo("exited 7");
        assertThat(ok("wait", "web")).isEqualTo("7");
        ok("rename", "web", "web2");
        assertThat(ok("ps", "-a", "--format", "{{.Names}} {{.Labels}}")).contains("web2 map[tier:front]");
        assertThat(ok("rm", "web2")).isEqualTo("web2");
        assertThat(podman.run("container", "exists", "web2").exitCode()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void createStartWaitConflictsAndKill() throws Exception {
        ok("create", "--name", "c1", "localhost/busybox", "sleep", "300");
        ProcessRunner.Result dup = fails("create", "--name", "c1", "localhost/busybox");
        assertThat(dup.stderr()).contains("c1").contains("in use");
        ok("start", "c1");
        assertThat(fails("rm", "c1").stderr()).contains("running");
        ok("restart", "-t", "1", "c1");
        assertThat(ok("inspect", "--format", "{{.State.Running}} {{.RestartCount}}", "c1")).startsWith("true");
        ok("kill", "-s", "KILL", "c1");
        assertThat(ok("wait", "c1")).isEqualTo("137");
        String id = ok("inspect", "--format", "{{.Id}}", "c1");
        assertThat(ok("container", "prune", "-f")).contains(id);
        assertThat(podman.run("container", "exists", "c1").exitCode()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void followedLogsEndWithTheContainer() throws Exception {
        ok("run", "-d", "--name", "lg", "localhost/busybox", "sh", "-c", "echo one; sleep 1; echo two");
        assertThat(ok("logs", "-f", "lg")).isEqualTo("one\ntwo");
        assertThat(ok("logs", "--since", "2100-01-01T00:00:00Z", "lg")).isEmpty();
        assertThat(ok("logs", "--until", "2100-01-01T00:00:00Z", "lg")).isEqualTo("one\ntwo");
        ok("rm", "lg");
    }

    @Test
    @Order(7)
    void tagUntagLoadAndRemoveImages() throws Exception {
        ok("tag", "localhost/busybox", "localhost/copy:1");
        assertThat(ok("images", "--format", "{{.Repository}}:{{.Tag}}")).contains("localhost/copy:1");
        assertThat(ok("rmi", "localhost/copy:1")).contains("Untagged: localhost/copy:1");
        assertThat(ok("image", "exists", "localhost/busybox")).isEmpty();
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
        assertThat(ok("load", "-i", root.resolve("saved.tar").toString())).contains("localhost/loaded:1");
        assertThat(ok("run", "--rm", "localhost/loaded:1")).isEqualTo("loaded");
        assertThat(ok("rmi", "localhost/loaded:1")).contains("Deleted:");
        ProcessRunner.Result missing = fails("rmi", "localhost/loaded:1");
        assertThat(missing.stderr()).contains("image not known");
    }

    @Test
    @Order(8)
    void terminalAndStdin() throws Exception {
        assertThat(ok("run", "--rm", "-t", "localhost/busybox", "tty")).isEqualTo("/dev/pts/0");
        Path input = root.resolve("input.txt");
        Files.writeString(input, "one\ntwo\nthree\n");
        ProcessRunner.Result piped = ProcessRunner.run(List.of("podman", "--remote", "--url",
                daemon.dockerHost(), "run", "--rm", "-i", "localhost/busybox", "sh", "-c",
                "tail -n 1; exit 5"), Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString()), input,
                Duration.ofSeconds(60));
        assertThat(piped.exitCode()).isEqualTo(5);
        assertThat(piped.stdout().strip()).isEqualTo("three");
    }

    @Test
    @Order(9)
    void volumes() throws Exception {
        assertThat(ok("volume", "create", "--label", "a=b", "pv")).isEqualTo("pv");
        assertThat(ok("volume", "inspect", "--format", "{{.Labels}} {{.Driver}}", "pv")).isEqualTo("map[a:b] local");
        assertThat(podman.run("volume", "exists", "pv").exitCode()).isZero();
        ok("run", "--rm", "-v", "pv:/data", "localhost/busybox", "sh", "-c", "echo kept > /data/f");
        assertThat(ok("run", "--rm", "-v", "pv:/data:ro", "localhost/busybox", "cat", "/data/f")).isEqualTo("kept");
        Path host = Files.createDirectories(root.resolve("bind"));
        Files.writeString(host.resolve("h.txt"), "host file");
        assertThat(ok("run", "--rm", "-v", host + ":/h:ro", "localhost/busybox", "cat", "/h/h.txt"))
                .isEqualTo("host file");
        assertThat(ok("run", "--rm", "--tmpfs", "/t", "localhost/busybox", "sh", "-c", "mount | grep ' /t '"))
                .contains("tmpfs");
        ok("run", "--name", "withanon", "-v", "/anon", "localhost/busybox", "true");
        assertThat(ok("inspect", "--format", "{{range .Mounts}}{{.Type}}:{{.Destination}}{{end}}", "withanon"))
                .isEqualTo("volume:/anon");
        ok("rm", "-v", "withanon");
        assertThat(ok("volume", "ls", "--format", "{{.Name}}")).isEqualTo("pv");
        ok("volume", "rm", "pv");
        ok("volume", "create", "spare");
        assertThat(ok("volume", "prune", "-f")).contains("spare");
        assertThat(ok("volume", "ls", "-q")).isEmpty();
    }

    @Test
    @Order(10)
    void eventsInPodmansWords() throws Exception {
        ProcessRunner.Result r = podman.run("run", "--rm", "--name", "evented", "localhost/busybox", "sh", "-c",
                "exit 5");
        assertThat(r.exitCode()).isEqualTo(5);
        String events = "";
        for (int i = 0; i < 50 && !events.contains("remove"); i++, Thread.sleep(100)) {
            events = ok("events", "--stream=false", "--since", "5m", "--filter", "container=evented",
                    "--format", "{{.Status}} {{.Name}} {{.ContainerExitCode}}");
        }
        assertThat(events.lines().toList()).containsSubsequence("create evented 0", "start evented 0",
                "died evented 5", "remove evented 0");
    }

    @Test
    @Order(10)
    void exec() throws Exception {
        ok("run", "-d", "--name", "ex", "localhost/busybox", "sleep", "300");
        assertThat(ok("exec", "ex", "echo", "hi")).isEqualTo("hi");
        assertThat(podman.run("exec", "ex", "sh", "-c", "exit 4").exitCode()).isEqualTo(4);
        assertThat(ok("exec", "-e", "X=y", "-w", "/tmp", "ex", "sh", "-c", "echo $X $(pwd)")).isEqualTo("y /tmp");
        assertThat(ok("exec", "-t", "ex", "tty")).isEqualTo("/dev/pts/0");
        assertThat(podman.run("exec", "ex", "/no/such/program").exitCode()).isEqualTo(127);
        ok("rm", "-f", "ex");
    }

    @Test
    @Order(11)
    void aPodSharesLocalhostAndTheHostname() throws Exception {
        String id = ok("pod", "create", "--name", "web-pod", "--label", "app=web");
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(ok("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"))
                .isEqualTo("web-pod Created 1");
        // one container serves on the pod's localhost, another fetches from it
        ok("run", "-d", "--pod", "web-pod", "--name", "server", "localhost/busybox", "sh", "-c",
                "echo served > /tmp/index.html; echo pod > /dev/shm/note; exec httpd -f -p 8080 -h /tmp");
        Thread.sleep(300);
        // the infra's IPC namespace comes with its /dev/shm
        assertThat(ok("run", "--rm", "--pod", "web-pod", "localhost/busybox", "cat", "/dev/shm/note"))
                .isEqualTo("pod");
        assertThat(ok("run", "--rm", "--pod", "web-pod", "localhost/busybox", "wget", "-q", "-O", "-",
                "http://127.0.0.1:8080/index.html")).isEqualTo("served");
        assertThat(ok("run", "--rm", "--pod", "web-pod", "localhost/busybox", "hostname")).isEqualTo("web-pod");
        assertThat(ok("pod", "inspect", "--format", "{{.State}} {{.NumContainers}}", "web-pod")).isEqualTo("Running 2");
        assertThat(ok("ps", "--pod", "--filter", "name=server", "--format", "{{.PodName}}")).isEqualTo("web-pod");
        assertThat(ok("pod", "top", "web-pod")).contains("catatonit").contains("httpd");
        String infra = ok("pod", "inspect", "--format", "{{.InfraContainerID}}", "web-pod");
        assertThat(fails("rm", "-f", infra).stderr()).contains("infra container");
        assertThat(fails("pod", "rm", "web-pod").stderr()).contains("running");
    }

    @Test
    @Order(12)
    void podLifecycleAcrossADaemonRestart() throws Exception {
        ok("pod", "stop", "-t", "1", "web-pod");
        assertThat(ok("pod", "ps", "--format", "{{.Status}}")).isEqualTo("Exited");
        ok("pod", "start", "web-pod");
        assertThat(ok("pod", "ps", "--format", "{{.Status}}")).isEqualTo("Running");
        ok("pod", "pause", "web-pod");
        assertThat(ok("pod", "ps", "--format", "{{.Status}}")).isEqualTo("Paused");
        ok("pod", "unpause", "web-pod");
        // the pod keeps running while the daemon restarts, and is still managed after
        daemon.close();
        daemon = TestDaemon.start(root);
        podman = CliClient.podman(daemon, root);
        assertThat(ok("pod", "ps", "--format", "{{.Name}} {{.Status}}")).isEqualTo("web-pod Running");
        Thread.sleep(300);
        assertThat(ok("run", "--rm", "--pod", "web-pod", "localhost/busybox", "wget", "-q", "-O", "-",
                "http://127.0.0.1:8080/index.html")).isEqualTo("served");
        ok("pod", "rm", "-f", "web-pod");
        assertThat(ok("pod", "ps", "-q")).isEmpty();
        assertThat(ok("ps", "-a", "--format", "{{.Names}}")).doesNotContain("server").doesNotContain("infra");
        ok("pod", "create", "--name", "idle", "--infra=false");
        assertThat(ok("pod", "inspect", "--format", "{{.InfraContainerID}}|{{.SharedNamespaces}}", "idle"))
                .isEqualTo("|[]");
        assertThat(ok("pod", "prune", "-f")).isNotEmpty();
        assertThat(ok("pod", "ps", "-q")).isEmpty();
    }

    @Test
    @Order(13)
    void kubeYamlRoundTrip() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ok("pod", "create", "--name", "kube-pod", "-p", "127.0.0.1:" + port + ":8080");
        ok("volume", "create", "kvol");
        ok("run", "-d", "--pod", "kube-pod", "--name", "srv", "-e", "GREETING=hello", "-w", "/tmp", "-v", "kvol:/data",
                "localhost/busybox", "sh", "-c", "echo $GREETING > /tmp/index.html; exec httpd -f -p 8080 -h /tmp");
        String yaml = ok("generate", "kube", "kube-pod");
        assertThat(yaml).contains("kind: Pod").contains("name: kube-pod").contains("containerPort: 8080")
                .contains("hostPort: " + port).contains("claimName: kvol").contains("name: GREETING");
        Path file = root.resolve("kube-pod.yaml");
        Files.writeString(file, yaml);
        String before = ok("inspect", "--format", "{{json .Config.Cmd}} {{.Config.WorkingDir}}", "srv");
        ok("pod", "rm", "-f", "kube-pod");
        // played back: the same pod, container (named <pod>-<container>, as podman does), command and port
        ok("play", "kube", file.toString());
        assertThat(ok("pod", "ps", "--format", "{{.Name}} {{.Status}}")).isEqualTo("kube-pod Running");
        assertThat(ok("inspect", "--format", "{{json .Config.Cmd}} {{.Config.WorkingDir}}", "kube-pod-srv"))
                .isEqualTo(before);
        assertThat(ok("port", "--all")).contains("8080/tcp -> 127.0.0.1:" + port);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = "";
        for (int i = 0; i < 20 && !body.equals("hello"); i++) {
            Thread.sleep(250);
            try {
                body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/index.html")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (java.io.IOException notYet) {
                // httpd is starting
            }
        }
        assertThat(body).isEqualTo("hello");
        ok("play", "kube", "--down", file.toString());
        assertThat(ok("pod", "ps", "-q")).isEmpty();
        ok("volume", "rm", "kvol");
        Files.writeString(root.resolve("bad.yaml"), "kind: Service\nmetadata: {name: x}\n");
        assertThat(fails("play", "kube", root.resolve("bad.yaml").toString()).stderr()).contains("not supported");
    }

    @Test
    @Order(13)
    void kubeResourcesBecomeContainerLimits() throws Exception {
        Path file = root.resolve("limited.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Pod
                metadata: {name: limited}
                spec:
                  containers:
                  - name: app
                    image: localhost/busybox
                    command: ["sleep", "300"]
                    resources:
                      limits: {memory: 64Mi, cpu: 500m}
                      requests: {memory: 32Mi, cpu: 250m}
                """);
        ok("play", "kube", file.toString());
        try {
            String id = ok("inspect", "--format", "{{.Id}}", "limited-app");
            Path memory = Path.of("/sys/fs/cgroup/memory/jpod_parent/jpod-" + id);
            Path cpu = Path.of("/sys/fs/cgroup/cpu/jpod_parent/jpod-" + id);
            assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo("67108864");
            assertThat(Files.readString(memory.resolve("memory.soft_limit_in_bytes")).strip()).isEqualTo("33554432");
            assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("50000");
            assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()).isEqualTo("100000");
            assertThat(Files.readString(cpu.resolve("cpu.shares")).strip()).isEqualTo("256");
            assertThat(ok("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}}", "limited-app"))
                    .isEqualTo("67108864 50000");
        } finally {
            ok("play", "kube", "--down", file.toString());
        }
        Files.writeString(root.resolve("gpu.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: gpu}
                spec:
                  containers:
                  - name: app
                    image: localhost/busybox
                    resources: {limits: {nvidia.com/gpu: 1}}
                """);
        assertThat(fails("play", "kube", root.resolve("gpu.yaml").toString()).stderr())
                .contains("nvidia.com/gpu cannot be honoured");
    }

    @Test
    @Order(14)
    void unsupportedFeaturesFailClearly() throws Exception {
        assertThat(fails("run", "--device-cgroup-rule", "c 1:3 r", "localhost/busybox", "true").stderr())
                .contains("device_cgroup_rule").contains("not supported yet");
        // localhost/ names never leave the machine: a pull of one that is not here says so
        assertThat(fails("pull", "localhost/nothing:1").stderr()).contains("localhost images are never pulled");
        assertThat(fails("start", "nosuch").stderr()).contains("no such container");
    }
}
