package io.jpod.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.common.Ids;
import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every {@link NetworkBackend} does. Networks here use test-only bridges ({@code jpodtest0..2})
 * and subnets of 10.89.240.0/24 that neither jpod's default network nor podman's or Docker's use;
 * everything a test makes is undone after it, even when it fails.
 */
abstract class NetworkBackendContract {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final NetworkConfig NET_A = network("jpodtest-a", "jpodtest0", "10.89.240.0/26", "10.89.240.1");
    protected static final NetworkConfig NET_B = network("jpodtest-b", "jpodtest1", "10.89.240.64/26",
            "10.89.240.65");
    /** One address only (.130): a second attachment cannot get one until the first leaves. */
    protected static final NetworkConfig NET_TINY = network("jpodtest-tiny", "jpodtest2", "10.89.240.128/30",
            "10.89.240.129");

    @TempDir
    Path dir;
    protected NetworkBackend backend;
    private final List<Object[]> attached = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** An empty backend keeping its state under {@code dir}. */
    protected abstract NetworkBackend newBackend(Path dir);

    /** Whether the host still holds {@code address} for a container on {@code network}. */
    protected abstract boolean leaseHeld(NetworkConfig network, String address);

    /** Whether anything of the network is left on the host (its bridge, for a bridge backend). */
    protected abstract boolean hostSideExists(NetworkConfig network);

    /** Whether any packet-filter rule still names the container. */
    protected abstract boolean rulesLeft(String containerId);

    /** Removes whatever a failed test left on the host (bridges, namespaces, leases, rules). */
    protected abstract void removeLeftovers();

    static NetworkConfig network(String name, String bridge, String subnet, String gateway) {
        return new NetworkConfig(name, Ids.random(), bridge, subnet, gateway, false, Map.of("test", "contract"),
                Instant.parse("2026-01-02T03:04:05Z"));
    }

    @BeforeEach
    void open() {
        backend = newBackend(dir);
    }

    @AfterEach
    void undo() {
        processes.forEach(Process::destroyForcibly);
        for (Object[] a : attached) {
            try {
                backend.detach((String) a[0], (NetworkService.Attachment) a[1], List.of());
            } catch (RuntimeException ignored) {
                // already detached by the test
            }
        }
        for (NetworkConfig n : List.of(NET_A, NET_B, NET_TINY)) {
            try {
                backend.remove(n.name());
            } catch (RuntimeException ignored) {
                // not made by this test, or removed by it
            }
        }
        removeLeftovers();
    }

    private NetworkService.Attachment attach(String containerId, List<String> networks, List<PortMapping> ports) {
        NetworkService.Attachment a = backend.attach(containerId, networks, ports);
        attached.add(new Object[] {containerId, a});
        return a;
    }

    private static NetworkService.IpInfo address(NetworkService.Attachment a, String network) {
        return NetworkService.addressOf(JSON, a.results().get(network));
    }

    private static Predicate<String> inSubnet(NetworkConfig n) {
        long[] range = NetworkService.range(n.subnet());
        return ip -> {
            long v = 0;
            for (String part : ip.split("\\.")) {
                v = (v << 8) | Long.parseLong(part);
            }
            return v > range[0] && v < range[1]; // neither the network's nor the broadcast address
        };
    }

