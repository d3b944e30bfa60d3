package io.jpod.api.docker;

import io.jpod.state.VolumeConfig;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A volume in Docker's shape ({@code Volume}): create, inspect and list. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record Volume(String name, String driver, String mountpoint, String createdAt, Map<String, String> labels,
        String scope, Map<String, String> options) {

    static Volume of(VolumeConfig v) {
        return new Volume(v.name(), v.driver(), v.mountPoint(), v.created() == null ? "" : v.created().toString(),
                v.labels(), "local", v.options());
    }

    /** {@code GET /volumes} ({@code VolumeListResponse}). */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record ListResponse(List<Volume> volumes, List<String> warnings) {}
}
