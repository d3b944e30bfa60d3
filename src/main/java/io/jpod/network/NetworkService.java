package io.jpod.network;

import io.jpod.lock.LockOrder;
import io.jpod.common.PortMapping;
import io.jpod.events.EventBus;
import io.jpod.common.Ids;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bridge networks (libpod's seed networking): names, subnets and bridges chosen and checked here,
 * a default network made on first start, events published; the {@link NetworkBackend} keeps the
 * networks and wires containers to them. Which containers use a network is the caller's question.
 */
public final class NetworkService {

    private static final Log LOG = LogFactory.getLog(NetworkService.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final List<String> RESERVED = List.of("none", "host", "bridge", "default", "container");

    private final NetworkBackend backend;
    private final String defaultName;
    private final boolean rootless;
    private final LockOrder.OrderedLock lock = LockOrder.ordered(LockOrder.Level.NETWORKS);
    private final EventBus events;
    private final boolean defaultDns;

    /** The domain of every network's name resolver (podman's CNI networks had {@code dns.podman}). */
    public static final String DNS_DOMAIN = "dns.jpod";

    public NetworkService(NetworkBackend backend, String defaultName, boolean rootless, EventBus events) {
        this(backend, defaultName, rootless, events, false);
    }

    /**
     * {@code defaultDns}: whether the default network, when this daemon makes it, gets a name
     * resolver; without (the default) it is like Docker's default bridge, where containers have no names.
     */
    public NetworkService(NetworkBackend backend, String defaultName, boolean rootless, EventBus events,
            boolean defaultDns) {
        this.backend = backend;
        this.events = events;
        this.defaultName = defaultName == null || defaultName.isEmpty() ? "jpod" : defaultName;
        this.rootless = rootless;
        this.defaultDns = defaultDns;
    }

    public String defaultNetwork() {
        return defaultName;
    }

    /** The default network exists after this (made with jpod's own bridge and a subnet podman's does not use). */
    public void ensureDefault() {
        if (rootless) {
            return;
        }
        try (LockOrder.Held held = lock.hold()) {
            if (find(defaultName) == null) {
                create(defaultName, "10.89.0.0/24", null, false, Map.of(), defaultDns);
                LOG.info("created the default network " + defaultName + " (bridge jpod0, 10.89.0.0/24)");
            }
        }
    }

    private void requireRoot() {
        if (rootless) {
            throw EngineException.invalidArgument("bridge networks are not supported yet for rootless jpod: "
                    + "use --network none or host");
        }
    }

    // ---- networks ----------------------------------------------------------------------------

    public List<NetworkConfig> list() {
        return backend.list();
    }

    /** By name, full ID or unique ID prefix. */
    public NetworkConfig inspect(String nameOrId) {
        NetworkConfig n = find(nameOrId);
        if (n == null) {
            throw new NoSuchObjectException("network " + nameOrId + " not found: network not found");
        }
        return n;
    }

    private NetworkConfig find(String nameOrId) {
        if (NAME.matcher(nameOrId).matches()) {
            NetworkConfig byName = backend.find(nameOrId).orElse(null);
            if (byName != null) {
                return byName;
            }
        }
        List<NetworkConfig> all = list();
        for (NetworkConfig n : all) {
            if (n.name().equals(nameOrId) || n.id().equals(nameOrId)) {
                return n;
            }
        }
        List<NetworkConfig> byPrefix = nameOrId.length() < 3 ? List.of()
                : all.stream().filter(n -> n.id().startsWith(nameOrId)).toList();
        if (byPrefix.size() > 1) {
            throw EngineException.invalidArgument("more than one network matches \"" + nameOrId + "\"");
        }
        return byPrefix.isEmpty() ? null : byPrefix.get(0);
    }

    /** A network whose containers resolve each other's names (Docker's user-defined networks). */
    public NetworkConfig create(String name, String subnet, String gateway, boolean internal,
            Map<String, String> labels) {
        return create(name, subnet, gateway, internal, labels, true);
    }

    /** {@code dns}: with a name resolver (the CNI dnsname plugin, domain {@link #DNS_DOMAIN}). */
    public NetworkConfig create(String name, String subnet, String gateway, boolean internal,
            Map<String, String> labels, boolean dns) {
        requireRoot();
        if (name == null || !NAME.matcher(name).matches() || name.length() > 200) {
            throw EngineException.invalidArgument("invalid network name \"" + name + "\": names must match "
                    + NAME.pattern());
        }
        if (RESERVED.contains(name) && !name.equals(defaultName)) {
            throw EngineException.invalidArgument("network name \"" + name + "\" is reserved");
        }
        try (LockOrder.Held held = lock.hold()) {
            List<NetworkConfig> existing = list();
            if (existing.stream().anyMatch(n -> n.name().equals(name))) {
                throw EngineException.alreadyExists("network name " + name + " already used: network already exists");
            }
            String net = subnet == null || subnet.isEmpty() ? freeSubnet(existing) : checkSubnet(subnet, existing);
            String gw = gateway == null || gateway.isEmpty() ? hostAddress(net, 1) : gateway;
            // the default network always has jpod0, so a new daemon on the same host reuses it
            String bridge = name.equals(defaultName) ? "jpod0" : freeBridge(existing);
            NetworkConfig n = new NetworkConfig(name, Ids.random(), bridge, net, gw, internal, labels, Instant.now(),
                    dns ? DNS_DOMAIN : "");
            backend.create(n);
            events.publish("network", "create", n.id(), n.name(), EventBus.attributes("type", "bridge"));
            return n;
        }
    }

    /**
     * Removes the network; the caller has checked that no container's config names it, and the
     * backend still refuses while a container is attached to it.
     */
    public void remove(String nameOrId) {
        NetworkConfig n = inspect(nameOrId);
        if (n.name().equals(defaultName)) {
            throw EngineException.invalidState("the default network " + defaultName + " cannot be removed");
        }
        backend.remove(n.name());
        events.publish("network", "remove", n.id(), n.name(), EventBus.attributes("type", "bridge"));
    }

    /** The first free 10.89.N.0/24 (podman's default network is 10.88.0.0/16, kept clear). */
    private static String freeSubnet(List<NetworkConfig> existing) {
        for (int i = 0; i < 256; i++) {
            String candidate = "10.89." + i + ".0/24";
            if (existing.stream().noneMatch(n -> overlaps(n.subnet(), candidate))) {
                return candidate;
            }
        }
        throw new EngineException(EngineException.Category.RESOURCE_EXHAUSTED, "no free subnet left in 10.89.0.0/16: "
                + "give one with --subnet");
    }

    private static String checkSubnet(String subnet, List<NetworkConfig> existing) {
        long[] range = range(subnet);
        if (range[1] - range[0] < 3) {
            throw EngineException.invalidArgument("subnet " + subnet + " is too small");
        }
        for (NetworkConfig n : existing) {
            if (overlaps(n.subnet(), subnet)) {
                throw EngineException.alreadyExists("subnet " + subnet + " overlaps network " + n.name() + " ("
                        + n.subnet() + ")");
            }
        }
        return subnet;
    }

    static boolean overlaps(String a, String b) {
        long[] x = range(a);
        long[] y = range(b);
        return x[0] <= y[1] && y[0] <= x[1];
    }

    /** First and last address of an IPv4 CIDR as numbers. */
    static long[] range(String cidr) {
        try {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException();
            }
            byte[] a = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            if (a.length != 4 || bits < 8 || bits > 30) {
                throw new IllegalArgumentException();
            }
            long ip = ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
            long mask = (0xffffffffL << (32 - bits)) & 0xffffffffL;
            long first = ip & mask;
            return new long[] {first, first | (~mask & 0xffffffffL)};
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw EngineException.invalidArgument("invalid subnet \"" + cidr + "\": use an IPv4 CIDR from /8 to /30 "
                    + "such as 10.90.0.0/24");
        }
    }

    private static String hostAddress(String cidr, int offset) {
        long v = range(cidr)[0] + offset;
        return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
    }

    private static String freeBridge(List<NetworkConfig> existing) {
        for (int i = 1; ; i++) {
            String name = "jpod" + i;
            if (existing.stream().noneMatch(n -> n.bridge().equals(name)) && !Files.exists(Path.of("/sys/class/net",
                    name))) {
                return name;
            }
        }
    }

    // ---- containers ----------------------------------------------------------------------------

    /** A container's network namespace and the CNI result of each network it joined. */
    public record Attachment(Path netns, Map<String, String> results) {}

    /**
     * Makes a network namespace for the container, brings up {@code lo} and joins the networks
     * ({@code eth0}, {@code eth1}...), publishing {@code ports} on the first. Undone on failure.
     */
    public Attachment attach(String containerId, List<String> networks, List<PortMapping> ports) {
        return attach(containerId, networks, ports, EndpointNames.NONE);
    }

    /** As {@link #attach(String, List, List)}, known to the networks' name resolvers by {@code names}. */
    public Attachment attach(String containerId, List<String> networks, List<PortMapping> ports,
            EndpointNames names) {
        if (!networks.isEmpty()) {
            requireRoot();
        }
        return backend.attach(containerId, networks.stream().map(this::nameOf).toList(), ports, names);
    }

    /** Joins one more network in an existing namespace, on the next free {@code ethN}; returns the CNI result. */
    public String join(String containerId, Path netns, String network, java.util.Collection<String> results) {
        return join(containerId, netns, network, results, EndpointNames.NONE);
    }

    /** As {@link #join(String, Path, String, java.util.Collection)}, known to its resolver by {@code names}. */
    public String join(String containerId, Path netns, String network, java.util.Collection<String> results,
            EndpointNames names) {
        requireRoot();
        return backend.join(containerId, netns, nameOf(network), results, names);
    }

    /** Leaves one network (CNI DEL on the interface its result names). */
    public void leave(String containerId, Path netns, String network, String result, List<PortMapping> ports) {
        backend.leave(containerId, netns, nameOf(network), result, ports);
    }

    /** Leaves every network (CNI DEL, reverse order of plugins) and removes the namespace. */
    public void detach(String containerId, Attachment a, List<PortMapping> ports) {
        backend.detach(containerId, a, ports);
    }

    /** Crash leftovers of a container: see {@link NetworkBackend#sweep}. */
    public void sweep(String containerId, Path keep, EndpointNames names) {
        backend.sweep(containerId, keep, names);
    }

    /** Crash leftovers of containers gone: see {@link NetworkBackend#sweepLeases}. */
    public void sweepLeases(java.util.Set<String> known) {
        backend.sweepLeases(known);
    }

    /**
     * Containers record networks by name, so the start path reads only that network; an ID or
     * prefix is resolved to its name (an unknown network fails here).
     */
    private String nameOf(String network) {
        return NAME.matcher(network).matches() && backend.find(network).isPresent() ? network
                : inspect(network).name();
    }

    /** The container's address on a network, from its CNI result. */
    public static IpInfo addressOf(JsonMapper json, String result) {
        JsonNode r = json.readTree(result);
        JsonNode ip = r.path("ips").path(0);
        String cidr = ip.path("address").asString("");
        String mac = "";
        for (JsonNode iface : r.path("interfaces")) {
            if (iface.path("sandbox").asString("").length() > 0) {
                mac = iface.path("mac").asString("");
            }
        }
        int slash = cidr.indexOf('/');
        return new IpInfo(slash < 0 ? cidr : cidr.substring(0, slash), slash < 0 ? 0
                : Integer.parseInt(cidr.substring(slash + 1)), ip.path("gateway").asString(""), mac);
    }

    public record IpInfo(String address, int prefixLength, String gateway, String mac) {}
}
