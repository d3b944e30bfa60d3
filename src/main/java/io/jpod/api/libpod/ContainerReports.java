package io.jpod.api.libpod;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** podman's per-container reports of bulk operations. */
final class ContainerReports {

    private ContainerReports() {}

    /** One removed container of {@code DELETE /libpod/containers/{id}}: the ID and the name the client gave. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record RmReport(String id, String rawInput) {}

    /** One pruned container; {@code Err} null when it went, {@code Size} not counted. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record PruneReport(String id, long size, String err) {}
}
