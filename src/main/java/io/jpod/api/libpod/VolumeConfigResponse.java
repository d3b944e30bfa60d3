package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.state.VolumeConfig;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A volume in podman's shape ({@code VolumeConfigResponse}); an unset owner shows as 0. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record VolumeConfigResponse(String name, String driver, String mountpoint, String createdAt,
        Map<String, String> labels, String scope, Map<String, String> options, @JsonProperty("UID") int uid,
        @JsonProperty("GID") int gid, boolean anonymous, int mountCount, boolean needsCopyUp, boolean needsChown) {

    static VolumeConfigResponse of(VolumeConfig v) {
        return new VolumeConfigResponse(v.name(), v.driver(), v.mountPoint(), LibpodJson.time(v.created()), v.labels(),
                "local", v.options(), Math.max(v.uid(), 0), Math.max(v.gid(), 0), v.anonymous(), 0, true,
                v.uid() >= 0 || v.gid() >= 0);
    }
}
