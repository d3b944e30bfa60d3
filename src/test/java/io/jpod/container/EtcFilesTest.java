package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.network.EndpointNames;
import io.jpod.network.NetworkBackend;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.NameConfig;
import io.jpod.state.StoredContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The /etc files a container gets, from its networks and name settings, against a fake host's files. */
class EtcFilesTest {

    static final NetworkConfig DEFAULT = new NetworkConfig("jpod", "a".repeat(64), "jpod0", "10.89.0.0/24",
            "10.89.0.1", false, Map.of(), Instant.EPOCH);
    static final NetworkConfig NAMED = new NetworkConfig("app", "b".repeat(64), "jpod1", "10.89.1.0/24",
            "10.89.1.1", false, Map.of(), Instant.EPOCH, NetworkService.DNS_DOMAIN);

    @TempDir
    Path tmp;

    final NetworkService networks = new NetworkService(new Networks(), "jpod", false, new EventBus(10));

    static String cni(String ip, String gw) {
        return "{\"ips\":[{\"address\":\"" + ip + "/24\",\"gateway\":\"" + gw + "\"}],\"interfaces\":[]}";
    }

    static StoredContainer container(String mode, Map<String, String> results, NameConfig names) {
        RunConfig run = new RunConfig(List.of("sh"), List.of(), "", "", false, 15, 10, "abc", "", false, false,
                List.of(), mode, List.copyOf(results.keySet()), List.of(), null).withNames(names);
        ContainerConfig config = new ContainerConfig("c".repeat(64), "web", "", null, 1, Instant.EPOCH, "f".repeat(64),
                "busybox", List.of("sh"), Map.of(), false, run);
        return new StoredContainer(config, ContainerState.configured().withNetwork("/run/netns/x", results));
    }

    EtcFiles files(String hostResolv, String resolved) throws Exception {
        Files.writeString(tmp.resolve("resolv.conf"), hostResolv);
        Files.writeString(tmp.resolve("upstream"), resolved);
        Files.writeString(tmp.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.9 hosthost\n");
        return new EtcFiles(networks, JsonMapper.builder().build(), tmp.resolve("resolv.conf"), tmp.resolve("hosts"),
                tmp.resolve("upstream"));
    }

    @Test
    void aNetworkWithNamesGetsItsGatewayAsTheOnlyNameserver() throws Exception {
        String conf = files("search corp.example\nnameserver 10.255.0.53\noptions edns0\n", "")
                .resolvConf(container("bridge", Map.of("app", cni("10.89.1.5", "10.89.1.1")), NameConfig.NONE));
        assertThat(conf).isEqualTo("search dns.jpod corp.example\nnameserver 10.89.1.1\noptions edns0\n");
    }

    @Test
    void loopbackNameserversOfTheHostAreReplaced() throws Exception {
        StoredContainer onDefault = container("bridge", Map.of("jpod", cni("10.89.0.5", "10.89.0.1")),
                NameConfig.NONE);
        // systemd-resolved: its stub in /etc/resolv.conf, the real servers in its own file
        assertThat(files("nameserver 127.0.0.53\noptions edns0 trust-ad\n", "nameserver 192.0.2.53\n")
                .resolvConf(onDefault)).isEqualTo("nameserver 192.0.2.53\noptions edns0 trust-ad\n");
        // nothing but loopback anywhere: Docker's fallback servers
        assertThat(files("nameserver 127.0.0.1\n", "").resolvConf(onDefault))
                .isEqualTo("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        // the host's own network namespace keeps the host's file as it is
        assertThat(files("nameserver 127.0.0.53\n", "").resolvConf(container("host", Map.of(), NameConfig.NONE)))
                .isEqualTo("nameserver 127.0.0.53\n");
    }

    @Test
    void dnsOptionsReplaceTheDefaults() throws Exception {
        NameConfig names = new NameConfig("", List.of("192.0.2.1"), List.of("example.test"), List.of("ndots:2"),
                List.of(), Map.of());
        assertThat(files("search corp.example\nnameserver 10.255.0.53\n", "").resolvConf(container("bridge",
                Map.of("app", cni("10.89.1.5", "10.89.1.1")), names)))
                .isEqualTo("search example.test\nnameserver 192.0.2.1\noptions ndots:2\n");
    }

    @Test
    void hostsHasExtraHostsTheHostGatewayAndTheContainersOwnNames() throws Exception {
        NameConfig names = new NameConfig("example.test", List.of(), List.of(), List.of(),
                List.of("foo:1.2.3.4", "gw:host-gateway"), Map.of());
        String hosts = files("", "").hosts(container("bridge", Map.of("app", cni("10.89.1.5", "10.89.1.1")), names));
        assertThat(hosts).contains("127.0.0.1\tlocalhost\n", "1.2.3.4\tfoo\n", "10.89.1.1\tgw\n",
                "10.89.1.5\tabc.example.test abc web\n");
        // without a network of its own, host-gateway is the default network's gateway
        String none = files("", "").hosts(container("none", Map.of(), names));
        assertThat(none).contains("10.89.0.1\tgw\n", "127.0.1.1\tabc.example.test abc web\n");
    }

    @Test
    void namePlannerRefusesWhatCannotBeHonoured() {
        NamePlanner p = new NamePlanner(networks);
        var onDefault = new ContainerNetworking.ResolvedNetwork("bridge", List.of("jpod"), List.of());
        assertThatThrownBy(() -> p.plan(new NameConfig("", List.of("dns.example"), null, null, null, null),
                onDefault)).isInstanceOf(EngineException.class).hasMessageContaining("invalid DNS server");
        assertThatThrownBy(() -> p.plan(new NameConfig("", null, null, null, List.of("foo"), null), onDefault))
                .hasMessageContaining("invalid extra host");
        assertThatThrownBy(() -> p.plan(new NameConfig("", null, null, null, null, Map.of("bridge", List.of("x"))),
                onDefault)).hasMessageContaining("aliases");
        assertThatThrownBy(() -> p.plan(new NameConfig("", List.of("1.1.1.1"), null, null, null, null),
                new ContainerNetworking.ResolvedNetwork("container:" + "d".repeat(64), List.of(), List.of())))
                .hasMessageContaining("conflicting options");
        var onApp = new ContainerNetworking.ResolvedNetwork("bridge", List.of("app"), List.of());
        NameConfig ok = p.plan(new NameConfig("", List.of("::1", "192.0.2.1"), List.of("."), List.of("ndots:1"),
                List.of("h=10.0.0.1", "v6:[::1]"), Map.of("app", List.of("db", "db"))), onApp);
        assertThat(ok.aliases()).containsEntry("app", List.of("db"));
        assertThat(ok.extraHosts()).containsExactly("h:10.0.0.1", "v6:::1");
    }

    /** Two networks kept in memory; nothing is wired. */
    static final class Networks implements NetworkBackend {
        @Override
        public List<NetworkConfig> list() {
            return List.of(DEFAULT, NAMED);
        }

        @Override
        public Optional<NetworkConfig> find(String name) {
            return list().stream().filter(n -> n.name().equals(name)).findFirst();
        }

        @Override
        public void create(NetworkConfig network) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NetworkService.Attachment attach(String id, List<String> n, List<PortMapping> p, EndpointNames e) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String join(String id, Path ns, String n, Collection<String> r, EndpointNames e) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void leave(String id, Path ns, String n, String r, List<PortMapping> p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void detach(String id, NetworkService.Attachment a, List<PortMapping> p) {
            throw new UnsupportedOperationException();
        }
    }
}
