package io.jpod.api;

import io.jpod.state.StoredContainer;

/** A container's network mode as both APIs show it. */
public final class NetworkJson {

    private NetworkJson() {}

    /** The network mode as Docker names it. */
    public static String mode(StoredContainer c) {
        String m = c.config().run() == null ? "none" : c.config().run().networkMode();
        return switch (m) {
            case "bridge" -> c.config().run().networks().isEmpty() ? "bridge" : c.config().run().networks().get(0);
            case "pod" -> "container:" + c.config().podId();
            default -> m;
        };
    }
}
