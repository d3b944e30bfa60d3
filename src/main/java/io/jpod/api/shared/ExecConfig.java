package io.jpod.api.shared;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.jpod.container.ExecService;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The exec create body, the same in both APIs ({@code ExecConfig}); a single string is a one-element list. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ExecConfig(@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> cmd,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> env, String user,
        String workingDir, boolean tty, boolean attachStdin) {

    ExecService.Request request() {
        return new ExecService.Request(cmd == null ? List.of() : cmd, env == null ? List.of() : env,
                user == null ? "" : user, workingDir == null ? "" : workingDir, tty, attachStdin);
    }
}
