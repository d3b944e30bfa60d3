package io.jpod.api.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.NetworkMode;
import io.jpod.api.wire.EndpointSettings;
import io.jpod.api.wire.NetworkSettings;
import io.jpod.api.wire.PortBinding;
import io.jpod.container.StatusText;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** One row of {@code GET /containers/json} (Docker's {@code ContainerSummary}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ContainerSummary(String id, List<String> names, String image, @JsonProperty("ImageID") String imageId,
        String command, long created, List<Port> ports, Map<String, String> labels, String state, String status,
        HostConfig hostConfig, SummaryNetworkSettings networkSettings, List<Object> mounts) {

    /** A published port in the list's flat form. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Port(@JsonProperty("IP") String ip, int privatePort, int publicPort, String type) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record HostConfig(String networkMode) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record SummaryNetworkSettings(Map<String, EndpointSettings> networks) {}

    static ContainerSummary of(StoredContainer c, JsonMapper json) {
        var run = c.config().run();
        String image = c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName();
        List<Port> ports = PortBinding.ports(c).stream().map(p -> new Port(p.hostIp().isEmpty() ? "0.0.0.0"
                : p.hostIp(), p.containerPort(), p.hostPort(), p.protocol())).toList();
        return new ContainerSummary(c.id(), List.of("/" + c.name()), DockerJson.imageName(image),
                "sha256:" + c.config().rootfsImageId(),
                String.join(" ", run != null ? run.args() : c.config().command()),
                c.config().created() == null ? 0 : c.config().created().getEpochSecond(), ports,
                c.config().labels(), StatusText.word(c.state().status()), StatusText.of(c, Instant.now()),
                new HostConfig(NetworkMode.of(c)),
                new SummaryNetworkSettings(NetworkSettings.of(c, json).networks()), List.of());
    }
}
