package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.NameConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a new container's name settings (domain name, {@code --dns*}, {@code --add-host},
 * {@code --network-alias}) against its network plan; a setting that cannot be honoured is refused,
 * never dropped.
 */
final class NamePlanner {

    /** A host or domain name: letters, digits, hyphens, dots, underscores (compose's service names have them). */
    static final Pattern HOST = Pattern.compile("[a-zA-Z0-9_]([a-zA-Z0-9_.-]{0,252}[a-zA-Z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** What {@code --add-host NAME:host-gateway} stands for: the bridge gateway, as Docker 20.10 does. */
    static final String HOST_GATEWAY = "host-gateway";

    private final NetworkService networks;

    NamePlanner(NetworkService networks) {
        this.networks = networks;
    }

    /** The checked settings; aliases are keyed by network name and only on networks the container joins. */
    NameConfig plan(NameConfig req, ContainerNetworking.ResolvedNetwork net) {
        NameConfig r = req == null ? NameConfig.NONE : req;
        String mode = net.mode();
        boolean resolverSettings = !r.dns().isEmpty() || !r.dnsSearch().isEmpty() || !r.dnsOptions().isEmpty()
                || !r.extraHosts().isEmpty();
        if (resolverSettings && (mode.startsWith("container:") || mode.equals("pod"))) {
            throw EngineException.invalidArgument("conflicting options: --dns, --dns-search, --dns-option and "
                    + "--add-host cannot be set on a container that shares "
                    + (mode.equals("pod") ? "its pod's" : "another container's") + " network");
        }
        if (!r.domainname().isEmpty() && !HOST.matcher(r.domainname()).matches()) {
            throw EngineException.invalidArgument("invalid domain name \"" + r.domainname() + "\"");
        }
        for (String s : r.dns()) {
            if (!isAddress(s)) {
                throw EngineException.invalidArgument("invalid DNS server \"" + s + "\": give an IP address");
            }
        }
        for (String s : r.dnsSearch()) {
            if (!s.equals(".") && !HOST.matcher(s).matches()) {
                throw EngineException.invalidArgument("invalid DNS search domain \"" + s + "\"");
            }
        }
        for (String s : r.dnsOptions()) {
            if (s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
                throw EngineException.invalidArgument("invalid DNS option \"" + s + "\"");
            }
        }
        List<String> hosts = new ArrayList<>();
        for (String h : r.extraHosts()) {
            String[] nameAddr = extraHost(h);
            hosts.add(nameAddr[0] + ":" + nameAddr[1]);
        }
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        r.aliases().forEach((network, list) -> {
            if (list.isEmpty()) {
                return;
            }
            // Docker's and podman's words for the default network
            NetworkConfig n = networks.inspect(network.equals("bridge") || network.equals("default")
                    || network.equals("podman") ? networks.defaultNetwork() : network);
            if (!mode.equals("bridge") || !net.networks().contains(n.name())) {
                throw EngineException.invalidArgument("network aliases for " + n.name() + " need the container "
                        + "to be on that network");
            }
            aliases.put(n.name(), checkAliases(n, list));
        });
        return new NameConfig(r.domainname(), r.dns(), r.dnsSearch(), r.dnsOptions(), hosts, aliases, r.links());
    }

    /** Aliases on a network, checked: only a network with a name resolver has names (as in Docker). */
    List<String> checkAliases(NetworkConfig n, List<String> list) {
        if (list.isEmpty()) {
            return list;
        }
        if (!n.dns()) {
            throw EngineException.invalidArgument("network-scoped aliases are supported only on networks with "
                    + "name resolution; " + n.name() + " has none (like Docker's default bridge): use a network "
                    + "made with docker network create");
        }
        List<String> out = new ArrayList<>();
        for (String a : list) {
            if (!HOST.matcher(a).matches()) {
                throw EngineException.invalidArgument("invalid network alias \"" + a + "\"");
            }
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** {@code name:address} (Docker) or {@code name=address}, checked; the address may be host-gateway. */
    static String[] extraHost(String h) {
        int i = h.indexOf('=');
        if (i < 0) {
            i = h.indexOf(':');
        }
        String name = i < 0 ? h : h.substring(0, i).strip();
        String addr = i < 0 ? "" : h.substring(i + 1).strip();
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        if (!HOST.matcher(name).matches() || !(addr.equals(HOST_GATEWAY) || isAddress(addr))) {
            throw EngineException.invalidArgument("invalid extra host \"" + h + "\": give NAME:IP (or NAME:"
                    + HOST_GATEWAY + ")");
        }
        return new String[] {name, addr};
    }

    /** An IPv4 or IPv6 literal; never a name (checking it must not ask DNS). */
    static boolean isAddress(String s) {
        var m = IPV4.matcher(s);
        if (m.matches()) {
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(m.group(g)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (!s.contains(":") || !s.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(s); // a literal with ':' is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
