package io.jpod.network;

import io.jpod.common.PortMapping;
import io.jpod.events.EventBus;
import io.jpod.common.Ids;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CNI bridge networks (libpod's seed networking): one conflist per network in {@code cni_config_dir},
 * a default network made on first start, and per-container network namespaces wired with the
 * {@code loopback}, {@code bridge} (host-local IPAM), {@code portmap}, {@code firewall} and
 * {@code tuning} plugins. Which containers use a network is the caller's question.
 */
public final class NetworkService {

    private static final Log LOG = LogFactory.getLog(NetworkService.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final List<String> RESERVED = List.of("none", "host", "bridge", "default", "container");
    private static final String CNI_VERSION = "1.0.0";

    private final Path configDir;
    private final Path ipamDir;
    private final String defaultName;
    private final boolean rootless;
    private final Cni cni;
    private final JsonMapper json;
    private final Object lock = new Object();
    private final EventBus events;

    public NetworkService(Path configDir, List<Path> pluginDirs, Path ipamDir, String defaultName, boolean rootless,
            EventBus events, JsonMapper json) {
        this.events = events;
        this.configDir = configDir;
        this.ipamDir = ipamDir;
        this.defaultName = defaultName == null || defaultName.isEmpty() ? "jpod" : defaultName;
        this.rootless = rootless;
        this.cni = new Cni(pluginDirs, ipamDir, json);
        this.json = json;
    }

    public String defaultNetwork() {
        return defaultName;
    }

    /** The default network exists after this (made with jpod's own bridge and a subnet podman's does not use). */
    public void ensureDefault() {
        if (rootless) {
            return;
        }
        synchronized (lock) {
            if (find(defaultName) == null) {
                create(defaultName, "10.89.0.0/24", null, false, Map.of());
                LOG.info("created the default network " + defaultName + " (bridge jpod0, 10.89.0.0/24) in "
                        + configDir);
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
        List<NetworkConfig> out = new ArrayList<>();
        if (!Files.isDirectory(configDir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(configDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conflist")).sorted().toList()) {
                try {
                    out.add(parse(json.readTree(Files.readAllBytes(f))));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("skipping unreadable network config " + f + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw EngineException.internal("reading " + configDir + ": " + e.getMessage(), e);
        }
        return out;
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

    public NetworkConfig create(String name, String subnet, String gateway, boolean internal,
            Map<String, String> labels) {
        requireRoot();
        if (name == null || !NAME.matcher(name).matches() || name.length() > 200) {
            throw EngineException.invalidArgument("invalid network name \"" + name + "\": names must match "
                    + NAME.pattern());
        }
        if (RESERVED.contains(name) && !name.equals(defaultName)) {
            throw EngineException.invalidArgument("network name \"" + name + "\" is reserved");
        }
        synchronized (lock) {
            List<NetworkConfig> existing = list();
            if (existing.stream().anyMatch(n -> n.name().equals(name))) {
                throw EngineException.alreadyExists("network name " + name + " already used: network already exists");
            }
            String net = subnet == null || subnet.isEmpty() ? freeSubnet(existing) : checkSubnet(subnet, existing);
            String gw = gateway == null || gateway.isEmpty() ? hostAddress(net, 1) : gateway;
            // the default network always has jpod0, so a new daemon on the same host reuses it
            String bridge = name.equals(defaultName) ? "jpod0" : freeBridge(existing);
            NetworkConfig n = new NetworkConfig(name, Ids.random(), bridge, net, gw, internal, labels, Instant.now());
            try {
                Files.createDirectories(configDir);
                Path file = configDir.resolve(name + ".conflist");
                Path tmp = configDir.resolve("." + name + ".conflist.tmp");
                Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(conflist(n)));
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw EngineException.internal("writing the config of network " + name + ": " + e.getMessage(), e);
            }
            events.publish("network", "create", n.id(), n.name(), EventBus.attributes("type", "bridge"));
            return n;
        }
    }

    /** Removes the network's config; the caller has checked no container uses it. */
    public void remove(String nameOrId) {
        NetworkConfig n = inspect(nameOrId);
        if (n.name().equals(defaultName)) {
            throw EngineException.invalidState("the default network " + defaultName + " cannot be removed");
        }
        try {
            Files.deleteIfExists(configDir.resolve(n.name() + ".conflist"));
        } catch (IOException e) {
            throw EngineException.internal("removing network " + n.name() + ": " + e.getMessage(), e);
        }
        // the bridge plugin leaves its bridge behind; nobody else uses it now
        if (Files.exists(Path.of("/sys/class/net", n.bridge()))
                && list().stream().noneMatch(o -> o.bridge().equals(n.bridge()))) {
            try {
                io.jpod.host.ProcessRunner.run(List.of("ip", "link", "delete", n.bridge()),
                        java.time.Duration.ofSeconds(10));
            } catch (IOException e) {
                LOG.warn("removing bridge " + n.bridge() + ": " + e.getMessage());
            }
        }
        events.publish("network", "remove", n.id(), n.name(), EventBus.attributes("type", "bridge"));
    }

    private ObjectNode conflist(NetworkConfig n) {
        ObjectNode c = json.createObjectNode();
        c.put("cniVersion", CNI_VERSION);
        c.put("name", n.name());
        ArrayNode plugins = c.putArray("plugins");
        ObjectNode bridge = plugins.addObject().put("type", "bridge").put("bridge", n.bridge())
                .put("isGateway", true).put("ipMasq", !n.internal()).put("hairpinMode", true);
        ObjectNode ipam = bridge.putObject("ipam").put("type", "host-local");
        if (!n.internal()) {
            ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        }
        ipam.putArray("ranges").addArray().addObject().put("subnet", n.subnet()).put("gateway", n.gateway());
        plugins.addObject().put("type", "portmap").putObject("capabilities").put("portMappings", true);
        plugins.addObject().put("type", "firewall").put("backend", "iptables");
        plugins.addObject().put("type", "tuning");
        ObjectNode args = c.putObject("args").putObject("jpod");
        args.put("id", n.id()).put("created", n.created().toString()).put("internal", n.internal());
        ObjectNode labels = args.putObject("labels");
        n.labels().forEach(labels::put);
        return c;
    }

    private static NetworkConfig parse(JsonNode c) {
        JsonNode bridge = null;
        for (JsonNode p : c.path("plugins")) {
            if (p.path("type").asString("").equals("bridge")) {
                bridge = p;
            }
        }
        if (bridge == null) {
            throw new IllegalArgumentException("not a bridge network");
        }
        JsonNode range = bridge.path("ipam").path("ranges").path(0).path(0);
        JsonNode meta = c.path("args").path("jpod");
        Map<String, String> labels = new LinkedHashMap<>();
        meta.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        String id = meta.path("id").asString("");
        if (id.isEmpty()) {
            // a config written by someone else: an ID derived from its name stays stable
            id = HexFormat.of().formatHex(sha256(c.path("name").asString()));
        }
        Instant created = meta.path("created").isString() ? Instant.parse(meta.path("created").asString())
                : Instant.EPOCH;
        return new NetworkConfig(c.path("name").asString(), id, bridge.path("bridge").asString("cni0"),
                range.path("subnet").asString(""), range.path("gateway").asString(""),
                meta.path("internal").asBoolean(false), labels, created);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        if (!networks.isEmpty()) {
            requireRoot();
        }
        // read before the namespace exists: an unknown network fails with nothing to undo
        List<JsonNode> configs = networks.stream().map(this::readConflist).toList();
        Path netns = Netns.create("jpod-" + containerId.substring(0, 12) + "-" + Long.toHexString(System.nanoTime()));
        Map<String, String> results = new LinkedHashMap<>();
        try {
            cni.add(loopback(), containerId, netns, "lo", List.of());
            for (int i = 0; i < configs.size(); i++) {
                JsonNode result = cni.add(configs.get(i), containerId, netns, "eth" + i, i == 0 ? ports : List.of());
                results.put(networks.get(i), json.writeValueAsString(result));
            }
            return new Attachment(netns, results);
        } catch (RuntimeException e) {
            detach(containerId, new Attachment(netns, results), ports);
            throw e;
        }
    }

    /** Joins one more network in an existing namespace, on the next free {@code ethN}; returns the CNI result. */
    public String join(String containerId, Path netns, String network, java.util.Collection<String> results) {
        requireRoot();
        JsonNode conflist = readConflist(network);
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (String r : results) {
            taken.add(interfaceOf(r, ""));
        }
        int i = 0;
        while (taken.contains("eth" + i)) {
            i++;
        }
        return json.writeValueAsString(cni.add(conflist, containerId, netns, "eth" + i, List.of()));
    }

    /** Leaves one network (CNI DEL on the interface its result names). */
    public void leave(String containerId, Path netns, String network, String result, List<PortMapping> ports) {
        cni.del(readConflist(network), containerId, netns, interfaceOf(result, "eth0"), json.readTree(result), ports);
    }

    /** The container-side interface a CNI result describes. */
    private String interfaceOf(String result, String orElse) {
        for (JsonNode iface : json.readTree(result).path("interfaces")) {
            if (!iface.path("sandbox").asString("").isEmpty()) {
                return iface.path("name").asString(orElse);
            }
        }
        return orElse;
    }

    /** Leaves every network (CNI DEL, reverse order of plugins) and removes the namespace. */
    public void detach(String containerId, Attachment a, List<PortMapping> ports) {
        int i = 0;
        for (var e : a.results().entrySet()) {
            try {
                cni.del(readConflist(e.getKey()), containerId, a.netns(), interfaceOf(e.getValue(), "eth" + i),
                        json.readTree(e.getValue()), i == 0 ? ports : List.of());
            } catch (RuntimeException ex) {
                LOG.warn("leaving network " + e.getKey() + " for " + containerId + ": " + ex.getMessage());
            }
            i++;
        }
        try {
            if (Files.exists(a.netns())) {
                cni.del(loopback(), containerId, a.netns(), "lo", null, List.of());
            }
        } catch (RuntimeException ex) {
            LOG.debug("loopback DEL: " + ex.getMessage());
        }
        Netns.delete(a.netns());
    }

    /**
     * A network's conflist, read straight from its file: containers record networks by name, so
     * the start path needs no scan of every network.
     */
    private JsonNode readConflist(String name) {
        Path file = configDir.resolve(name + ".conflist");
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(file)) {
            // an ID or prefix: resolved to its name (an unknown network fails here)
            file = configDir.resolve(inspect(name).name() + ".conflist");
        }
        try {
            return json.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw EngineException.internal("reading network " + name + ": " + e.getMessage(), e);
        }
    }

    private JsonNode loopback() {
        ObjectNode c = json.createObjectNode().put("cniVersion", CNI_VERSION).put("name", "jpod-loopback");
        c.putArray("plugins").addObject().put("type", "loopback");
        return c;
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
