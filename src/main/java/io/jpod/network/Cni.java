package io.jpod.network;

import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs CNI plugins as the CNI spec says: each plugin of a conflist in turn, the network config on
 * stdin (with the previous plugin's result and the runtime's capability arguments), the call in
 * {@code CNI_*} variables, the result or error as JSON on stdout.
 */
final class Cni {

    private final List<Path> pluginDirs;
    private final Path ipamDir;
    private final JsonMapper json;

    private final Path dnsRuntimeDir;

    /**
     * {@code ipamDir}: where host-local keeps its leases, given at each call so config files stay portable;
     * {@code dnsRuntimeDir}: the dnsname plugin's {@code XDG_RUNTIME_DIR}, so each daemon keeps its own
     * resolvers' files ({@code containers/cni/dnsname/<network>} under it).
     */
    Cni(List<Path> pluginDirs, Path ipamDir, Path dnsRuntimeDir, JsonMapper json) {
        this.pluginDirs = List.copyOf(pluginDirs);
        this.ipamDir = ipamDir;
        this.dnsRuntimeDir = dnsRuntimeDir;
        this.json = json;
    }

    /** Who the container is to the network's name resolver: the name dnsname registers, and its aliases there. */
    record Who(String name, List<String> aliases) {
        static final Who NOBODY = new Who("", List.of());
    }

    /** Where the plugin binary is, or a clear error naming the package. */
    Path plugin(String type) {
        for (Path dir : pluginDirs) {
            Path p = dir.resolve(type);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new EngineException(EngineException.Category.UNAVAILABLE, "CNI plugin \"" + type + "\" not found in "
                + pluginDirs + ": apt-get install containernetworking-plugins");
    }

    /** ADD through every plugin of the list; returns the last result. */
    JsonNode add(JsonNode conflist, String containerId, Path netns, String ifname, List<PortMapping> ports) {
        return add(conflist, containerId, netns, ifname, ports, Who.NOBODY);
    }

    /** ADD, known to a name resolver of the network as {@code who}. */
    JsonNode add(JsonNode conflist, String containerId, Path netns, String ifname, List<PortMapping> ports, Who who) {
        JsonNode prev = null;
        try {
            for (JsonNode plugin : conflist.path("plugins")) {
                prev = invoke("ADD", pluginConfig(conflist, plugin, prev, ports, who), containerId, netns, ifname,
                        who);
            }
        } catch (RuntimeException e) {
            // as the CNI spec asks of a runtime: a failed ADD is deleted, or the plugins that did their part
            // keep it (an IP lease, a veth) and every later ADD of this container fails on them
            try {
                del(conflist, containerId, netns, ifname, prev, ports, who);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        return prev;
    }

    /** DEL through the plugins in reverse; errors of one plugin do not stop the others. */
    void del(JsonNode conflist, String containerId, Path netns, String ifname, JsonNode prevResult,
            List<PortMapping> ports) {
        del(conflist, containerId, netns, ifname, prevResult, ports, Who.NOBODY);
    }

    /** DEL of what {@link #add(JsonNode, String, Path, String, List, Who)} did as {@code who}. */
    void del(JsonNode conflist, String containerId, Path netns, String ifname, JsonNode prevResult,
            List<PortMapping> ports, Who who) {
        List<JsonNode> plugins = new ArrayList<>();
        conflist.path("plugins").forEach(plugins::add);
        EngineException first = null;
        for (int i = plugins.size() - 1; i >= 0; i--) {
            try {
                invoke("DEL", pluginConfig(conflist, plugins.get(i), prevResult, ports, who), containerId, netns,
                        ifname, who);
            } catch (EngineException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private ObjectNode pluginConfig(JsonNode conflist, JsonNode plugin, JsonNode prev, List<PortMapping> ports,
            Who who) {
        ObjectNode conf = (ObjectNode) plugin.deepCopy();
        conf.put("cniVersion", conflist.path("cniVersion").asString("1.0.0"));
        conf.put("name", conflist.path("name").asString());
        if (prev != null && !prev.isNull()) {
            conf.set("prevResult", prev);
        }
        if (conf.path("ipam").path("type").asString("").equals("host-local")
                && !conf.path("ipam").has("dataDir")) {
            ((ObjectNode) conf.get("ipam")).put("dataDir", ipamDir.toString());
        }
        if (plugin.path("capabilities").path("portMappings").asBoolean(false) && !ports.isEmpty()) {
            ArrayNode pm = conf.putObject("runtimeConfig").putArray("portMappings");
            for (PortMapping p : ports) {
                ObjectNode m = pm.addObject().put("hostPort", p.hostPort()).put("containerPort", p.containerPort())
                        .put("protocol", p.protocol());
                if (!p.hostIp().isEmpty()) {
                    m.put("hostIP", p.hostIp());
                }
            }
        }
        if (plugin.path("capabilities").path("aliases").asBoolean(false) && !who.aliases().isEmpty()) {
            // dnsname reads the aliases of the network it serves, by the network's name
            ObjectNode rc = conf.has("runtimeConfig") ? (ObjectNode) conf.get("runtimeConfig")
                    : conf.putObject("runtimeConfig");
            ArrayNode list = rc.putObject("aliases").putArray(conflist.path("name").asString());
            who.aliases().forEach(list::add);
        }
        return conf;
    }

    private JsonNode invoke(String command, ObjectNode conf, String containerId, Path netns, String ifname,
            Who who) {
        String type = conf.path("type").asString();
        Path binary = plugin(type);
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns.toString());
        env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", String.join(":", pluginDirs.stream().map(Path::toString).toList()));
        if (!who.name().isEmpty()) {
            // dnsname registers the container under K8S_POD_NAME (podman's CNI arguments); the others ignore it
            env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=" + who.name());
        }
        if (type.equals("dnsname")) {
            env.put("XDG_RUNTIME_DIR", dnsRuntimeDir.toString());
            // it looks dnsmasq up in PATH; a daemon started without sbin in PATH still finds it
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
        }
        try {
            ProcessRunner.Result r = ProcessRunner.run(List.of(binary.toString()), env, json.writeValueAsBytes(conf),
                    Duration.ofSeconds(60));
            String out = r.stdout().strip();
            if (!r.ok()) {
                String msg = out;
                try {
                    JsonNode err = json.readTree(out);
                    msg = err.path("msg").asString(out) + (err.path("details").asString("").isEmpty() ? ""
                            : ": " + err.path("details").asString());
                } catch (RuntimeException notJson) {
                    msg = out.isEmpty() ? r.stderr().strip() : out;
                }
                throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "CNI plugin " + type + " "
                        + command + " failed: " + msg);
            }
            return out.isEmpty() ? null : json.readTree(out);
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "running CNI plugin " + type + ": "
                    + e.getMessage(), e);
        }
    }
}
