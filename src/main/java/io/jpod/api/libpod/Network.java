package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.network.NetworkConfig;
import java.util.List;
import java.util.Map;

/**
 * podman's {@code Network} (snake_case): the body of {@code POST /libpod/networks/create} (bridge by
 * default; jpod reads name, driver, subnets, labels, internal, ipv6_enabled) and the answer of
 * create, inspect and list.
 */
record Network(String name, String id, String driver, @JsonProperty("network_interface") String networkInterface,
        String created, List<Subnet> subnets, @JsonProperty("ipv6_enabled") boolean ipv6Enabled, boolean internal,
        @JsonProperty("dns_enabled") boolean dnsEnabled, Map<String, String> labels,
        @JsonProperty("ipam_options") Map<String, String> ipamOptions) {

    Network {
        name = name == null ? "" : name;
        driver = driver == null ? "bridge" : driver;
        subnets = subnets == null ? List.of() : subnets;
        labels = labels == null ? Map.of() : labels;
    }

    record Subnet(String subnet, String gateway) {
        Subnet {
            subnet = subnet == null ? "" : subnet;
            gateway = gateway == null ? "" : gateway;
        }
    }

    /** The first subnet asked for: jpod networks have one. */
    Subnet firstSubnet() {
        return subnets.isEmpty() ? new Subnet("", "") : subnets.get(0);
    }

    static Network of(NetworkConfig n) {
        return new Network(n.name(), n.id(), "bridge", n.bridge(), LibpodJson.time(n.created()),
                List.of(new Subnet(n.subnet(), n.gateway())), false, n.internal(), n.dns(), n.labels(),
                Map.of("driver", "host-local"));
    }
}
