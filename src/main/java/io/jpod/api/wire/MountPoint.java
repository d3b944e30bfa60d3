package io.jpod.api.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.StoredContainer;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One entry of inspect's {@code Mounts}, the same in Docker's and podman's shape. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record MountPoint(String type, @JsonInclude(JsonInclude.Include.NON_NULL) String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) String driver, String source, String destination, String mode,
        @JsonProperty("RW") boolean rw, String propagation) {

    /** The container's mounts; {@code hostSource} resolves volume names to paths. */
    public static List<MountPoint> of(StoredContainer c, Function<Mount, String> hostSource) {
        if (c.config().run() == null) {
            return List.of();
        }
        return c.config().run().mounts().stream().map(m -> of(m, hostSource)).toList();
    }

    private static MountPoint of(Mount m, Function<Mount, String> hostSource) {
        boolean volume = m.type().equals("volume");
        boolean tmpfs = m.type().equals("tmpfs");
        String propagation = m.options().stream().filter(o -> o.matches("r?(shared|slave|private)")).findFirst()
                .orElse(tmpfs ? "" : "rprivate");
        return new MountPoint(m.type(), volume ? m.source() : null, volume ? "local" : null,
                tmpfs ? "" : hostSource.apply(m), m.destination(), String.join(",", m.options()), !m.readOnly(),
                propagation);
    }
}
