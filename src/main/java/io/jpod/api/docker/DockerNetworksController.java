package io.jpod.api.docker;

import io.jpod.api.Filters;
import io.jpod.api.NetworkFilters;
import io.jpod.container.NetworkUse;
import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.StoredContainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: {@code /networks/...} over jpod's CNI bridge networks. */
@RestController
class DockerNetworksController {

    private final NetworkService networks;
    private final NetworkUse use;
    private final io.jpod.container.ContainerService containers;
    private final JsonMapper json;

    DockerNetworksController(NetworkService networks, NetworkUse use, io.jpod.container.ContainerService containers,
            JsonMapper json) {
        this.networks = networks;
        this.use = use;
        this.containers = containers;
        this.json = json;
    }

    private Map<String, Object> network(NetworkConfig n, boolean withContainers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        m.put("Created", n.created().toString());
        m.put("Scope", "local");
        m.put("Driver", "bridge");
        m.put("EnableIPv6", false);
        m.put("IPAM", Map.of("Driver", "default", "Options", Map.of(), "Config",
                List.of(Map.of("Subnet", n.subnet(), "Gateway", n.gateway()))));
        m.put("Internal", n.internal());
        m.put("Attachable", false);
        m.put("Ingress", false);
        m.put("Options", Map.of("com.docker.network.bridge.name", n.bridge()));
        m.put("Labels", n.labels());
        if (withContainers) {
            Map<String, Object> ctrs = new LinkedHashMap<>();
            for (StoredContainer c : use.users(n.name())) {
                String result = c.state().networkStatus().get(n.name());
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("Name", c.name());
                if (result != null) {
                    var ip = NetworkService.addressOf(json, result);
                    e.put("MacAddress", ip.mac());
                    e.put("IPv4Address", ip.address() + "/" + ip.prefixLength());
                }
                ctrs.put(c.id(), e);
            }
            m.put("Containers", ctrs);
        }
        return m;
    }

    @GetMapping("/networks")
    List<Map<String, Object>> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, NetworkFilters.KEYS);
        return networks.list().stream().filter(n -> NetworkFilters.matches(n, f)).map(n -> network(n, false)).toList();
    }

    @GetMapping("/networks/{id}")
    Map<String, Object> inspect(@PathVariable String id) {
        return network(networks.inspect(id), true);
    }

    @PostMapping("/networks/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) {
            throw EngineException.invalidArgument("a JSON network configuration is required");
        }
        String driver = body.path("Driver").asString("bridge");
        if (!driver.isEmpty() && !driver.equals("bridge")) {
            throw EngineException.invalidArgument("network driver \"" + driver + "\" is not supported: only bridge");
        }
        if (body.path("EnableIPv6").asBoolean(false)) {
            throw EngineException.invalidArgument("IPv6 networks are not supported yet");
        }
        JsonNode ipam = body.path("IPAM").path("Config").path(0);
        Map<String, String> labels = new LinkedHashMap<>();
        body.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        NetworkConfig n = networks.create(body.path("Name").asString(""), ipam.path("Subnet").asString(""),
                ipam.path("Gateway").asString(""), body.path("Internal").asBoolean(false), labels);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", n.id(), "Warning", ""));
    }

    @DeleteMapping("/networks/{id}")
    ResponseEntity<Void> remove(@PathVariable String id) {
        use.remove(id, false);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/networks/{id}/connect")
    ResponseEntity<Void> connect(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        containers.connect(container(body), id);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/networks/{id}/disconnect")
    ResponseEntity<Void> disconnect(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        containers.disconnect(container(body), id);
        return ResponseEntity.ok().build();
    }

    private static String container(JsonNode body) {
        String c = body == null ? "" : body.path("Container").asString("");
        if (c.isEmpty()) {
            throw EngineException.invalidArgument("name the container to connect or disconnect");
        }
        return c;
    }

    @PostMapping("/networks/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        return Map.of("NetworksDeleted", use.prune());
    }
}
