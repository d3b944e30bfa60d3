package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker cp, export, diff and commit through the stock clients (docker CLI, podman's remote client,
 * Testcontainers), on running and stopped containers, with volumes, symbolic links and escapes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerFilesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;
    static Path host;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-files");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
        // what an escape would reach on the host: a directory with a secret, outside every container
        host = Files.createTempDirectory("jpod-files-host");
        Files.writeString(host.resolve("secret"), "host secret\n");
        Path bind = Files.createDirectories(root.resolve("bindsrc"));
        Files.writeString(bind.resolve("bound.txt"), "from the bind source\n");
        ok("run", "-d", "--name", "box", "-v", "filesvol:/data", "-v", bind + ":/opt/bind", "busybox", "sh", "-c",
                "ln -s /etc /etclink; ln -s ../../../../../../.." + host + " /up; "
                        + "ln -s /etc/group /grouplink; echo group-of-the-container > /etc/group; "
                        + "trap 'exit 0' TERM; while true; do sleep 0.1; done");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "box", "fresh", "changer", "pbox", "ro");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
        org.springframework.util.FileSystemUtils.deleteRecursively(host);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    @Order(1)
    void copyIntoARunningContainerAndOutOfAStoppedOne() throws Exception {
        Path src = Files.createDirectories(root.resolve("src"));
        Files.writeString(src.resolve("file.txt"), "one file\n");
        Files.setPosixFilePermissions(src.resolve("file.txt"), PosixFilePermissions.fromString("rwxr-x---"));
        Path dir = Files.createDirectories(src.resolve("dir/sub"));
        Files.writeString(dir.resolve("b.txt"), "deep\n");
        Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        ok("cp", src.resolve("file.txt").toString(), "box:/tmp/");
        ok("cp", src.resolve("dir").toString(), "box:/tmp/dir");
        ok("cp", src.resolve("file.txt").toString(), "box:/data/in-volume.txt");
        assertThat(ok("exec", "box", "sh", "-c", "cat /tmp/file.txt /tmp/dir/sub/b.txt /data/in-volume.txt; "
                + "stat -c %a /tmp/file.txt /tmp/dir")).isEqualTo("one file\ndeep\none file\n750\n711");
        // into a volume: the file is in the volume's own directory on the host
        String volume = ok("volume", "inspect", "--format", "{{.Mountpoint}}", "filesvol");
        assertThat(Path.of(volume, "in-volume.txt")).hasContent("one file");

        ok("stop", "-t", "5", "box");
        Path out = Files.createDirectories(root.resolve("out"));
        ok("cp", "box:/tmp/dir", out.toString());
        ok("cp", "box:/tmp/file.txt", out.resolve("copied.txt").toString());
        ok("cp", "box:/data/in-volume.txt", out.resolve("from-volume.txt").toString());
        assertThat(out.resolve("dir/sub/b.txt")).hasContent("deep");
        assertThat(mode(out.resolve("dir"))).isEqualTo("rwx--x--x");
        assertThat(out.resolve("copied.txt")).hasContent("one file");
        assertThat(mode(out.resolve("copied.txt"))).isEqualTo("rwxr-x---");
        assertThat(out.resolve("from-volume.txt")).hasContent("one file");
        // a directory with a bind mount below it comes with the bind's content, as in Docker
        ok("cp", "box:/opt", out.toString());
        assertThat(out.resolve("opt/bind/bound.txt")).hasContent("from the bind source");
        // the stopped container's root was mounted for the copies only
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
    }

    @Test
    @Order(2)
    void symbolicLinksAsDockerCopiesThem() throws Exception {
        Path out = Files.createDirectories(root.resolve("links"));
        ok("cp", "box:/grouplink", out.toString());
        assertThat(Files.isSymbolicLink(out.resolve("grouplink"))).isTrue();
        assertThat(Files.readSymbolicLink(out.resolve("grouplink")).toString()).isEqualTo("/etc/group");
        // -L follows the link inside the container: the container's file, never the host's /etc/group
        ok("cp", "-L", "box:/grouplink", out.resolve("followed").toString());
        assertThat(out.resolve("followed")).hasContent("group-of-the-container");
        HttpResponse<String> head = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/box/archive?path="
                + enc("/grouplink"))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        JsonNode stat = JSON.readTree(Base64.getDecoder().decode(
                head.headers().firstValue("X-Docker-Container-Path-Stat").orElseThrow()));
        assertThat(stat.get("name").asString()).isEqualTo("grouplink");
        assertThat(stat.get("linkTarget").asString()).isEqualTo("/etc/group");
        assertThat(stat.get("mode").asLong()).isEqualTo((1L << 27) | 0777);
        HttpResponse<String> dirHead = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/box/archive?path="
                + enc("/tmp"))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        JsonNode dirStat = JSON.readTree(Base64.getDecoder().decode(
                dirHead.headers().firstValue("X-Docker-Container-Path-Stat").orElseThrow()));
        assertThat(dirStat.get("mode").asLong() & (1L << 31)).isNotZero();
    }

    @Test
    @Order(3)
    void escapesStayInsideTheContainer() throws Exception {
        Path marker = root.resolve("marker.txt");
        Files.writeString(marker, "written by docker cp\n");
        // /etclink -> /etc: the container's /etc, not the host's
        ok("cp", marker.toString(), "box:/etclink/");
        assertThat(Path.of("/etc/marker.txt")).doesNotExist();
        // /up -> ../../../..<host dir>: resolved in the container, where that directory does not exist
        ProcessRunner.Result in = docker.run("cp", marker.toString(), "box:/up/");
        assertThat(in.exitCode()).isNotZero();
        ProcessRunner.Result outOfIt = docker.run("cp", "box:/up/secret", root.resolve("stolen").toString());
        assertThat(outOfIt.exitCode()).isNotZero();
        assertThat(root.resolve("stolen")).doesNotExist();
        HttpResponse<String> dotdot = daemon.get("/containers/box/archive?path="
                + enc("/../../../../../../.." + host + "/secret"));
        assertThat(dotdot.statusCode()).isEqualTo(404);
        assertThat(dotdot.body()).doesNotContain("host secret");
        // tar entries are resolved the same way: a ".." entry is refused, a link entry leads nowhere on the host
        byte[] evil = new TarBuilder().file("../../../../../../.." + host + "/pwned", "x").build();
        assertThat(put("/tmp", evil).statusCode()).isEqualTo(400);
        byte[] viaLink = new TarBuilder().symlink("hop", host.toString()).file("hop/pwned", "x").build();
        assertThat(put("/tmp", viaLink).statusCode()).isEqualTo(400);
        byte[] viaEtc = new TarBuilder().file("etclink/from-tar", "inside\n").build();
        assertThat(put("/", viaEtc).statusCode()).isEqualTo(200);
        try (var files = Files.list(host)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret");
        }
        assertThat(Path.of("/etc/from-tar")).doesNotExist();
        ok("start", "box");
        assertThat(ok("exec", "box", "cat", "/etc/marker.txt", "/etc/from-tar"))
                .isEqualTo("written by docker cp\ninside");
        // a read-only root and a read-only volume take nothing
        ok("create", "--name", "ro", "--read-only", "-v", "filesvol:/data:ro", "busybox");
        assertThat(docker.run("cp", marker.toString(), "ro:/").exitCode()).isNotZero();
        ProcessRunner.Result roVolume = docker.run("cp", marker.toString(), "ro:/data/");
        assertThat(roVolume.exitCode()).isNotZero();
        assertThat(roVolume.stderr()).contains("read-only");
        assertThat(Path.of(ok("volume", "inspect", "--format", "{{.Mountpoint}}", "filesvol"), "marker.txt"))
                .doesNotExist();
        // a missing destination and a file as destination, as Docker answers them
        assertThat(put("/no/such/dir", new TarBuilder().file("f", "x").build()).statusCode()).isEqualTo(404);
        assertThat(put("/etc/group", new TarBuilder().file("f", "x").build()).statusCode()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void exportHasTheRootWithoutVolumes() throws Exception {
        Path tar = root.resolve("export.tar");
        ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "docker -H " + daemon.dockerHost()
                + " export box > " + tar + " && tar tf " + tar), Map.of("DOCKER_CONFIG",
                root.resolve("docker-config").toString()), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> names = List.of(r.stdout().split("\n"));
        assertThat(names).contains("bin/busybox", "tmp/file.txt", "tmp/dir/sub/b.txt", "etc/marker.txt", "data/");
        assertThat(names).doesNotContain("data/in-volume.txt");
    }

    @Test
    @Order(5)
    void diffShowsAddedChangedDeleted() throws Exception {
        ok("create", "--name", "fresh", "busybox");
        assertThat(ok("diff", "fresh")).isEmpty();
        ok("start", "fresh");
        assertThat(ok("diff", "fresh")).isEmpty();
        ok("run", "--name", "changer", "-v", "/scratch", "busybox", "sh", "-c",
                "echo hi > /f; rm /bin/ls; echo x >> /etc/passwd; echo v > /scratch/v");
        assertThat(ok("diff", "changer").lines()).containsExactly("C /bin", "D /bin/ls", "C /etc/passwd", "A /f");
        JsonNode libpod = JSON.readTree(daemon.get("/libpod/containers/changer/changes").body());
        assertThat(libpod.toString()).contains("{\"Path\":\"/f\",\"Kind\":1}");
    }

    @Test
    @Order(6)
    void commitKeepsTheChangesAndAppliesChanges() throws Exception {
        String id = ok("commit", "--change", "CMD [\"cat\",\"/f\"]", "--change", "ENV GREETING=hello", "-m", "msg",
                "changer", "committed:1");
        assertThat(id).startsWith("sha256:");
        assertThat(ok("run", "--rm", "committed:1")).isEqualTo("hi");
        assertThat(ok("run", "--rm", "committed:1", "sh", "-c", "echo $GREETING; test -e /bin/ls || echo gone"))
                .isEqualTo("hello\ngone");
        assertThat(ok("image", "inspect", "--format", "{{json .Config.Cmd}}", "committed:1"))
                .isEqualTo("[\"cat\",\"/f\"]");
        assertThat(ok("history", "--format", "{{.Comment}}", "committed:1").lines()).first().isEqualTo("msg");
        // the volume's file and the runtime's mount points are not in the image
        assertThat(ok("run", "--rm", "committed:1", "sh", "-c", "ls /scratch | wc -l")).isEqualTo("0");

        // the API's body: the image fields of a container config, under the changes; others refused
        HttpResponse<String> bodied = daemon.send(HttpRequest.newBuilder(daemon.uri(
                "/commit?container=changer&repo=bodied&changes=" + enc("ENV B=2")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"Cmd\":[\"sh\",\"-c\",\"echo $A$B\"],\"Env\":[\"A=1\"],\"Tty\":false}")).build());
        assertThat(bodied.statusCode()).as(bodied.body()).isEqualTo(201);
        assertThat(JSON.readTree(bodied.body()).get("Id").asString()).startsWith("sha256:");
        assertThat(ok("run", "--rm", "bodied")).isEqualTo("12");
        HttpResponse<String> refused = daemon.send(HttpRequest.newBuilder(daemon.uri("/commit?container=changer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}")).build());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Healthcheck");
        HttpResponse<String> squash = daemon.send(HttpRequest.newBuilder(daemon.uri(
                "/libpod/commit?container=changer&squash=true")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(squash.statusCode()).isEqualTo(400);
        assertThat(ok("events", "--since", "0", "--until", "0s", "--filter", "type=container",
                "--format", "{{.Action}} {{.Actor.Attributes.name}}").lines())
                .contains("commit changer", "extract-to-dir box", "archive-path box", "export box");
    }

    @Test
    @Order(7)
    void podmanRemoteCopiesAndCommits() throws Exception {
        podman.ok("cp", root.resolve("src/file.txt").toString(), "box:/tmp/from-podman.txt");
        assertThat(ok("exec", "box", "cat", "/tmp/from-podman.txt")).isEqualTo("one file");
        podman.ok("cp", "box:/tmp/dir", root.resolve("podman-out").toString());
        assertThat(root.resolve("podman-out/sub/b.txt")).hasContent("deep");
        assertThat(podman.ok("diff", "changer").lines()).contains("A /f", "D /bin/ls");
        podman.ok("export", "-o", root.resolve("podman-export.tar").toString(), "changer");
        assertThat(Files.size(root.resolve("podman-export.tar"))).isGreaterThan(100_000);
        String id = podman.ok("commit", "--change", "CMD [\"cat\",\"/f\"]", "changer", "pcommitted");
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(ok("run", "--rm", "--name", "pbox", id)).isEqualTo("hi");
    }

    @Test
    @Order(8)
    void testcontainersCopiesBothWays() throws Exception {
        // in a JVM of its own: Testcontainers binds to one daemon per JVM, and other ITs use other daemons
        Path home = Files.createDirectories(root.resolve("tc-home"));
        Files.writeString(home.resolve(".testcontainers.properties"),
                "docker.host=" + daemon.dockerHost() + "\nchecks.disable=true\n");
        Path in = root.resolve("tc-in.txt");
        Files.writeString(in, "through testcontainers\n");
        Path back = root.resolve("tc-back.txt");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                TestcontainersCopyJvm.class.getName(), "busybox:latest", in.toString(), back.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("tc.log").toFile());
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        pb.environment().remove("DOCKER_HOST");
        pb.environment().put("HOME", home.toString());
        Process child = pb.start();
        boolean ended = child.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String log = Files.readString(root.resolve("tc.log"));
        assertThat(ended && child.exitValue() == 0).as(log.length() > 4000 ? log.substring(log.length() - 4000) : log)
                .isTrue();
        assertThat(back).hasContent("through testcontainers");
    }

    private static HttpResponse<String> put(String path, byte[] tar) throws Exception {
        return daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/box/archive?path=" + enc(path)))
                .header("Content-Type", "application/x-tar").PUT(HttpRequest.BodyPublishers.ofByteArray(tar)).build());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
