package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Debian's docker-compose (1.29) drives a small project on jpod through the Docker socket: a web
 * service (busybox httpd) serving a named volume behind a healthcheck and a published loopback port,
 * a client built from a Dockerfile that waits for the web service to be healthy and reaches it by
 * service name and by alias; ps, logs, exec, scale, restart, and down -v leaving nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeIT {

    static final String PROJECT = "jpodcmp";
    static Path root;
    static Path project;
    static TestDaemon daemon;
    static int port;
    static List<String> compose;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-compose");
        daemon = TestDaemon.start(root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        env = Map.of("DOCKER_CONFIG", root.resolve("docker-config").toString(), "DOCKER_HOST", daemon.dockerHost());
        ok(docker("import", root.resolve("rootfs.tar").toString(), "busybox"), "import");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        project = Files.createDirectories(root.resolve("project"));
        Files.createDirectories(project.resolve("client"));
        Files.writeString(project.resolve("client/Dockerfile"), """
                FROM busybox
                RUN echo built-from-dockerfile > /built.txt
                CMD ["sh", "-c", "echo client-started; exec sleep 600"]
                """);
        Files.writeString(project.resolve("docker-compose.yml"), """
                version: "2.4"
                services:
                  web:
                    image: busybox
                    command: ["sh", "-c", "echo hello-compose > /www/index.html; exec httpd -f -p 80 -h /www"]
                    volumes:
                      - site:/www
                    ports:
                      - "127.0.0.1:%d:80"
                    mem_limit: 64m
                    healthcheck:
                      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/index.html"]
                      interval: 1s
                      retries: 30
                    networks:
                      default:
                        aliases: [www]
                  client:
                    build: ./client
                    image: jpodcmp-client
                    depends_on:
                      web:
                        condition: service_healthy
                volumes:
                  site: {}
                """.formatted(port));
        // podman-compose 1.0.3 takes no per-network settings of a service (it fails on the mapping form of
        // `networks:`) and aliases every container by its service name: the same project without the alias
        Files.writeString(project.resolve("podman-compose.yml"), Files.readString(project.resolve(
                "docker-compose.yml")).replace("""
                    networks:
                      default:
                        aliases: [www]
                """, ""));
        compose = List.of("env", "-u", "DOCKER_CONTEXT", "docker-compose", "--ansi", "never", "-p", PROJECT, "-f",
                project.resolve("docker-compose.yml").toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            compose("down", "-v", "-t", "1");
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static ProcessRunner.Result docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", daemon.dockerHost()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, env, Duration.ofSeconds(60));
    }

    static ProcessRunner.Result compose(String... args) throws Exception {
        List<String> argv = new ArrayList<>(compose);
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, env, Duration.ofSeconds(180));
    }

    static String ok(ProcessRunner.Result r, String what) {
        assertThat(r.exitCode()).as(what + ": " + r.stdout() + r.stderr()).isZero();
        return r.stdout().strip();
    }

    static String composeOk(String... args) throws Exception {
        return ok(compose(args), "docker-compose " + String.join(" ", args));
    }

    static String httpGet() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/index.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().strip();
    }

    /**
     * The body the client fetches from the web service by {@code name}: busybox nslookup finds the
     * address (Debian's static busybox wget resolves no names itself), wget fetches from it.
     */
    static String fetchFromClient(String name) throws Exception {
        String out = composeOk("exec", "-T", "client", "nslookup", name);
        Matcher m = Pattern.compile("Address:\\s*([0-9.]+)\\s").matcher(out.substring(out.indexOf("Name:")) + "\n");
        assertThat(m.find()).as(out).isTrue();
        return composeOk("exec", "-T", "client", "wget", "-q", "-O", "-", "http://" + m.group(1) + "/index.html");
    }

    static String state(String container, String format) throws Exception {
        return ok(docker("inspect", "--format", format, container), "inspect " + container);
    }

    @Test
    @Order(1)
    void upStartsTheClientOnceTheWebServiceIsHealthy() throws Exception {
        composeOk("up", "-d");
        assertThat(state(PROJECT + "_web_1", "{{.State.Health.Status}}")).isEqualTo("healthy");
        assertThat(state(PROJECT + "_client_1", "{{.State.Running}}")).isEqualTo("true");
        assertThat(httpGet()).isEqualTo("hello-compose");
        assertThat(state(PROJECT + "_web_1", "{{range .Mounts}}{{.Name}}{{end}}")).isEqualTo(PROJECT + "_site");
        assertThat(state(PROJECT + "_web_1", "{{.HostConfig.Memory}}")).isEqualTo(Long.toString(64L << 20));
    }

    @Test
    @Order(2)
    void psAndLogsShowTheServices() throws Exception {
        String ps = composeOk("ps");
        assertThat(ps).contains(PROJECT + "_web_1", PROJECT + "_client_1", "127.0.0.1:" + port + "->80/tcp");
        assertThat(ps.lines().filter(l -> l.startsWith(PROJECT + "_")).toList()).allMatch(l -> l.contains(" Up"));
        assertThat(composeOk("logs", "client")).contains("client-started");
    }

    @Test
    @Order(3)
    void theClientReachesTheWebServiceByServiceNameAndAlias() throws Exception {
        assertThat(composeOk("exec", "-T", "client", "cat", "/built.txt")).isEqualTo("built-from-dockerfile");
        assertThat(fetchFromClient("web")).isEqualTo("hello-compose");
        assertThat(fetchFromClient("www")).isEqualTo("hello-compose");
    }

    @Test
    @Order(4)
    void scaleAddsASecondClient() throws Exception {
        composeOk("up", "-d", "--scale", "client=2");
        assertThat(state(PROJECT + "_client_2", "{{.State.Running}}")).isEqualTo("true");
        String ps = ok(docker("ps", "-q", "--filter", "label=com.docker.compose.service=client"), "ps");
        assertThat(ps.lines().count()).isEqualTo(2);
    }

    @Test
    @Order(5)
    void restartRestartsEveryService() throws Exception {
        String before = state(PROJECT + "_web_1", "{{.State.StartedAt}}");
        composeOk("restart", "-t", "1");
        assertThat(state(PROJECT + "_web_1", "{{.State.StartedAt}}")).isNotEqualTo(before);
        assertThat(state(PROJECT + "_client_2", "{{.State.Running}}")).isEqualTo("true");
        for (int i = 0; i < 50 && !"healthy".equals(state(PROJECT + "_web_1", "{{.State.Health.Status}}")); i++) {
            Thread.sleep(200);
        }
        assertThat(httpGet()).isEqualTo("hello-compose");
    }

    @Test
    @Order(6)
    void downWithVolumesLeavesNothingBehind() throws Exception {
        Path resolverDir = root.resolve("run/libpod/cni/dns/containers/cni/dnsname").resolve(PROJECT + "_default");
        long resolver = Long.parseLong(Files.readString(resolverDir.resolve("pidfile")).strip());
        composeOk("down", "-v", "-t", "1");
        assertThat(ok(docker("ps", "-aq"), "ps")).isEmpty();
        assertThat(ok(docker("network", "ls", "--format", "{{.Name}}"), "network ls")).doesNotContain(PROJECT);
        assertThat(ok(docker("volume", "ls", "-q"), "volume ls")).isEmpty();
        for (int i = 0; i < 50 && ProcessHandle.of(resolver).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(resolver).map(ProcessHandle::isAlive).orElse(false)).as("dnsmasq").isFalse();
        assertThat(resolverDir).doesNotExist();
    }

    /**
     * podman-compose runs {@code podman} commands; podman is a remote client whenever CONTAINER_HOST
     * is set, so that alone points every command it runs at jpod's socket.
     */
    static ProcessRunner.Result podmanCompose(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman-compose", "-p", "jpodpc", "-f",
                project.resolve("podman-compose.yml").toString()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("CONTAINER_HOST", daemon.dockerHost()), Duration.ofSeconds(180));
    }

    static String podmanComposeOk(String... args) throws Exception {
        return ok(podmanCompose(args), "podman-compose " + String.join(" ", args));
    }

    @Test
    @Order(7)
    void podmanComposeRunsTheSameProjectThroughTheRemoteClient() throws Exception {
        Path resolverDir = root.resolve("run/libpod/cni/dns/containers/cni/dnsname/jpodpc_default");
        long resolver;
        try {
            podmanComposeOk("up", "-d");
            for (int i = 0; i < 50 && !"healthy".equals(state("jpodpc_web_1", "{{.State.Health.Status}}")); i++) {
                Thread.sleep(200);
            }
            assertThat(httpGet()).isEqualTo("hello-compose");
            assertThat(podmanComposeOk("ps")).contains("jpodpc_web_1", "jpodpc_client_1", "(healthy)");
            assertThat(podmanComposeOk("exec", "-T", "client", "cat", "/built.txt")).contains("built-from-dockerfile");
            assertThat(podmanComposeOk("exec", "-T", "client", "nslookup", "web"))
                    .contains(state("jpodpc_web_1", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"));
            assertThat(podmanComposeOk("logs", "client")).contains("client-started");
            String before = state("jpodpc_web_1", "{{.State.StartedAt}}");
            podmanComposeOk("restart");
            assertThat(state("jpodpc_web_1", "{{.State.StartedAt}}")).isNotEqualTo(before);
            resolver = Long.parseLong(Files.readString(resolverDir.resolve("pidfile")).strip());
        } finally {
            podmanComposeOk("down", "-v", "-t", "1");
        }
        assertThat(ok(docker("ps", "-aq"), "ps")).isEmpty();
        assertThat(ok(docker("volume", "ls", "-q"), "volume ls")).isEmpty();
        // podman-compose 1.0.3's down removes containers and volumes but never the networks it made
        ok(docker("network", "rm", "jpodpc_default"), "network rm");
        for (int i = 0; i < 50 && ProcessHandle.of(resolver).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(resolver).map(ProcessHandle::isAlive).orElse(false)).as("dnsmasq").isFalse();
        assertThat(resolverDir).doesNotExist();
    }
}
