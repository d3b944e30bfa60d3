package io.jpod.network;

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
 * Names on networks with the stock docker CLI: containers of a user network resolve each other by
 * name, alias and short ID through the network's dnsmasq (the CNI dnsname plugin); the default
 * network has no names; /etc/hosts and /etc/resolv.conf follow the options. Every query stays on
 * the test's own networks: negative lookups ask for names in the resolver's own domain, which it
 * never forwards, and the host's nameservers are never asked anything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkDnsIT {

    static final String NET = "dnsnet";
    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;
    static String gateway;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-dns");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root)
                .withOnlyEnv(Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString()));
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        ok("import", root.resolve("rootfs.tar").toString(), "busybox");
        // a subnet of its own: concurrent runs on this host (and resolvers they leave) must not share it
        ok("network", "create", "--subnet", "10.89.148.0/24", NET);
        gateway = ok("network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", NET);
        ok("run", "-d", "--name", "web", "--network", NET, "--network-alias", "webalias", "busybox", "sh", "-c",
                "echo hello-web > /tmp/index.html; exec httpd -f -p 80 -h /tmp");
        // ping needs a raw socket: libpod's default capabilities have no NET_RAW
        ok("run", "-d", "--name", "client", "--network", NET, "--cap-add", "NET_RAW", "busybox", "sleep", "600");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            docker.run("rm", "-f", "web", "client", "svc1", "late", "plain", "before", "after");
            docker.run("network", "rm", NET);
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static String ip(String container, String network) throws Exception {
        return ok("inspect", "--format", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}",
                container);
    }

    /**
     * The address busybox nslookup (its own DNS client, with the search domains of resolv.conf) gets
     * for {@code name}. Debian's static busybox resolves no names in wget or ping (static glibc has no
     * NSS modules to ask), so they are given the address nslookup found.
     */
    static String resolve(String from, String name) throws Exception {
        String out = ok("exec", from, "nslookup", name);
        String answer = out.substring(out.indexOf("Name:"));
        var m = java.util.regex.Pattern.compile("Address:\\s*([0-9.]+)\\s").matcher(answer + "\n");
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    /** The body busybox wget fetches from the httpd of the container {@code name} resolves to. */
    static String fetch(String from, String name) throws Exception {
        return ok("exec", from, "wget", "-q", "-O", "-", "http://" + resolve(from, name) + "/index.html");
    }

    @Test
    @Order(1)
    void containersResolveEachOtherByNameAliasAndShortId() throws Exception {
        String webIp = ip("web", NET);
        String shortId = ok("inspect", "--format", "{{.Id}}", "web").substring(0, 12);
        assertThat(ok("exec", "client", "nslookup", "web")).contains(webIp);
        assertThat(ok("exec", "client", "nslookup", "web." + NetworkService.DNS_DOMAIN)).contains(webIp);
        assertThat(fetch("client", "web")).isEqualTo("hello-web");
        assertThat(fetch("client", "webalias")).isEqualTo("hello-web");
        assertThat(fetch("client", shortId)).isEqualTo("hello-web");
        assertThat(ok("exec", "client", "ping", "-c1", "-W", "5", resolve("client", "webalias"))).contains(webIp);
        // the resolver is the bridge gateway; the host's nameservers are not in the file
        assertThat(ok("exec", "client", "cat", "/etc/resolv.conf")).contains("nameserver " + gateway)
                .contains("search " + NetworkService.DNS_DOMAIN).doesNotContain("127.0.0.");
        assertThat(ok("inspect", "--format", "{{json (index .NetworkSettings.Networks \"" + NET + "\").Aliases}}",
                "web")).isEqualTo("[\"webalias\",\"" + shortId + "\"]");
    }

    @Test
    @Order(2)
    void aServiceStartedWithANetworkAliasIsReachedByIt() throws Exception {
        // compose's pattern: a container whose name is generated, known by its service name
        ok("run", "-d", "--name", "svc1", "--network", NET, "--network-alias", "backend", "busybox", "sh", "-c",
                "echo hello-backend > /tmp/index.html; exec httpd -f -p 80 -h /tmp");
        assertThat(fetch("client", "backend")).isEqualTo("hello-backend");
    }

    @Test
    @Order(2)
    void dockerComposeServicesReachEachOtherByServiceName() throws Exception {
        Path project = Files.createTempDirectory(root, "compose");
        Files.writeString(project.resolve("docker-compose.yml"), """
                version: "3"
                services:
                  api:
                    image: busybox
                    command: ["sh", "-c", "echo hello-api > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
                  front:
                    image: busybox
                    command: ["sleep", "300"]
                """);
        Map<String, String> env = Map.of("DOCKER_CONFIG", project.toString(), "DOCKER_HOST", daemon.dockerHost());
        List<String> compose = List.of("env", "-u", "DOCKER_CONTEXT", "docker-compose", "-p", "jpoddns", "-f",
                project.resolve("docker-compose.yml").toString());
        try {
            ProcessRunner.Result up = ProcessRunner.run(with(compose, "up", "-d"), env, Duration.ofSeconds(120));
            assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
            assertThat(resolve("jpoddns_front_1", "api")).isEqualTo(ip("jpoddns_api_1", "jpoddns_default"));
            assertThat(fetch("jpoddns_front_1", "api")).isEqualTo("hello-api");
        } finally {
            ProcessRunner.Result down = ProcessRunner.run(with(compose, "down", "-t", "1"), env,
                    Duration.ofSeconds(120));
            assertThat(down.exitCode()).as(down.stdout() + down.stderr()).isZero();
        }
        assertThat(root.resolve("run/libpod/cni/dns/containers/cni/dnsname/jpoddns_default")).doesNotExist();
    }

    static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    @Order(3)
    void theDefaultNetworkHasNoNames() throws Exception {
        ok("run", "-d", "--name", "plain", "busybox", "sleep", "600");
        String defaultGateway = ok("inspect", "--format", "{{.NetworkSettings.Gateway}}", "plain");
        String resolv = ok("exec", "plain", "cat", "/etc/resolv.conf");
        assertThat(resolv).doesNotContain("nameserver " + defaultGateway).doesNotContain(NetworkService.DNS_DOMAIN)
                .doesNotContain("nameserver 127.");
        // no resolver listens on the default bridge (asked directly: no other server is involved)
        ProcessRunner.Result r = docker.run("exec", "plain", "nslookup", "web." + NetworkService.DNS_DOMAIN,
                defaultGateway);
        assertThat(r.exitCode()).isNotZero();
        assertThat(ok("inspect", "--format", "{{json .NetworkSettings.Networks.jpod.Aliases}}", "plain"))
                .doesNotContain("web");
        // aliases need a network with names, as on Docker's default bridge
        ProcessRunner.Result alias = docker.run("create", "--network-alias", "x", "busybox", "true");
        assertThat(alias.exitCode()).isNotZero();
        assertThat(alias.stderr()).contains("aliases");
    }

    @Test
    @Order(4)
    void addHostAndHostGatewayLandInEtcHosts() throws Exception {
        String hosts = ok("run", "--rm", "--add-host", "foo:1.2.3.4", "--add-host", "gw:host-gateway",
                "--hostname", "box", "--domainname", "example.test", "busybox", "cat", "/etc/hosts");
        String defaultGateway = ok("network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", "jpod");
        assertThat(hosts).contains("1.2.3.4\tfoo\n").contains(defaultGateway + "\tgw\n")
                .contains("box.example.test box").contains("127.0.0.1\tlocalhost");
        assertThat(ok("run", "--rm", "--hostname", "box", "--domainname", "example.test", "busybox", "hostname"))
                .isEqualTo("box");
        // host-gateway on a user network is that network's gateway
        assertThat(ok("run", "--rm", "--network", NET, "--add-host", "gw:host-gateway", "busybox", "cat",
                "/etc/hosts")).contains(gateway + "\tgw\n");
    }

    @Test
    @Order(5)
    void dnsOptionsReplaceTheResolverInResolvConf() throws Exception {
        ok("create", "--name", "dnsopts", "--network", NET, "--dns", "1.1.1.1", "--dns-search", "example.test",
                "--dns-option", "ndots:2", "--domainname", "example.test", "busybox", "cat", "/etc/resolv.conf");
        try {
            assertThat(ok("start", "-a", "dnsopts")).isEqualTo("search example.test\nnameserver 1.1.1.1\n"
                    + "options ndots:2");
            assertThat(ok("inspect", "--format", "{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} "
                    + "{{json .HostConfig.DnsOptions}} {{.Config.Domainname}}", "dnsopts"))
                    .isEqualTo("[\"1.1.1.1\"] [\"example.test\"] [\"ndots:2\"] example.test");
        } finally {
            docker.run("rm", "-f", "dnsopts");
        }
    }

    @Test
    @Order(6)
    void podmansRemoteClientSendsTheSameSettings() throws Exception {
        Files.writeString(root.resolve("containers.conf"), "");
        podman.ok("create", "--name", "pod-dns", "--network", NET, "--network-alias", "palias", "--dns", "192.0.2.1",
                "--dns-search", "example.test", "--dns-option", "ndots:3", "--add-host", "foo:1.2.3.4", "busybox",
                "sleep", "600");
        try {
            podman.ok("start", "pod-dns");
            assertThat(podman.ok("exec", "pod-dns", "cat", "/etc/resolv.conf")).isEqualTo(
                    "search example.test\nnameserver 192.0.2.1\noptions ndots:3");
            assertThat(podman.ok("exec", "pod-dns", "cat", "/etc/hosts")).contains("1.2.3.4\tfoo\n");
            assertThat(podman.ok("inspect", "--format", "{{.HostConfig.Dns}} {{.HostConfig.ExtraHosts}}", "pod-dns"))
                    .isEqualTo("[192.0.2.1] [foo:1.2.3.4]");
            assertThat(resolve("client", "palias")).isEqualTo(ip("pod-dns", NET));
        } finally {
            docker.run("rm", "-f", "pod-dns");
        }
    }

    @Test
    @Order(7)
    void connectAndDisconnectChangeWhoResolves() throws Exception {
        ok("run", "-d", "--name", "late", "busybox", "sh", "-c",
                "echo hello-late > /tmp/index.html; exec httpd -f -p 80 -h /tmp");
        String fqdn = "late." + NetworkService.DNS_DOMAIN;
        assertThat(docker.run("exec", "client", "nslookup", fqdn).exitCode()).isNotZero();
        ok("network", "connect", "--alias", "latealias", NET, "late");
        String lateIp = ip("late", NET);
        assertThat(ok("exec", "client", "nslookup", fqdn)).contains(lateIp);
        assertThat(fetch("client", "latealias")).isEqualTo("hello-late");
        // and it uses the network's resolver itself from now on
        assertThat(ok("exec", "late", "cat", "/etc/resolv.conf")).contains("nameserver " + gateway);
        assertThat(resolve("late", "web")).isEqualTo(ip("web", NET));
        ok("network", "disconnect", NET, "late");
        assertThat(docker.run("exec", "client", "nslookup", fqdn).exitCode()).isNotZero();
        assertThat(docker.run("exec", "client", "nslookup", "latealias." + NetworkService.DNS_DOMAIN).exitCode())
                .isNotZero();
        assertThat(ok("exec", "late", "cat", "/etc/resolv.conf")).doesNotContain("nameserver " + gateway);
        ok("rm", "-f", "late");
    }

    static Path resolverDir() {
        return root.resolve("run/libpod/cni/dns/containers/cni/dnsname").resolve(NET);
    }

    static long resolverPid() throws Exception {
        return Long.parseLong(Files.readString(resolverDir().resolve("pidfile")).strip());
    }

    @Test
    @Order(7)
    void aRenameReachesTheResolverAtOnce() throws Exception {
        ok("run", "-d", "--name", "before", "--network", NET, "busybox", "sleep", "600");
        ok("rename", "before", "after");
        assertThat(resolve("client", "after")).isEqualTo(ip("after", NET));
        assertThat(docker.run("exec", "client", "nslookup", "before." + NetworkService.DNS_DOMAIN).exitCode())
                .isNotZero();
        // the stop takes the new name out of the resolver again
        ok("rm", "-f", "after");
        assertThat(Files.readString(resolverDir().resolve("addnhosts"))).doesNotContain("\tafter");
    }

    @Test
    @Order(8)
    void aRestartedDaemonKeepsTheRunningResolver() throws Exception {
        long pid = resolverPid();
        daemon.close(); // containers and their resolver keep running
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root)
                .withOnlyEnv(Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString()));
        assertThat(resolverPid()).isEqualTo(pid);
        assertThat(fetch("client", "web")).isEqualTo("hello-web");
        ok("run", "-d", "--name", "late", "--network", NET, "busybox", "sleep", "600");
        assertThat(ok("exec", "client", "nslookup", "late." + NetworkService.DNS_DOMAIN)).contains(ip("late", NET));
    }

    @Test
    @Order(9)
    void removingTheNetworkLeavesNoResolverBehind() throws Exception {
        Path resolverDir = resolverDir();
        long pid = resolverPid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        ok("rm", "-f", "web", "client", "svc1", "late");
        ok("network", "rm", NET);
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("dnsmasq " + pid).isFalse();
        assertThat(resolverDir).doesNotExist();
        assertThat(ProcessRunner.run(List.of("pgrep", "-f", resolverDir.toString()), Duration.ofSeconds(10))
                .stdout()).isBlank();
    }
}
