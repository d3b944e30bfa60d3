package io.jpod.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * CNI networking through the stock docker CLI and podman's remote client: only loopback and
 * jpod's own bridge networks are reached.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkingCliIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-networking");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root)
                .withOnlyEnv(Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString()));
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "web", "other", "onnet");
        docker.run("network", "rm", "testnet");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; ; i++) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (java.io.IOException notYet) {
                if (i == 20) {
                    throw notYet;
                }
                Thread.sleep(250); // httpd is starting
            }
        }
    }

    @Test
    @Order(1)
    void theDefaultNetworkGivesAnAddressAndPublishedPortsAnswerOnLoopback() throws Exception {
        assertThat(ok("network", "ls", "--format", "{{.Name}} {{.Driver}}")).isEqualTo("jpod bridge");
        int port = freePort();
        ok("run", "-d", "--name", "web", "-p", "127.0.0.1:" + port + ":80", "busybox", "sh", "-c",
                "echo published > /tmp/index.html; exec httpd -f -p 80 -h /tmp");
        assertThat(get("http://127.0.0.1:" + port + "/index.html")).isEqualTo("published");
        assertThat(ok("port", "web")).isEqualTo("80/tcp -> 127.0.0.1:" + port);
        String ip = ok("inspect", "--format", "{{.NetworkSettings.IPAddress}}", "web");
        assertThat(ip).startsWith("10.89.0.");
        // another container reaches it on jpod's bridge, and the host does too
        assertThat(ok("run", "--rm", "busybox", "wget", "-q", "-O", "-", "http://" + ip + "/index.html"))
                .isEqualTo("published");
        assertThat(get("http://" + ip + "/index.html")).isEqualTo("published");
        assertThat(ok("run", "--rm", "--network", "container:web", "busybox", "wget", "-q", "-O", "-",
                "http://127.0.0.1/index.html")).isEqualTo("published");
    }

    @Test
    @Order(2)
    void noneHasOnlyLoopbackAndHostHasTheHostsInterfaces() throws Exception {
        assertThat(ok("run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net")).isEqualTo("lo");
        assertThat(ok("run", "--rm", "--network", "none", "busybox", "ip", "-4", "addr", "show", "lo"))
                .contains("127.0.0.1");
        assertThat(ok("run", "--rm", "--network", "host", "busybox", "ls", "/sys/class/net")).contains("jpod0");
    }

    @Test
    @Order(3)
    void namedNetworksAreCreatedUsedAndRemoved() throws Exception {
        ok("network", "create", "--subnet", "10.89.77.0/24", "--label", "team=a", "testnet");
        assertThat(ok("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}",
                "testnet")).isEqualTo("10.89.77.0/24 10.89.77.1");
        assertThat(docker.run("network", "create", "--subnet", "10.89.77.0/25", "clash").stderr()).contains("overlaps");
        assertThat(docker.run("network", "create", "../bad").stderr()).contains("invalid network name");
        ok("run", "-d", "--name", "onnet", "--network", "testnet", "busybox", "sleep", "300");
        assertThat(ok("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "onnet"))
                .startsWith("10.89.77.");
        assertThat(docker.run("network", "rm", "testnet").stderr()).contains("being used");
        // connect and disconnect a running container: an interface comes and goes
        ok("run", "-d", "--name", "other", "busybox", "sleep", "300");
        ok("network", "connect", "testnet", "other");
        assertThat(ok("exec", "other", "ip", "-4", "addr", "show", "eth1")).contains("inet 10.89.77.");
        assertThat(ok("inspect", "--format", "{{len .NetworkSettings.Networks}}", "other")).isEqualTo("2");
        assertThat(docker.run("network", "connect", "testnet", "other").stderr()).contains("already connected");
        ok("network", "disconnect", "testnet", "other");
        assertThat(docker.run("exec", "other", "ip", "addr", "show", "eth1").exitCode()).isNotZero();
        ok("rm", "-f", "other");
        ok("rm", "-f", "onnet");
        ok("network", "rm", "testnet");
        assertThat(ok("network", "ls", "--format", "{{.Name}}")).isEqualTo("jpod");
    }

    @Test
    @Order(4)
    void removingAContainerTearsDownItsNamespaceAndPortRules() throws Exception {
        String id = ok("inspect", "--format", "{{.Id}}", "web");
        String netns = ok("inspect", "--format", "{{.NetworkSettings.SandboxKey}}", "web");
        assertThat(Path.of(netns)).exists();
        ok("rm", "-f", "web");
        assertThat(Path.of(netns)).doesNotExist();
        ProcessRunner.Result rules = ProcessRunner.run(List.of("iptables-save", "-t", "nat"), Duration.ofSeconds(10));
        assertThat(rules.stdout()).doesNotContain(id);
    }

    @Test
    @Order(5)
    void podmansRemoteClientPublishesAndManagesNetworks() throws Exception {
        int port = freePort();
        podman.ok("run", "-d", "--name", "other", "-p", "127.0.0.1:" + port + ":8080", "busybox", "sh", "-c",
                "echo from-podman > /tmp/index.html; exec httpd -f -p 8080 -h /tmp");
        assertThat(get("http://127.0.0.1:" + port + "/index.html")).isEqualTo("from-podman");
        assertThat(podman.ok("port", "other")).isEqualTo("8080/tcp -> 127.0.0.1:" + port);
        podman.ok("network", "create", "pnet");
        assertThat(podman.ok("network", "ls", "--format", "{{.Name}}")).contains("pnet");
        assertThat(podman.ok("run", "--rm", "--network", "pnet", "busybox", "ip", "-4", "addr", "show", "eth0"))
                .contains("inet 10.89.");
        podman.ok("network", "rm", "pnet");
        podman.ok("rm", "-f", "other");
    }
}
