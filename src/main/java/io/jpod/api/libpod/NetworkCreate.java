package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /libpod/networks/create} (podman's {@code Network}, snake_case); bridge by default. */
record NetworkCreate(String name, String driver, @JsonProperty("ipv6_enabled") boolean ipv6Enabled,
        List<Subnet> subnets, Map<String, String> labels, boolean internal) {

    NetworkCreate {
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

    /** The first subnet: jpod networks have one. */
    Subnet firstSubnet() {
        return subnets.isEmpty() ? new Subnet("", "") : subnets.get(0);
    }
}
