package io.jpod.api.docker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.network.NetworkConfig;
import io.jpod.network.NetworkService;
import io.jpod.state.StoredContainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** A network in Docker's shape ({@code NetworkResource}); {@code Containers} only in inspect. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record NetworkResource(String name, String id, String created, String scope, String driver,
        @JsonProperty("EnableIPv6") boolean enableIpv6, @JsonProperty("IPAM") Ipam ipam, boolean internal,
        boolean attachable, boolean ingress, Map<String, String> options, Map<String, String> labels,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Endpoint> containers) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Ipam(String driver, Map<String, String> options, List<IpamConfig> config) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record IpamConfig(String subnet, String gateway) {}

    /** A container on the network; its address only while it has one. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Endpoint(String name, String macAddress, @JsonProperty("IPv4Address") String ipv4Address) {}

    /** {@code users} are the containers on it, null for the list (which leaves them out). */
    static NetworkResource of(NetworkConfig n, List<StoredContainer> users, JsonMapper json) {
        Map<String, Endpoint> containers = null;
        if (users != null) {
            containers = new LinkedHashMap<>();
            for (StoredContainer c : users) {
                String result = c.state().networkStatus().get(n.name());
                var ip = result == null ? null : NetworkService.addressOf(json, result);
                containers.put(c.id(), new Endpoint(c.name(), ip == null ? null : ip.mac(),
                        ip == null ? null : ip.address() + "/" + ip.prefixLength()));
            }
        }
        // Options are the driver options the network was created with (none are taken): docker-compose
        // compares them with its own and refuses to reuse a network whose options differ
        return new NetworkResource(n.name(), n.id(), n.created().toString(), "local", "bridge", false,
                new Ipam("default", Map.of(), List.of(new IpamConfig(n.subnet(), n.gateway()))), n.internal(), false,
                false, Map.of(), n.labels(), containers);
    }
}
