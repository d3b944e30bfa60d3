package io.jpod.api.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The body of {@code POST /networks/create} (Docker's {@code NetworkCreateRequest}); the driver defaults to bridge. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record NetworkCreateRequest(String name, String driver, @JsonProperty("EnableIPv6") boolean enableIpv6,
        @JsonProperty("IPAM") Ipam ipam, Map<String, String> labels, boolean internal) {

    NetworkCreateRequest {
        name = name == null ? "" : name;
        driver = driver == null ? "bridge" : driver;
        labels = labels == null ? Map.of() : labels;
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Ipam(List<IpamConfig> config) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record IpamConfig(String subnet, String gateway) {}

    /** The first IPAM entry: jpod networks have one subnet. */
    IpamConfig firstSubnet() {
        IpamConfig none = new IpamConfig("", "");
        if (ipam == null || ipam.config() == null || ipam.config().isEmpty()) {
            return none;
        }
        IpamConfig c = ipam.config().get(0);
        return new IpamConfig(c.subnet() == null ? "" : c.subnet(), c.gateway() == null ? "" : c.gateway());
    }
}
