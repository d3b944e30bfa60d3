package io.jpod.api.libpod;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
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
import tools.jackson.databind.json.JsonMapper;

/** libpod's {@code /libpod/networks/...} API (podman 4's network shape) over jpod's CNI networks. */
@RestController
@RequestMapping("/libpod/networks")
class LibpodNetworksController {

    private final NetworkService networks;
    private final NetworkUse use;
    private final JsonMapper json;

    LibpodNetworksController(NetworkService networks, NetworkUse use, JsonMapper json) {
        this.networks = networks;
        this.use = use;
        this.json = json;
    }

    @GetMapping("/json")
    List<Network> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, io.jpod.api.NetworkFilters.KEYS);
        List<Network> out = new ArrayList<>();
        for (NetworkConfig n : networks.list()) {
            if (io.jpod.api.NetworkFilters.matches(n, f)) {
                out.add(Network.of(n));
            }
        }
        return out;
    }

    @PostMapping("/create")
    ResponseEntity<Network> create(@RequestBody(required = false) byte[] body) {
        Network b = Bodies.read(json, body, Network.class, "the network configuration");
        String driver = b.driver();
        if (!driver.isEmpty() && !driver.equals("bridge")) {
            throw EngineException.invalidArgument("network driver \"" + driver + "\" is not supported: only bridge");
        }
        if (b.ipv6Enabled()) {
            throw EngineException.invalidArgument("IPv6 networks are not supported yet");
        }
        Network.Subnet subnet = b.firstSubnet();
        // podman's client sends dns_enabled (false for --disable-dns); a body without it gets names, as Docker's do
        boolean dns = Bodies.tree(json, body, "the network configuration").path("dns_enabled").asBoolean(true);
        NetworkConfig n = networks.create(b.name(), subnet.subnet(), subnet.gateway(), b.internal(), b.labels(),
                dns);
        return ResponseEntity.ok(Network.of(n));
    }

    @GetMapping("/{name}/json")
    Network inspect(@PathVariable String name) {
        return Network.of(networks.inspect(name));
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

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : use.prune(f.networks())) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Name", n);
            r.put("Error", null);
            out.add(r);
        }
        return out;
    }
}
