package io.jpod.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listeners as a local user meets them: a Unix socket only root and its group can use, TCP on
 * loopback that wants the access token, the Host check, the dashboard's login and the actuator's
 * closed endpoints; the docker CLI and podman's remote client through the sockets. One daemon, with
 * TCP authenticated (no insecure option), and a user and group the test creates and removes.
 */
class ListenersIT {

    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final Path DOCKER_SOCK = Path.of("/var/run/docker.sock");
    static final Path PODMAN_DIR = Path.of("/run/podman");

    static final String USER = "jpodit" + ProcessHandle.current().pid();
    static final String GROUP = "jpodsk" + ProcessHandle.current().pid();
    static Path root;
    static Path sockets;
    static Path socket;
    static TestDaemon daemon;
    static String token;
    static boolean defaultPaths;
    static boolean madePodmanDir;

    @BeforeAll
    static void start() throws Exception {
        sh("groupadd", GROUP);
        sh("useradd", "-M", "-U", "-s", "/bin/sh", USER);
        root = Files.createTempDirectory("jpod-listen");
        // a directory any user may traverse, so only the socket's own mode and group decide
        sockets = Files.createTempDirectory("jpod-ls");
        Files.setPosixFilePermissions(sockets, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = sockets.resolve("jpod.sock");
        Map<String, Object> p = TestDaemon.isolated(root);
        p.put("jpod.api.socket", socket.toString());
        p.put("jpod.api.socket-group", GROUP);
        p.put("jpod.api.tcp-insecure", "false");
        // where docker and podman look with no address given: only when nothing is there (no real engine)
        defaultPaths = !Files.exists(DOCKER_SOCK, LinkOption.NOFOLLOW_LINKS)
                && !Files.exists(PODMAN_DIR.resolve("podman.sock"), LinkOption.NOFOLLOW_LINKS);
        if (defaultPaths) {
            madePodmanDir = !Files.exists(PODMAN_DIR);
            p.put("jpod.api.docker-socket", "true");
            p.put("jpod.api.podman-socket", "true");
        }
        daemon = TestDaemon.start(p);
        token = Files.readString(root.resolve("etc/jpod/access-token")).strip();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        ProcessRunner.run(List.of("userdel", USER), Duration.ofSeconds(30));
        ProcessRunner.run(List.of("groupdel", GROUP), Duration.ofSeconds(30));
        if (madePodmanDir) {
            Files.deleteIfExists(PODMAN_DIR.resolve("podman.sock"));
            Files.deleteIfExists(PODMAN_DIR);
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
        org.springframework.util.FileSystemUtils.deleteRecursively(sockets);
    }

    @Test
    void theSocketIsForRootAndItsGroupOnly() throws Exception {
        PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-rw----");
        assertThat(a.owner().getName()).isEqualTo("root");
        assertThat(a.group().getName()).isEqualTo(GROUP);
        assertThat(sh("curl", "-sS", "--unix-socket", socket.toString(), "http://d/_ping").stdout()).isEqualTo("OK");

        ProcessRunner.Result outsider = asUser("curl", "-sSv", "--unix-socket", socket.toString(), "http://d/_ping");
        assertThat(outsider.exitCode()).isNotZero();
        assertThat(outsider.stderr()).contains("connect fail for " + socket + ": Permission denied");
        // nor can the user read the token
        assertThat(asUser("cat", root.resolve("etc/jpod/access-token").toString()).exitCode()).isNotZero();

        sh("usermod", "-aG", GROUP, USER);
        try {
            ProcessRunner.Result member = asUser("curl", "-sS", "--unix-socket", socket.toString(),
                    "http://d/containers/json");
            assertThat(member.exitCode()).as(member.stderr()).isZero();
            assertThat(member.stdout()).startsWith("[");
        } finally {
            sh("gpasswd", "-d", USER, GROUP);
        }
    }

    @Test
    void tcpWantsTheToken() throws Exception {
        String url = "http://127.0.0.1:" + daemon.port() + "/containers/json";
        ProcessRunner.Result without = asUser("curl", "-sS", "-w", "\n%{http_code}", url);
        assertThat(without.stdout()).endsWith("401").contains("Authorization: Bearer").doesNotContain(token);
        ProcessRunner.Result wrong = asUser("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + "0".repeat(64), url);
        assertThat(wrong.stdout()).isEqualTo("401");
        ProcessRunner.Result with = asUser("curl", "-sS", "-w", "\n%{http_code}",
                "-H", "Authorization: Bearer " + token, url);
        assertThat(with.stdout()).startsWith("[").endsWith("200");
        // the ping too: nothing but health checks answers without the token
        assertThat(send(get("/_ping")).statusCode()).isEqualTo(401);
    }

    @Test
    void aForeignHostHeaderIsRefusedOnTcp() throws Exception {
        String url = "http://127.0.0.1:" + daemon.port() + "/_ping";
        ProcessRunner.Result evil = sh("curl", "-sS", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + token,
                "-H", "Host: evil.example:" + daemon.port(), url);
        assertThat(evil.stdout()).endsWith("421").contains("evil.example");
        ProcessRunner.Result local = sh("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + token, "-H", "Host: localhost:" + daemon.port(), url);
        assertThat(local.stdout()).isEqualTo("200");
        // through the socket, clients send names of their own (docker: api.moby.localhost)
        ProcessRunner.Result onSocket = sh("curl", "-sS", "-H", "Host: api.moby.localhost", "--unix-socket",
                socket.toString(), "http://d/_ping");
        assertThat(onSocket.stdout()).isEqualTo("OK");
    }

    @Test
    void theDashboardWantsALoginOnTcpOnly() throws Exception {
        HttpResponse<String> anonymous = send(get("/"));
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login");
        assertThat(send(get("/ui/containers")).statusCode()).isEqualTo(303);
        assertThat(send(get("/login")).body()).contains("Access token");
        assertThat(send(get("/login?token=" + "0".repeat(64))).statusCode()).isEqualTo(401);

        HttpResponse<String> login = send(get("/login?token=" + token));
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(cookie).startsWith("JSESSIONID=");
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/")).header("Cookie", cookie).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Overview");

        // the session reads the API, but changes it only through the dashboard's own (same-origin) forms
        assertThat(send(HttpRequest.newBuilder(uri("/containers/json")).header("Cookie", cookie).build())
                .statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/containers/prune")).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(401);

        HttpResponse<String> out = send(HttpRequest.newBuilder(uri("/logout")).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(send(HttpRequest.newBuilder(uri("/")).header("Cookie", cookie).build()).statusCode())
                .isEqualTo(303);

        // the socket's permissions are its login
        assertThat(sh("curl", "-sS", "--unix-socket", socket.toString(), "http://d/").stdout()).contains("Overview");
    }

    @Test
    void theActuatorOpensOnlyProbesAndMetrics() throws Exception {
        assertThat(send(get("/actuator/health/liveness")).statusCode()).isEqualTo(200);
        assertThat(send(get("/actuator/info")).statusCode()).isEqualTo(200);
        assertThat(send(get("/actuator/prometheus")).statusCode()).isEqualTo(200);
        HttpRequest.Builder level = HttpRequest.newBuilder(uri("/actuator/loggers/io.jpod.api.access"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"DEBUG\"}"));
        assertThat(send(level.build()).statusCode()).isEqualTo(401);
        assertThat(send(get("/actuator/threaddump")).statusCode()).isEqualTo(401);
        // nor through an open path with dot segments
        ProcessRunner.Result sneaky = sh("curl", "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                "-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"configuredLevel\":\"DEBUG\"}",
                "http://127.0.0.1:" + daemon.port() + "/actuator/health/../loggers/io.jpod.api.access");
        assertThat(sneaky.stdout()).isEqualTo("401");
        assertThat(send(level.header("Authorization", "Bearer " + token).build()).statusCode()).isEqualTo(204);
        for (String hidden : List.of("/actuator/env", "/actuator/heapdump")) {
            assertThat(send(HttpRequest.newBuilder(uri(hidden)).header("Authorization", "Bearer " + token).build())
                    .statusCode()).as(hidden).isEqualTo(404);
        }
    }

    @Test
    void theDockerCliUsesTheSocketOrTheTokenFromItsConfig() throws Exception {
        Path config = Files.createTempDirectory(root, "docker-config");
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
        ProcessRunner.Result viaSocket = ProcessRunner.run(List.of("docker", "-H", "unix://" + socket, "ps"), env,
                Duration.ofSeconds(60));
        assertThat(viaSocket.exitCode()).as(viaSocket.stderr()).isZero();
        assertThat(viaSocket.stdout()).contains("CONTAINER ID");

        List<String> tcp = List.of("docker", "-H", "tcp://127.0.0.1:" + daemon.port(), "ps");
        ProcessRunner.Result refused = ProcessRunner.run(tcp, env, Duration.ofSeconds(60));
        assertThat(refused.exitCode()).isNotZero();
        Files.writeString(config.resolve("config.json"),
                "{\"HttpHeaders\": {\"Authorization\": \"Bearer " + token + "\"}}");
        ProcessRunner.Result allowed = ProcessRunner.run(tcp, env, Duration.ofSeconds(60));
        assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
    }

    @Test
    void theSocketBindMountedIntoAContainerWorksFromInside() throws Exception {
        // as Testcontainers' Ryuk uses it: the socket mounted at /var/run/docker.sock, a docker client inside
        ensureBusybox();
        ProcessRunner.Result r = ProcessRunner.run(List.of("docker", "-H", "unix://" + socket, "run", "--rm",
                "--name", "inside", "--network", "none", "-v", "/usr/local/bin/docker:/bin/docker:ro",
                "-v", socket + ":/var/run/docker.sock", "busybox", "/bin/docker", "ps", "--format", "{{.Names}}"),
                Map.of("DOCKER_CONFIG", root.resolve("docker-inside").toString()), Duration.ofSeconds(90));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines()).contains("inside");
    }

    @Test
    void dockerAndPodmanFindTheirDefaultSocketsWithNoAddress() throws Exception {
        assumeTrue(defaultPaths, "a Docker or podman socket exists on this host: its default paths are not ours");
        Path config = Files.createTempDirectory(root, "clients");
        Files.writeString(config.resolve("containers.conf"), "");
        ProcessRunner.Result docker = ProcessRunner.run(List.of("env", "-u", "DOCKER_HOST", "-u", "DOCKER_CONTEXT",
                "docker", "version", "--format", "{{.Server.Os}}"), Map.of("DOCKER_CONFIG", config.toString()),
                Duration.ofSeconds(60));
        assertThat(docker.exitCode()).as(docker.stderr()).isZero();
        assertThat(docker.stdout().strip()).isEqualTo("linux");
        ProcessRunner.Result podman = ProcessRunner.run(List.of("env", "-u", "CONTAINER_HOST", "-u",
                "CONTAINER_CONNECTION", "podman", "--remote", "ps", "-a"), Map.of("CONTAINERS_CONF",
                config.resolve("containers.conf").toString(), "XDG_CONFIG_HOME", config.toString()),
                Duration.ofSeconds(60));
        assertThat(podman.exitCode()).as(podman.stderr()).isZero();
        assertThat(podman.stdout()).contains("CONTAINER ID");
        PosixFileAttributes a = Files.readAttributes(DOCKER_SOCK, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-rw----");
    }

    @Test
    void testcontainersFindsTheDefaultSocketWithNoAddress() throws Exception {
        assumeTrue(defaultPaths, "a Docker or podman socket exists on this host: its default paths are not ours");
        ensureBusybox();
        // a JVM of its own: no DOCKER_HOST, no docker.host, so Testcontainers looks where it always looks first
        // (Ryuk is off here: RyukIT covers it with a stand-in image)
        Path home = Files.createTempDirectory(root, "tc-home");
        Files.writeString(home.resolve(".testcontainers.properties"), "checks.disable=true\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), RyukChildJvm.class.getName(),
                "busybox:latest", "stop").redirectErrorStream(true).redirectOutput(home.resolve("child.log").toFile());
        pb.environment().remove("DOCKER_HOST");
        pb.environment().remove("DOCKER_CONTEXT");
        pb.environment().put("HOME", home.toString());
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        Process child = pb.start();
        boolean ended = child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        String out = Files.readString(home.resolve("child.log"));
        assertThat(ended && child.exitValue() == 0).as(out.length() > 3000 ? out.substring(out.length() - 3000) : out)
                .isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^CONTAINER ([0-9a-f]{64})$").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(out).contains("unix:///var/run/docker.sock");
        // stopped by Testcontainers (and removed: it asks for the removal of what it started)
        HttpResponse<String> after = daemon.get("/containers/" + m.group(1) + "/json");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(404);
    }

    @Test
    void dockerComposeBringsAProjectUpAndDown() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-compose")), "docker-compose is not installed");
        Path project = Files.createTempDirectory(root, "compose");
        Files.writeString(project.resolve("docker-compose.yml"), """
                version: "3"
                services:
                  web:
                    image: busybox
                    command: ["sleep", "300"]
                """);
        ensureBusybox();
        // with no address where the default socket is ours; else pointed at our socket
        Map<String, String> env = defaultPaths ? Map.of("DOCKER_CONFIG", project.toString())
                : Map.of("DOCKER_CONFIG", project.toString(), "DOCKER_HOST", "unix://" + socket);
        List<String> compose = List.of("env", "-u", "DOCKER_CONTEXT", "docker-compose", "-p", "jpodit", "-f",
                project.resolve("docker-compose.yml").toString());
        try {
            ProcessRunner.Result up = ProcessRunner.run(with(compose, "up", "-d"), env, Duration.ofSeconds(120));
            assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
            ProcessRunner.Result ps = ProcessRunner.run(with(compose, "ps"), env, Duration.ofSeconds(60));
            assertThat(ps.stdout()).as(ps.stderr()).contains("jpodit_web_1").contains("Up");
        } finally {
            ProcessRunner.Result down = ProcessRunner.run(with(compose, "down", "-t", "1"), env,
                    Duration.ofSeconds(120));
            assertThat(down.exitCode()).as(down.stdout() + down.stderr()).isZero();
        }
    }

    static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }

    static synchronized void ensureBusybox() throws Exception {
        if (daemon.get("/images/busybox/json").statusCode() == 200) {
            return;
        }
        HttpResponse<String> imported = daemon.send(HttpRequest.newBuilder(
                uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(io.jpod.testing.TarBuilder.busyboxRootfs())).build());
        assertThat(imported.statusCode()).isEqualTo(200);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + daemon.port() + path);
    }

    static HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).build();
    }

    static HttpResponse<String> send(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** As the test's user, with the groups the group database gives it now. */
    static ProcessRunner.Result asUser(String... argv) throws Exception {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid", USER, "--regid", USER, "--init-groups"));
        full.addAll(List.of(argv));
        return ProcessRunner.run(full, Map.of(), Duration.ofSeconds(60));
    }

    static ProcessRunner.Result sh(String... argv) throws Exception {
        ProcessRunner.Result r = ProcessRunner.run(List.of(argv), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(String.join(" ", argv) + ": " + r.stderr()).isZero();
        return r;
    }
}
