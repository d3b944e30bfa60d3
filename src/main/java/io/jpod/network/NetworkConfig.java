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
 */
public record NetworkConfig(String name, String id, String bridge, String subnet, String gateway, boolean internal,
        Map<String, String> labels, Instant created) {

    public NetworkConfig {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The prefix length of the subnet ({@code 24} for {@code 10.89.0.0/24}). */
    public int prefixLength() {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }
}
