package io.jpod.api.docker;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.api.NetworkFilters;
import io.jpod.container.NetworkUse;
import io.jpod.error.EngineException;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
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
    private final JsonMapper json;

    DockerNetworksController(NetworkService networks, NetworkUse use, JsonMapper json) {
        this.networks = networks;
        this.use = use;
        this.json = json;
    }

    @GetMapping("/networks")
    List<NetworkResource> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, NetworkFilters.KEYS);
        return networks.list().stream().filter(n -> NetworkFilters.matches(n, f)).map(n -> NetworkResource.of(n, null, json))
                .toList();
    }

    @GetMapping("/networks/{id}")
    NetworkResource inspect(@PathVariable String id) {
        // "bridge" is Docker's name for its default network (Testcontainers asks for its gateway); a
        // user network cannot take the name, so it always means jpod's default, as podman's compat API has it
        NetworkConfig n = networks.inspect(id.equals("bridge") ? networks.defaultNetwork() : id);
        return NetworkResource.of(n, use.users(n.name()), json);
    }

    @PostMapping("/networks/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) byte[] bytes) {
        JsonNode tree = Bodies.tree(json, bytes, "the network configuration");
        if (bytes == null || bytes.length == 0 || !tree.isObject()) {
            throw EngineException.invalidArgument("a JSON network configuration is required");
        }
        NetworkCreateRequest body = Bodies.read(json, tree, NetworkCreateRequest.class, "the network configuration");
        String driver = body.driver();
        if (!driver.isEmpty() && !driver.equals("bridge")) {
            throw EngineException.invalidArgument("network driver \"" + driver + "\" is not supported: only bridge");
        }
        if (body.enableIpv6()) {
            throw EngineException.invalidArgument("IPv6 networks are not supported yet");
        }
        var ipam = body.firstSubnet();
        NetworkConfig n = networks.create(body.name(), ipam.subnet(), ipam.gateway(), body.internal(), body.labels());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", n.id(), "Warning", ""));
    }

    @DeleteMapping("/networks/{id}")
    ResponseEntity<Void> remove(@PathVariable String id) {
        use.remove(id, false);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/networks/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        return Map.of("NetworksDeleted", use.prune(f.networks()));
    }
}
