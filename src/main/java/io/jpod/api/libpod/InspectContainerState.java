package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Inspect's {@code State} in podman's shape ({@code InspectContainerState}): times are RFC 3339. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record InspectContainerState(String ociVersion, String status, boolean running, boolean paused,
        boolean restarting, @JsonProperty("OOMKilled") boolean oomKilled, boolean dead, int pid, int conmonPid,
        int exitCode, String error, String startedAt, String finishedAt, Health health, String checkpointedAt,
        String restoredAt) {

    /** No health checks yet: an empty status. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Health(String status, int failingStreak) {}

    static InspectContainerState of(ContainerState st) {
        ContainerStatus s = st.status();
        return new InspectContainerState("1.0.2", s.display(), LibpodJson.running(s), s == ContainerStatus.PAUSED,
                false, st.oomKilled(), s == ContainerStatus.UNKNOWN, st.pid(), st.conmonPid(), st.exitCode(),
                st.error(), LibpodJson.time(st.startedAt()), LibpodJson.time(st.finishedAt()), new Health("", 0),
                LibpodJson.ZERO_TIME, LibpodJson.ZERO_TIME);
    }
}
