package io.jpod.image;

import java.util.List;
import java.util.Map;

/**
 * What an image says about how to run it (the OCI image config's {@code config} object), applied
 * when a container is created from the image.
 *
 * @param healthcheck Docker's {@code Healthcheck}, null when the image has none
 * @param shell the shell of a build's shell-form commands (Docker's {@code Shell}), empty for the default
 * @param onBuild ONBUILD triggers, as written
 */
public record ImageConfig(List<String> cmd, List<String> entrypoint, List<String> env, String workingDir,
        String user, Map<String, String> labels, List<String> exposedPorts, List<String> volumes, String stopSignal,
        Healthcheck healthcheck, List<String> shell, List<String> onBuild) {

    /** Docker's {@code Healthcheck}: durations in nanoseconds, zero meaning "the default". */
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, long startInterval,
            int retries) {
        public Healthcheck {
            test = test == null ? List.of() : List.copyOf(test);
        }
    }

    public ImageConfig(List<String> cmd, List<String> entrypoint, List<String> env, String workingDir, String user,
            Map<String, String> labels, List<String> exposedPorts, List<String> volumes, String stopSignal) {
        this(cmd, entrypoint, env, workingDir, user, labels, exposedPorts, volumes, stopSignal, null, null, null);
    }

    public ImageConfig {
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        stopSignal = stopSignal == null ? "" : stopSignal;
        shell = shell == null ? List.of() : List.copyOf(shell);
        onBuild = onBuild == null ? List.of() : List.copyOf(onBuild);
    }

    public static ImageConfig empty() {
        return new ImageConfig(null, null, null, null, null, null, null, null, null);
    }
}
