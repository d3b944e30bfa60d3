package io.jpod.api.shared;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.state.ExecSession;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET .../exec/{id}/json}, the same in both APIs ({@code ExecInspectResponse}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ExecInspect(@JsonProperty("ID") String id, @JsonProperty("ContainerID") String containerId,
        boolean running, int exitCode, int pid, boolean openStdin, boolean openStdout, boolean openStderr,
        boolean canRemove, String detachKeys, ProcessConfig processConfig) {

    /** The process as started; lower-case names, as Docker's. */
    record ProcessConfig(String entrypoint, List<String> arguments, boolean tty, String user, boolean privileged) {}

    static ExecInspect of(ExecSession s) {
        List<String> args = s.args();
        return new ExecInspect(s.id(), s.containerId(), s.status().equals("running"),
                s.status().equals("exited") ? s.exitCode() : 0, s.pid(), s.stdin(), true, true, false, "",
                new ProcessConfig(args.isEmpty() ? "" : args.get(0),
                        args.size() > 1 ? args.subList(1, args.size()) : List.of(), s.tty(), s.user(), false));
    }
}
