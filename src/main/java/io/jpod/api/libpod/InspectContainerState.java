package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.HealthParts;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Inspect's {@code State} in podman's shape ({@code InspectContainerState}): times are RFC 3339. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record InspectContainerState(String ociVersion, String status, boolean running, boolean paused,
        boolean restarting, @JsonProperty("OOMKilled") boolean oomKilled, boolean dead, int pid, int conmonPid,
        int exitCode, String error, String startedAt, String finishedAt, HealthParts.Health health,
        String checkpointedAt, String restoredAt) {

    static InspectContainerState of(ContainerState st) {
        return of(st, null);
    }

    /** With the container's health checks' outcome; an empty status without a healthcheck, as podman shows. */
    static InspectContainerState of(ContainerState st, io.jpod.state.ContainerHealth health) {
        ContainerStatus s = st.status();
        return new InspectContainerState("1.0.2", s.display(), LibpodJson.running(s), s == ContainerStatus.PAUSED,
                false, st.oomKilled(), s == ContainerStatus.UNKNOWN, st.pid(), st.conmonPid(), st.exitCode(),
                st.error(), LibpodJson.time(st.startedAt()), LibpodJson.time(st.finishedAt()), HealthParts.stateOrEmpty(health),
                LibpodJson.ZERO_TIME, LibpodJson.ZERO_TIME);
    }
}
