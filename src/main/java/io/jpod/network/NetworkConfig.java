package io.jpod.network;

import java.time.Instant;
import java.util.Map;

/**
 * A bridge network, as its CNI conflist in {@code cni_config_dir} describes it (the file is the
 * record, as with podman's CNI backend).
 *
 * @param id 64 hex characters, kept in the conflist's args
 * @param bridge the host bridge interface
 * @param internal no route out of the subnet (no masquerading, no default route)
 * @param dnsDomain the domain of the network's name resolver (the CNI dnsname plugin), empty for none
 */
public record NetworkConfig(String name, String id, String bridge, String subnet, String gateway, boolean internal,
        Map<String, String> labels, Instant created, String dnsDomain) {

    public NetworkConfig {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        dnsDomain = dnsDomain == null ? "" : dnsDomain;
    }

    /** A network without a name resolver. */
    public NetworkConfig(String name, String id, String bridge, String subnet, String gateway, boolean internal,
            Map<String, String> labels, Instant created) {
        this(name, id, bridge, subnet, gateway, internal, labels, created, "");
    }

    /** Whether containers on it resolve each other's names (a resolver listens on {@link #gateway}). */
    public boolean dns() {
        return !dnsDomain.isEmpty();
    }

    /** The prefix length of the subnet ({@code 24} for {@code 10.89.0.0/24}). */
    public int prefixLength() {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }
}
