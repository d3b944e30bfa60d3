package io.jpod.api.wire;

import io.jpod.state.ContainerConfig.Security;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code HostConfig.Devices} in both APIs' inspect: a device given with {@code --device}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record DeviceMapping(String pathOnHost, String pathInContainer, String cgroupPermissions) {

    public static List<DeviceMapping> of(Security s) {
        return s.devices().stream().map(d -> new DeviceMapping(d.hostPath(), d.containerPath(), d.permissions()))
                .toList();
    }

    /** A namespace mode as inspect shows it: {@code private} for a namespace of the container's own. */
    public static String mode(String stored, String ownName) {
        return stored.isEmpty() ? ownName : stored;
    }
}
