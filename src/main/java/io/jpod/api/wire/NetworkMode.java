package io.jpod.api.wire;

import io.jpod.state.StoredContainer;

/** A container's network mode as both APIs show it ({@code HostConfig.NetworkMode}). */
public final class NetworkMode {

    private NetworkMode() {}

    /** Docker's name: the first network joined, {@code container:<pod>} in a pod, else the mode. */
    public static String of(StoredContainer c) {
        String m = c.config().run() == null ? "none" : c.config().run().networkMode();
        return switch (m) {
            case "bridge" -> c.config().run().networks().isEmpty() ? "bridge" : c.config().run().networks().get(0);
            case "pod" -> "container:" + c.config().podId();
            default -> m;
        };
    }
}
