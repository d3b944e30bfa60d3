package io.jpod.container;

import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.NameConfig;
import io.jpod.state.StoredContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A container's {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf}, written once
 * its networks are joined. On a network with a name resolver the resolver (the bridge gateway) is
 * the nameserver; elsewhere the host's nameservers, never a loopback one (systemd-resolved's
 * 127.0.0.53 means nothing in the container's namespace). {@code --dns*} replace these.
 */
final class EtcFiles {

    /** Docker's nameservers for a container when the host has only loopback ones. */
    static final List<String> FALLBACK_DNS = List.of("8.8.8.8", "8.8.4.4");

    private final NetworkService networks;
    private final JsonMapper json;
    private final Path hostResolvConf;
    private final Path hostHosts;
    /** Where systemd-resolved keeps the real upstream servers, read when the host file has only its stub. */
    private final Path resolvedUpstream;

    EtcFiles(NetworkService networks, JsonMapper json) {
        this(networks, json, Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"),
                Path.of("/run/systemd/resolve/resolv.conf"));
    }

    EtcFiles(NetworkService networks, JsonMapper json, Path hostResolvConf, Path hostHosts, Path resolvedUpstream) {
        this.networks = networks;
        this.json = json;
        this.hostResolvConf = hostResolvConf;
        this.hostHosts = hostHosts;
        this.resolvedUpstream = resolvedUpstream;
    }

    /** Writes the three files into {@code dir} (the container's userdata directory). */
    void write(Path dir, StoredContainer c) throws IOException {
        write(dir, c, List.of());
    }

    /** With these lines (its links' names) in {@code /etc/hosts}, before the container's own. */
    void write(Path dir, StoredContainer c, List<String> linkLines) throws IOException {
        RunConfig run = c.config().run();
        Files.writeString(dir.resolve("hostname"), run.hostname() + "\n");
        Files.writeString(dir.resolve("hosts"), hosts(c, linkLines));
        Files.writeString(dir.resolve("resolv.conf"), resolvConf(c));
    }

    /** The container's address and gateway on each network it has joined, in order. */
    private List<NetworkService.IpInfo> addresses(StoredContainer c) {
        List<NetworkService.IpInfo> out = new ArrayList<>();
        for (String result : c.state().networkStatus().values()) {
            out.add(NetworkService.addressOf(json, result));
        }
        return out;
    }

    String hosts(StoredContainer c) throws IOException {
        return hosts(c, List.of());
    }

    String hosts(StoredContainer c, List<String> linkLines) throws IOException {
        RunConfig run = c.config().run();
        NameConfig names = run.names();
        StringBuilder b = new StringBuilder();
        if (run.networkMode().equals("host")) {
            b.append(Files.isReadable(hostHosts) ? Files.readString(hostHosts) : "127.0.0.1\tlocalhost\n");
            if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
                b.append('\n');
            }
        } else {
            b.append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        }
        List<NetworkService.IpInfo> ips = addresses(c);
        for (String h : names.extraHosts()) {
            String[] nameAddr = NamePlanner.extraHost(h);
            String addr = nameAddr[1].equals(NamePlanner.HOST_GATEWAY) ? hostGateway(ips) : nameAddr[1];
            b.append(addr).append('\t').append(nameAddr[0]).append('\n');
        }
        linkLines.forEach(l -> b.append(l).append('\n'));
        if (!run.networkMode().equals("host")) {
            String self = ips.isEmpty() || ips.get(0).address().isEmpty() ? "127.0.1.1" : ips.get(0).address();
            b.append(self).append('\t');
            if (!names.domainname().isEmpty()) {
                b.append(run.hostname()).append('.').append(names.domainname()).append(' ');
            }
            b.append(run.hostname());
            if (!c.name().isEmpty() && !c.name().equals(run.hostname())) {
                b.append(' ').append(c.name());
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The bridge gateway: of the container's first network, else of the default network. */
    private String hostGateway(List<NetworkService.IpInfo> ips) {
        if (!ips.isEmpty() && !ips.get(0).gateway().isEmpty()) {
            return ips.get(0).gateway();
        }
        try {
            return networks.inspect(networks.defaultNetwork()).gateway();
        } catch (RuntimeException none) {
            throw io.jpod.error.EngineException.invalidArgument("--add-host with host-gateway needs a bridge "
                    + "network: the default network " + networks.defaultNetwork() + " does not exist");
        }
    }

    String resolvConf(StoredContainer c) throws IOException {
        RunConfig run = c.config().run();
        NameConfig names = run.names();
        Parsed host = parse(Files.isReadable(hostResolvConf) ? Files.readString(hostResolvConf) : "");
        boolean hostNet = run.networkMode().equals("host");
        List<String> resolvers = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        if (run.networkMode().equals("bridge")) {
            for (Map.Entry<String, String> e : c.state().networkStatus().entrySet()) {
                NetworkConfig n = networks.list().stream().filter(x -> x.name().equals(e.getKey())).findFirst()
                        .orElse(null);
                if (n != null && n.dns()) {
                    String gw = NetworkService.addressOf(json, e.getValue()).gateway();
                    String resolver = gw.isEmpty() ? n.gateway() : gw;
                    if (!resolvers.contains(resolver)) {
                        resolvers.add(resolver);
                    }
                    if (!domains.contains(n.dnsDomain())) {
                        domains.add(n.dnsDomain());
                    }
                }
            }
        }
        List<String> servers;
        if (!names.dns().isEmpty()) {
            servers = names.dns();
        } else if (!resolvers.isEmpty()) {
            servers = resolvers;
        } else if (hostNet) {
            servers = host.servers;
        } else {
            servers = host.servers.stream().filter(s -> !loopback(s)).toList();
            if (servers.isEmpty() && !host.servers.isEmpty() && Files.isReadable(resolvedUpstream)) {
                servers = parse(Files.readString(resolvedUpstream)).servers.stream().filter(s -> !loopback(s))
                        .toList();
            }
            if (servers.isEmpty()) {
                servers = FALLBACK_DNS;
            }
        }
        List<String> search = new ArrayList<>();
        if (!names.dnsSearch().isEmpty()) {
            names.dnsSearch().stream().filter(s -> !s.equals(".")).forEach(search::add);
        } else {
            if (names.dns().isEmpty()) {
                search.addAll(domains);
            }
            host.search.stream().filter(s -> !search.contains(s)).forEach(search::add);
        }
        List<String> options = names.dnsOptions().isEmpty() ? host.options : names.dnsOptions();
        StringBuilder b = new StringBuilder();
        if (!search.isEmpty()) {
            b.append("search ").append(String.join(" ", search)).append('\n');
        }
        servers.forEach(s -> b.append("nameserver ").append(s).append('\n'));
        if (!options.isEmpty()) {
            b.append("options ").append(String.join(" ", options)).append('\n');
        }
        return b.toString();
    }

    static boolean loopback(String address) {
        return address.startsWith("127.") || address.equals("::1");
    }

    private record Parsed(List<String> servers, List<String> search, List<String> options) {}

    /** The nameserver, search (and domain) and options lines of a resolv.conf. */
    private static Parsed parse(String text) {
        List<String> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) {
                continue;
            }
            List<String> rest = List.of(f).subList(1, f.length);
            switch (f[0]) {
                case "nameserver" -> servers.add(f[1]);
                case "search", "domain" -> {
                    search.clear(); // the last search or domain line wins
                    search.addAll(rest);
                }
                case "options" -> options.addAll(rest);
                default -> { }
            }
        }
        return new Parsed(servers, search, options);
    }
}
