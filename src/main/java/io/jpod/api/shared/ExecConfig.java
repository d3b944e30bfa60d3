package io.jpod.api.shared;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.jpod.container.ExecService;
import io.jpod.error.EngineException;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The exec create body, the same in both APIs ({@code ExecConfig}); a single string is a one-element list. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ExecConfig(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> cmd,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> env, String user,
        String workingDir, boolean tty, boolean attachStdin, boolean privileged) {

    ExecService.Request request() {
        if (privileged) {
            throw EngineException.invalidArgument("exec --privileged is not supported: an exec session has the "
                    + "container's own capabilities (create the container with --privileged)");
        }
        return new ExecService.Request(cmd == null ? List.of() : cmd, env == null ? List.of() : env,
                user == null ? "" : user, workingDir == null ? "" : workingDir, tty, attachStdin);
    }
}
