package io.jpod.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.network.NetworkService;
import io.jpod.state.StoredContainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** Inspect's {@code NetworkSettings} (both APIs): the first network's address at the top, each network below. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record NetworkSettings(String bridge, @JsonProperty("SandboxID") String sandboxId, String sandboxKey,
        String gateway, @JsonProperty("IPAddress") String ipAddress, @JsonProperty("IPPrefixLen") int ipPrefixLen,
        String macAddress, Map<String, List<PortBinding>> ports, Map<String, EndpointSettings> networks) {

    /** {@code json} reads the CNI results the state keeps per network. */
    public static NetworkSettings of(StoredContainer c, JsonMapper json) {
        Map<String, EndpointSettings> networks = new LinkedHashMap<>();
        var run = c.config().run();
        java.util.function.Function<String, List<String>> aliases = name -> run == null ? List.of()
                : run.names().aliases().getOrDefault(name, List.of());
        c.state().networkStatus().forEach((name, result) -> networks.put(name,
                EndpointSettings.of(name, NetworkService.addressOf(json, result), c.id(), aliases.apply(name))));
        // networks it will join at its next start show too, without an address, as Docker shows them
        // (docker-compose connects a new container to every network it does not see here)
        if (run != null && run.networkMode().equals("bridge")) {
            run.networks().forEach(name -> networks.putIfAbsent(name,
                    EndpointSettings.of(name, new NetworkService.IpInfo("", 0, "", ""), c.id(),
                            aliases.apply(name))));
        }
        EndpointSettings first = networks.values().stream().findFirst().orElse(null);
        return new NetworkSettings("", "", c.state().netNs(), first == null ? "" : first.gateway(),
                first == null ? "" : first.ipAddress(), first == null ? 0 : first.ipPrefixLen(),
                first == null ? "" : first.macAddress(), PortBinding.published(c), networks);
    }
}
