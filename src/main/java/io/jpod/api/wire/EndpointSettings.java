package io.jpod.api.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.network.NetworkService;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A container's place on one network, as inspect's {@code NetworkSettings.Networks} shows it. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record EndpointSettings(@JsonProperty("NetworkID") String networkId,
        @JsonProperty("EndpointID") String endpointId, String gateway, @JsonProperty("IPAddress") String ipAddress,
        @JsonProperty("IPPrefixLen") int ipPrefixLen, @JsonProperty("IPv6Gateway") String ipv6Gateway,
        @JsonProperty("GlobalIPv6Address") String globalIpv6Address,
        @JsonProperty("GlobalIPv6PrefixLen") int globalIpv6PrefixLen, String macAddress, List<String> aliases) {

    static EndpointSettings of(String network, NetworkService.IpInfo ip, String containerId) {
        return of(network, ip, containerId, List.of());
    }

    /** With the container's aliases on the network ({@code --network-alias}) before its short ID, as Docker lists them. */
    static EndpointSettings of(String network, NetworkService.IpInfo ip, String containerId, List<String> aliases) {
        List<String> all = new java.util.ArrayList<>(aliases);
        String shortId = containerId.substring(0, 12);
        if (!all.contains(shortId)) {
            all.add(shortId);
        }
        return new EndpointSettings(network, "", ip.gateway(), ip.address(), ip.prefixLength(), "", "", 0, ip.mac(),
                all);
    }
}