    private static void assertCategory(Runnable r, Category category) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).as(e.getMessage()).isEqualTo(category));
    }

    @Test
    void aNetworkIsReadBackAsItWasCreated() {
        backend.create(NET_A);
        assertThat(backend.find(NET_A.name())).contains(NET_A);
        assertThat(backend.list()).containsExactly(NET_A);
        assertThat(backend.find("jpodtest-none")).isEmpty();
    }

    @Test
    void aNameIsUsedOnce() {
        backend.create(NET_A);
        assertCategory(() -> backend.create(network(NET_A.name(), "jpodtest1", "10.89.240.64/26", "10.89.240.65")),
                Category.ALREADY_EXISTS);
        assertThat(backend.find(NET_A.name())).contains(NET_A);
    }

    @Test
    void anAttachmentGetsAnAddressInTheSubnetWithItsGateway() throws Exception {
        backend.create(NET_A);
        String id = Ids.random();
        NetworkService.Attachment a = attach(id, List.of(NET_A.name()), List.of());
        assertThat(a.netns()).exists();
        NetworkService.IpInfo ip = address(a, NET_A.name());
        assertThat(ip.address()).matches(inSubnet(NET_A));
        assertThat(ip.gateway()).isEqualTo("10.89.240.1");
        assertThat(ip.prefixLength()).isEqualTo(26);
        assertThat(inNamespace(a, "ip", "-4", "addr", "show", "eth0")).contains("inet " + ip.address() + "/26");
        assertThat(inNamespace(a, "ip", "-4", "addr", "show", "lo")).contains("inet 127.0.0.1");
    }

    @Test
    void twoAttachmentsGetDifferentAddressesAndOneNamespaceJoinsTwoNetworks() throws Exception {
        backend.create(NET_A);
        backend.create(NET_B);
        NetworkService.Attachment first = attach(Ids.random(), List.of(NET_A.name()), List.of());
        NetworkService.Attachment second = attach(Ids.random(), List.of(NET_A.name(), NET_B.name()), List.of());
        assertThat(address(first, NET_A.name()).address()).isNotEqualTo(address(second, NET_A.name()).address());
        assertThat(address(second, NET_B.name()).address()).matches(inSubnet(NET_B));
        assertThat(inNamespace(second, "ip", "-4", "addr", "show", "eth1"))
                .contains("inet " + address(second, NET_B.name()).address());
        // the first container reaches the second over the bridge
        assertThat(inNamespace(first, "ping", "-c", "1", "-W", "2", address(second, NET_A.name()).address()))
                .contains("1 packets received");
    }

    @Test
    void detachingReleasesTheAddressAndTheNamespace() throws Exception {
        backend.create(NET_TINY);
        String first = Ids.random();
        NetworkService.Attachment a = attach(first, List.of(NET_TINY.name()), List.of());
        String ip = address(a, NET_TINY.name()).address();
        assertThat(ip).isEqualTo("10.89.240.130");
        assertThat(leaseHeld(NET_TINY, ip)).isTrue();
        // the only address is taken: a second attachment fails and leaves nothing behind
        String second = Ids.random();
        assertThatThrownBy(() -> attach(second, List.of(NET_TINY.name()), List.of()))
                .isInstanceOf(EngineException.class);
        assertThat(namespacesOf(second)).isEmpty();

        backend.detach(first, a, List.of());
        assertThat(a.netns()).doesNotExist();
        assertThat(leaseHeld(NET_TINY, ip)).isFalse();
        NetworkService.Attachment again = attach(Ids.random(), List.of(NET_TINY.name()), List.of());
        assertThat(address(again, NET_TINY.name()).address()).isEqualTo(ip);
    }

    @Test
    void aPublishedPortReachesTheNamespaceFromLoopbackOnly() throws Exception {
        backend.create(NET_A);
        String id = Ids.random();
        int port = freePort();
        List<PortMapping> ports = List.of(new PortMapping("127.0.0.1", port, 8080, "tcp"));
        NetworkService.Attachment a = attach(id, List.of(NET_A.name()), ports);
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "from the namespace");
        processes.add(new ProcessBuilder("ip", "netns", "exec", a.netns().getFileName().toString(), "busybox",
                "httpd", "-f", "-p", "8080", "-h", www.toString()).redirectErrorStream(true).start());

        assertThat(get("http://127.0.0.1:" + port + "/index.html")).isEqualTo("from the namespace");
        // published on loopback only: the host's address on the bridge does not forward it
        assertThat(connects(NET_A.gateway(), port)).isFalse();
        assertThat(rulesLeft(id)).isTrue();

        processes.forEach(Process::destroyForcibly);
        backend.detach(id, a, ports);
        assertThat(rulesLeft(id)).isFalse();
        assertThat(connects("127.0.0.1", port)).isFalse();
    }

    @Test
    void joinAndLeaveOneNetworkOfARunningNamespace() throws Exception {
        backend.create(NET_A);
        backend.create(NET_B);
        String id = Ids.random();
        NetworkService.Attachment a = attach(id, List.of(NET_A.name()), List.of());
        String result = backend.join(id, a.netns(), NET_B.name(), a.results().values());
        String ip = NetworkService.addressOf(JSON, result).address();
        assertThat(inNamespace(a, "ip", "-4", "addr", "show", "eth1")).contains("inet " + ip);
        backend.leave(id, a.netns(), NET_B.name(), result, List.of());
        assertThat(leaseHeld(NET_B, ip)).isFalse();
        assertThat(run("ip", "netns", "exec", a.netns().getFileName().toString(), "ip", "link", "show", "eth1")
                .exitCode()).isNotZero();
    }

    @Test
    void removingANetworkInUseOrUnknownIsRefused() {
        backend.create(NET_A);
        String id = Ids.random();
        NetworkService.Attachment a = attach(id, List.of(NET_A.name()), List.of());
        assertCategory(() -> backend.remove(NET_A.name()), Category.INVALID_STATE);
        assertThat(backend.find(NET_A.name())).isPresent();
        assertCategory(() -> backend.remove("jpodtest-none"), Category.NOT_FOUND);
        assertCategory(() -> attach(Ids.random(), List.of("jpodtest-none"), List.of()), Category.NOT_FOUND);
        backend.detach(id, a, List.of());
    }

    @Test
    void removingANetworkCleansItsConfigAndHostSide() {
        backend.create(NET_A);
        String id = Ids.random();
        backend.detach(id, attach(id, List.of(NET_A.name()), List.of()), List.of());
        assertThat(hostSideExists(NET_A)).isTrue();
        backend.remove(NET_A.name());
        assertThat(backend.find(NET_A.name())).isEmpty();
        assertThat(backend.list()).isEmpty();
        assertThat(hostSideExists(NET_A)).isFalse();
        // the name is free again
        backend.create(NET_A);
        assertThat(backend.find(NET_A.name())).contains(NET_A);
    }

    // ---- helpers ---------------------------------------------------------------------------

    protected static List<Path> namespacesOf(String containerId) throws IOException {
        if (!Files.isDirectory(Netns.DIR)) {
            return List.of();
        }
        try (var s = Files.list(Netns.DIR)) {
            return s.filter(p -> p.getFileName().toString().contains(containerId.substring(0, 12))).toList();
        }
    }

    private static String inNamespace(NetworkService.Attachment a, String... argv) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", a.netns().getFileName().toString()));
        if (!argv[0].equals("ip")) {
            full.add("busybox");
        }
        full.addAll(List.of(argv));
        io.jpod.host.ProcessRunner.Result r = run(full.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", full) + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    protected static io.jpod.host.ProcessRunner.Result run(String... argv) throws IOException {
        return io.jpod.host.ProcessRunner.run(List.of(argv), Duration.ofSeconds(20));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean connects(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String get(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        IOException last = null;
        for (int i = 0; i < 40; i++) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (IOException e) {
                last = e;
                Thread.sleep(250); // httpd is starting
            }
        }
        throw last;
    }
}
