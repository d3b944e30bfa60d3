package io.jpod.api.libpod;

import io.jpod.api.Filters;
import io.jpod.container.NetworkUse;
import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** libpod's {@code /libpod/networks/...} API (podman 4's network shape) over jpod's CNI networks. */
@RestController
@RequestMapping("/libpod/networks")
class LibpodNetworksController {

    private final NetworkService networks;
    private final NetworkUse use;
    private final io.jpod.container.ContainerService containers;
    private final JsonMapper json;

    LibpodNetworksController(NetworkService networks, NetworkUse use, io.jpod.container.ContainerService containers,
            JsonMapper json) {
        this.networks = networks;
        this.use = use;
        this.containers = containers;
        this.json = json;
    }

    private static Map<String, Object> network(NetworkConfig n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.name());
        m.put("id", n.id());
        m.put("driver", "bridge");
        m.put("network_interface", n.bridge());
        m.put("created", LibpodJson.time(n.created()));
        m.put("subnets", List.of(Map.of("subnet", n.subnet(), "gateway", n.gateway())));
        m.put("ipv6_enabled", false);
        m.put("internal", n.internal());
        m.put("dns_enabled", false);
        m.put("labels", n.labels());
        m.put("ipam_options", Map.of("driver", "host-local"));
        return m;
    }

    @GetMapping("/json")
    List<Map<String, Object>> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, io.jpod.api.NetworkFilters.KEYS);
        List<Map<String, Object>> out = new ArrayList<>();
        for (NetworkConfig n : networks.list()) {
            if (io.jpod.api.NetworkFilters.matches(n, f)) {
                out.add(network(n));
            }
        }
        return out;
    }

    @PostMapping("/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) byte[] body) {
        JsonNode b = Bodies.json(json, body, "the network configuration");
        String driver = b.path("driver").asString("bridge");
        if (!driver.isEmpty() && !driver.equals("bridge")) {
            throw EngineException.invalidArgument("network driver \"" + driver + "\" is not supported: only bridge");
        }
        if (b.path("ipv6_enabled").asBoolean(false)) {
            throw EngineException.invalidArgument("IPv6 networks are not supported yet");
        }
        JsonNode subnet = b.path("subnets").path(0);
        Map<String, String> labels = new LinkedHashMap<>();
        b.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        NetworkConfig n = networks.create(b.path("name").asString(""), subnet.path("subnet").asString(""),
                subnet.path("gateway").asString(""), b.path("internal").asBoolean(false), labels);
        return ResponseEntity.ok(network(n));
    }

    @GetMapping("/{name}/json")
    Map<String, Object> inspect(@PathVariable String name) {
        return network(networks.inspect(name));
    }

    @GetMapping("/{name}/exists")
    ResponseEntity<Void> exists(@PathVariable String name) {
        networks.inspect(name);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{name}")
    List<Map<String, Object>> remove(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force) {
        String n = networks.inspect(name).name();
        use.remove(n, force);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Name", n);
        r.put("Err", null);
        return List.of(r);
    }

    @PostMapping("/{name}/connect")
    ResponseEntity<Void> connect(@PathVariable String name, @RequestBody(required = false) byte[] body) {
        containers.connect(container(body), name);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/{name}/disconnect")
    ResponseEntity<Void> disconnect(@PathVariable String name, @RequestBody(required = false) byte[] body) {
        containers.disconnect(container(body), name);
        return ResponseEntity.ok().build();
    }

    private String container(byte[] body) {
        // connect sends "container" (podman's netavark options), disconnect "Container"
        JsonNode b = Bodies.json(json, body, "the request");
        String c = b.path("Container").asString(b.path("container").asString(""));
        if (c.isEmpty()) {
            throw EngineException.invalidArgument("name the container to connect or disconnect");
        }
        return c;
    }

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : use.prune()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Name", n);
            r.put("Error", null);
            out.add(r);
        }
        return out;
    }
}
