package io.jpod.api.wire;

import io.jpod.common.PortMapping;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One host side of a published port: {@code {"HostIp": "127.0.0.1", "HostPort": "8080"}}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record PortBinding(String hostIp, String hostPort) {

    /** {@code HostConfig.PortBindings}: the host address as configured (empty for all). */
    public static Map<String, List<PortBinding>> configured(StoredContainer c) {
        return byPort(c, p -> p.hostIp());
    }

    /** {@code NetworkSettings.Ports}: an empty host address shows as {@code 0.0.0.0}. */
    public static Map<String, List<PortBinding>> published(StoredContainer c) {
        return byPort(c, p -> p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp());
    }

    private static Map<String, List<PortBinding>> byPort(StoredContainer c, Function<PortMapping, String> hostIp) {
        Map<String, List<PortBinding>> out = new LinkedHashMap<>();
        for (PortMapping p : ports(c)) {
            out.computeIfAbsent(p.containerPort() + "/" + p.protocol(), k -> new ArrayList<>())
                    .add(new PortBinding(hostIp.apply(p), Integer.toString(p.hostPort())));
        }
        return out;
    }

    /** The container's published ports, none when it has no run configuration. */
    public static List<PortMapping> ports(StoredContainer c) {
        return c.config().run() == null ? List.of() : c.config().run().ports();
    }
}
