package io.jpod.api.wire;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of network connect and disconnect: the container. podman's client sends {@code container}
 * to connect (netavark's options) and {@code Container} to disconnect, Docker's {@code Container}.
 */
public record ConnectRequest(@JsonProperty("Container") @JsonAlias("container") String container) {

    /** The container named, or "" when none was. */
    public String containerOrEmpty() {
        return container == null ? "" : container;
    }
}
