package io.jpod.api.wire;

import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerHealth;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A container's healthcheck and its outcome in inspect, the same shape in both APIs. */
public final class HealthParts {

    private HealthParts() {}

    /** {@code State.Health}: Status, FailingStreak and the last results (Start, End, ExitCode, Output). */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Health(String status, int failingStreak, List<Result> log) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Result(String start, String end, int exitCode, String output) {}

    /** The outcome as inspect shows it; null for null. */
    public static Health state(ContainerHealth h) {
        if (h == null) {
            return null;
        }
        return new Health(h.status(), h.failingStreak(), h.log().stream()
                .map(r -> new Result(r.start().toString(), r.end().toString(), r.exitCode(), r.output())).toList());
    }

    /** podman's {@code State.Health} for a container without checks: an empty status and no log. */
    public static Health stateOrEmpty(ContainerHealth h) {
        Health shown = state(h);
        return shown != null ? shown : new Health("", 0, null);
    }

    /** {@code Config.Healthcheck} in Docker's shape (zero fields left out); null for none. */
    public static Map<String, Object> config(ContainerConfig.Healthcheck h) {
        return h == null ? null : ImageParts.healthcheck(new io.jpod.image.ImageConfig.Healthcheck(h.test(),
                h.interval(), h.timeout(), h.startPeriod(), h.startInterval(), h.retries()));
    }
}
