package io.jpod.network;

import io.jpod.lock.LockOrder;
import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.host.ProcessRunner;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bridge networks through the CNI plugins (libpod's CNI backend): one conflist per network in the
 * config directory, and per-container network namespaces wired with the {@code loopback},
 * {@code bridge} (host-local IPAM, leases under {@code ipamDir}), {@code portmap},
 * {@code firewall} and {@code tuning} plugins, and on networks with names the {@code dnsname}
 * plugin (one dnsmasq per network on its bridge, as podman 3/4 with CNI).
 */
public final class CniNetworkBackend implements NetworkBackend, AutoCloseable {

    private static final Log LOG = LogFactory.getLog(CniNetworkBackend.class);
    /** Names that are safe as file names; anything else cannot be a network here. */
    private static final Pattern FILE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final String CNI_VERSION = "1.0.0";
    /** Where a stored CNI result keeps the name the container was registered under with the resolver. */
    private static final String DNS_NAME = "jpodDnsName";

    private final Path configDir;
    private final Path ipamDir;
    private final Cni cni;
    private final JsonMapper json;
    private final LockOrder.OrderedLock lock = LockOrder.ordered(LockOrder.Level.NETWORK_BACKEND);
    private final Resolvers resolvers;

    /** {@code ipamDir}: where host-local keeps its leases (under the tmp dir, so a reboot clears them). */
    public CniNetworkBackend(Path configDir, List<Path> pluginDirs, Path ipamDir, JsonMapper json) {
        this(configDir, pluginDirs, ipamDir, ipamDir.resolveSibling("dns"), json);
    }

    /**
     * {@code dnsDir}: where the networks' name resolvers keep their files (under the tmp dir too);
     * resolvers left from before are found again, those of networks gone are stopped.
     */
    public CniNetworkBackend(Path configDir, List<Path> pluginDirs, Path ipamDir, Path dnsDir, JsonMapper json) {
        this.configDir = configDir;
        this.ipamDir = ipamDir;
        this.resolvers = new Resolvers(dnsDir);
        this.cni = new Cni(pluginDirs, ipamDir, dnsDir, json);
        this.json = json;
        sweepResolvers(true);
    }

    /** At daemon shutdown: resolvers that serve no container are stopped; those of running containers stay. */
    @Override
    public void close() {
        sweepResolvers(false);
    }

    private void sweepResolvers(boolean revive) {
        try (LockOrder.Held held = lock.hold()) {
            for (String network : resolvers.networks()) {
                Optional<NetworkConfig> n = find(network);
                if (n.isEmpty() || !resolvers.hasEntries(network)) {
                    resolvers.remove(network, n.map(NetworkConfig::bridge).orElse(""));
                } else if (revive) {
                    resolvers.revive(network);
                }
            }
        }
    }

    /** The directory of a network's name resolver (its dnsmasq config, hosts file and pid file). */
    public Path resolverDir(String network) {
        return resolvers.dir(network);
    }

    // ---- networks ----------------------------------------------------------------------------

    @Override
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

    @Override
    public Optional<NetworkConfig> find(String name) {
        Path file = file(name);
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(json.readTree(Files.readAllBytes(file))));
        } catch (IOException | RuntimeException e) {
            throw EngineException.internal("reading network " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void create(NetworkConfig n) {
        Path file = file(n.name());
        if (file == null) {
            throw EngineException.invalidArgument("invalid network name \"" + n.name() + "\"");
        }
        try (LockOrder.Held held = lock.hold()) {
            if (Files.exists(file)) {
                throw EngineException.alreadyExists("network name " + n.name() + " already used: network already exists");
            }
            try {
                Files.createDirectories(configDir);
                Path tmp = configDir.resolve("." + n.name() + ".conflist.tmp");
                Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(conflist(n)));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw EngineException.internal("writing the config of network " + n.name() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void remove(String name) {
        try (LockOrder.Held held = lock.hold()) {
            NetworkConfig n = find(name).orElseThrow(() -> new NoSuchObjectException("network " + name
                    + " not found: network not found"));
            Set<String> holders = attachedContainers(n.name());
            if (!holders.isEmpty()) {
                throw EngineException.invalidState("network " + n.name() + " is in use by " + holders.size()
                        + " container(s) still attached to it");
            }
            try {
                Files.deleteIfExists(file(n.name()));
            } catch (IOException e) {
                throw EngineException.internal("removing network " + n.name() + ": " + e.getMessage(), e);
            }
            // host-local's leftovers (last reserved address, lock file) would outlive the network
            Trees.delete(ipamDir.resolve(n.name()));
            // dnsname stops its dnsmasq at the last DEL, but leaves its firewall rule (and files after a crash)
            resolvers.remove(n.name(), n.bridge());
            // the bridge plugin leaves its bridge behind; nobody else uses it now
            if (Files.exists(Path.of("/sys/class/net", n.bridge()))
                    && list().stream().noneMatch(o -> o.bridge().equals(n.bridge()))) {
                try {
                    ProcessRunner.run(List.of("ip", "link", "delete", n.bridge()), Duration.ofSeconds(10));
                } catch (IOException e) {
                    LOG.warn("removing bridge " + n.bridge() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Containers with an address lease on the network whose namespace still exists: a lease left by
     * a namespace that is gone (a crash) holds nothing.
     */
    private Set<String> attachedContainers(String network) {
        Set<String> out = new HashSet<>();
        Path leases = ipamDir.resolve(network);
        if (!Files.isDirectory(leases)) {
            return out;
        }
        try (Stream<Path> files = Files.list(leases)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9a-f.:]+")).toList()) {
                String holder = Files.readString(f, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
                if (holder.length() >= 12 && hasNamespace(holder)) {
                    out.add(holder);
                }
            }
        } catch (IOException e) {
            throw EngineException.internal("reading the leases of network " + network + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean hasNamespace(String containerId) throws IOException {
        if (!Files.isDirectory(Netns.DIR)) {
            return false;
        }
        String prefix = namespacePrefix(containerId);
        try (Stream<Path> all = Files.list(Netns.DIR)) {
            return all.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        }
    }

    private static String namespacePrefix(String containerId) {
        return "jpod-" + containerId.substring(0, Math.min(12, containerId.length())) + "-";
    }

    private Path file(String name) {
        return name != null && FILE_NAME.matcher(name).matches() ? configDir.resolve(name + ".conflist") : null;
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
        if (n.dns()) {
            plugins.addObject().put("type", "dnsname").put("domainName", n.dnsDomain())
                    .putObject("capabilities").put("aliases", true);
        }
        ObjectNode args = c.putObject("args").putObject("jpod");
        args.put("id", n.id()).put("created", n.created().toString()).put("internal", n.internal());
        ObjectNode labels = args.putObject("labels");
        n.labels().forEach(labels::put);
        return c;
    }

    private static NetworkConfig parse(JsonNode c) {
        JsonNode bridge = null;
        String dnsDomain = "";
        for (JsonNode p : c.path("plugins")) {
            if (p.path("type").asString("").equals("bridge")) {
                bridge = p;
            }
            if (p.path("type").asString("").equals("dnsname")) {
                dnsDomain = p.path("domainName").asString("");
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
                meta.path("internal").asBoolean(false), labels, created, dnsDomain);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- containers ----------------------------------------------------------------------------

    @Override
    public NetworkService.Attachment attach(String containerId, List<String> networks, List<PortMapping> ports,
            EndpointNames names) {
        // read before the namespace exists: an unknown network fails with nothing to undo
        List<JsonNode> configs = networks.stream().map(this::readConflist).toList();
        Path netns = Netns.create(namespacePrefix(containerId) + Long.toHexString(System.nanoTime()));
        Map<String, String> results = new LinkedHashMap<>();
        try {
            cni.add(loopback(), containerId, netns, "lo", List.of());
            for (int i = 0; i < configs.size(); i++) {
                Cni.Who who = who(configs.get(i), containerId, names);
                JsonNode result = cni.add(configs.get(i), containerId, netns, "eth" + i, i == 0 ? ports : List.of(),
                        who);
                results.put(networks.get(i), stored(result, who));
            }
            return new NetworkService.Attachment(netns, results);
        } catch (RuntimeException e) {
            detach(containerId, new NetworkService.Attachment(netns, results), ports);
            throw e;
        }
    }

    @Override
    public String join(String containerId, Path netns, String network, Collection<String> results,
            EndpointNames names) {
        JsonNode conflist = readConflist(network);
        Set<String> taken = new HashSet<>();
        for (String r : results) {
            taken.add(interfaceOf(r, ""));
        }
        int i = 0;
        while (taken.contains("eth" + i)) {
            i++;
        }
        Cni.Who who = who(conflist, containerId, names);
        return stored(cni.add(conflist, containerId, netns, "eth" + i, List.of(), who), who);
    }

    /**
     * Who the container is to the network's resolver, when it has one: its name (its short ID when it
     * has none) and its aliases there, its short ID among them (as Docker resolves it).
     */
    private static Cni.Who who(JsonNode conflist, String containerId, EndpointNames names) {
        boolean dns = false;
        for (JsonNode p : conflist.path("plugins")) {
            dns |= p.path("type").asString("").equals("dnsname");
        }
        if (!dns) {
            return Cni.Who.NOBODY;
        }
        String shortId = containerId.substring(0, Math.min(12, containerId.length()));
        String name = names.name().isEmpty() ? shortId : names.name();
        List<String> aliases = new ArrayList<>();
        for (String a : names.on(conflist.path("name").asString())) {
            if (!a.equals(name) && !aliases.contains(a)) {
                aliases.add(a);
            }
        }
        if (!name.equals(shortId) && !aliases.contains(shortId)) {
            aliases.add(shortId);
        }
        return new Cni.Who(name, aliases);
    }

    /** The CNI result as the state keeps it: with the name registered at the resolver, for the DEL. */
    private String stored(JsonNode result, Cni.Who who) {
        if (result instanceof ObjectNode o && !who.name().isEmpty()) {
            o.put(DNS_NAME, who.name());
        }
        return json.writeValueAsString(result);
    }

    /** The registration a stored result records, and the result as the plugins gave it. */
    private static Cni.Who whoOf(JsonNode stored) {
        String name = stored.path(DNS_NAME).asString("");
        return name.isEmpty() ? Cni.Who.NOBODY : new Cni.Who(name, List.of());
    }

    private JsonNode prevResult(String stored) {
        JsonNode r = json.readTree(stored);
        if (r instanceof ObjectNode o) {
            o.remove(DNS_NAME);
        }
        return r;
    }

    /** The resolver's hosts file names the container anew; the stored result records it for the DEL. */
    @Override
    public String rename(String network, String result, String newName) {
        JsonNode stored = json.readTree(result);
        String old = stored.path(DNS_NAME).asString("");
        if (old.isEmpty() || old.equals(newName) || !(stored instanceof ObjectNode o)) {
            return result; // not registered with a resolver (a network without names)
        }
        resolvers.rename(network, old, newName);
        o.put(DNS_NAME, newName);
        return json.writeValueAsString(o);
    }

    @Override
    public void leave(String containerId, Path netns, String network, String result, List<PortMapping> ports) {
        cni.del(readConflist(network), containerId, netns, interfaceOf(result, "eth0"), prevResult(result), ports,
                whoOf(json.readTree(result)));
    }

    @Override
    public void detach(String containerId, NetworkService.Attachment a, List<PortMapping> ports) {
        int i = 0;
        for (var e : a.results().entrySet()) {
            try {
                cni.del(readConflist(e.getKey()), containerId, a.netns(), interfaceOf(e.getValue(), "eth" + i),
                        prevResult(e.getValue()), i == 0 ? ports : List.of(), whoOf(json.readTree(e.getValue())));
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

    // ---- crash leftovers ----------------------------------------------------------------------

    @Override
    public void sweep(String containerId, Path keep, EndpointNames names) {
        List<Path> stray = new ArrayList<>();
        if (Files.isDirectory(Netns.DIR)) {
            try (Stream<Path> all = Files.list(Netns.DIR)) {
                all.filter(p -> p.getFileName().toString().startsWith(namespacePrefix(containerId))
                        && !p.equals(keep)).forEach(stray::add);
            } catch (IOException e) {
                LOG.warn("listing " + Netns.DIR + ": " + e.getMessage());
            }
        }
        try (LockOrder.Held held = lock.hold()) {
            if (keep == null) {
                // it holds no network: every lease in its name is a crash's (an ADD its record never saw)
                Path ns = stray.isEmpty() ? Netns.DIR.resolve(namespacePrefix(containerId) + "gone") : stray.get(0);
                for (Lease l : leases()) {
                    if (l.holder().equals(containerId)) {
                        release(l, ns, names);
                    }
                }
            }
            for (Path ns : stray) {
                try {
                    cni.del(loopback(), containerId, ns, "lo", null, List.of());
                } catch (RuntimeException e) {
                    LOG.debug("loopback DEL: " + e.getMessage());
                }
                LOG.info("Removing network namespace " + ns + " that " + containerId + " no longer uses (a crash's)");
                Netns.delete(ns);
            }
        }
    }

    @Override
    public void sweepLeases(Set<String> known) {
        try (LockOrder.Held held = lock.hold()) {
            for (Lease l : leases()) {
                if (!known.contains(l.holder())) {
                    release(l, Netns.DIR.resolve(namespacePrefix(l.holder()) + "gone"), EndpointNames.NONE);
                }
            }
            Map<String, Set<String>> leased = new java.util.HashMap<>();
            for (Lease l : leases()) {
                leased.computeIfAbsent(l.network(), n -> new HashSet<>()).add(l.file().getFileName().toString());
            }
            for (String network : resolvers.networks()) {
                resolvers.prune(network, leased.getOrDefault(network, Set.of()));
            }
        }
    }

    /** An address host-local handed out: its file holds the container's ID, then its interface. */
    private record Lease(String network, Path file, String holder, String ifname) {}

    private List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        if (!Files.isDirectory(ipamDir)) {
            return out;
        }
        try (Stream<Path> nets = Files.list(ipamDir)) {
            for (Path net : nets.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(net)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9a-f.:]+")).toList()) {
                        List<String> lines = Files.readString(f, StandardCharsets.UTF_8).lines().map(String::strip)
                                .toList();
                        if (!lines.isEmpty() && lines.get(0).length() >= 12) {
                            out.add(new Lease(net.getFileName().toString(), f, lines.get(0),
                                    lines.size() > 1 ? lines.get(1) : "eth0"));
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("reading the address leases in " + ipamDir + ": " + e.getMessage());
        }
        return out;
    }

    /** CNI DEL of a lease's network for its holder (undoing what an ADD did), then the lease itself. */
    private void release(Lease l, Path netns, EndpointNames names) {
        LOG.info("Releasing address " + l.file().getFileName() + " on network " + l.network() + " that "
                + l.holder() + " no longer holds (a crash's)");
        try {
            JsonNode conflist = readConflist(l.network());
            cni.del(conflist, l.holder(), netns, l.ifname(), null, List.of(), who(conflist, l.holder(), names));
        } catch (RuntimeException e) {
            LOG.debug("DEL of a crash's lease: " + e.getMessage());
        }
        try {
            Files.deleteIfExists(l.file());
        } catch (IOException e) {
            LOG.warn("removing lease " + l.file() + ": " + e.getMessage());
        }
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

    /** A network's conflist, read straight from its file. */
    private JsonNode readConflist(String name) {
        Path file = file(name);
        if (file == null || !Files.isRegularFile(file)) {
            throw new NoSuchObjectException("network " + name + " not found: network not found");
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
}
