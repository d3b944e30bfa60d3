package io.jpod.api.libpod;

import io.jpod.state.StoredContainer;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Inspect's {@code Config} in podman's shape ({@code InspectContainerConfig}): {@code Entrypoint} is a
 * string in podman 4 and {@code Cmd} the full argv; {@code StopSignal} is a number.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record InspectContainerConfig(String hostname, String domainname, String user, boolean attachStdin,
        boolean attachStdout, boolean attachStderr, boolean tty, boolean openStdin, boolean stdinOnce,
        List<String> env, List<String> cmd, String image, String workingDir, String entrypoint,
        Map<String, String> labels, Map<String, String> annotations, int stopSignal, int stopTimeout, String umask,
        int timeout,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Map<String, Object> healthcheck, String healthcheckOnFailureAction) {

    static InspectContainerConfig of(StoredContainer c, List<String> args) {
        var run = c.config().run();
        return new InspectContainerConfig(run != null ? run.hostname() : "",
                io.jpod.api.wire.NameSettings.domainname(c), run != null ? run.user() : "",
                false, false, false, run != null && run.tty(), false, false, run != null ? run.env() : List.of(),
                args, LibpodJson.imageName(c), run != null ? run.workingDir() : "", "", c.config().labels(),
                annotations(run), run != null ? run.stopSignal() : 15, run != null ? run.stopTimeout() : 10, "0022", 0,
                io.jpod.api.wire.HealthParts.config(run != null ? run.healthcheck() : null), "none");
    }

    /** podman marks a container with an init process by an annotation. */
    private static Map<String, String> annotations(io.jpod.state.ContainerConfig.RunConfig run) {
        return run != null && run.init().enabled() ? Map.of("io.podman.annotations.init", "TRUE") : Map.of();
    }
}
