package io.jpod.api.wire;

import io.jpod.state.ContainerConfig;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A healthcheck as clients send it: Docker's {@code Config.Healthcheck} and podman's
 * {@code healthconfig} share the shape (durations in nanoseconds, zero for the image's or the default).
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record HealthConfig(List<String> test, long interval, long timeout, long startPeriod, long startInterval,
        int retries) {

    /** The engine's form; null for null. */
    public static ContainerConfig.Healthcheck toEngine(HealthConfig h) {
        return h == null ? null : new ContainerConfig.Healthcheck(h.test(), h.interval(), h.timeout(),
                h.startPeriod(), h.startInterval(), h.retries());
    }
}
