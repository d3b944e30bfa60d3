package io.jpod.image;

import java.util.List;
import java.util.Map;

/**
 * What an image says about how to run it (the OCI image config's {@code config} object), applied
 * when a container is created from the image.
 */
public record ImageConfig(List<String> cmd, List<String> entrypoint, List<String> env, String workingDir,
        String user, Map<String, String> labels, List<String> exposedPorts, List<String> volumes, String stopSignal) {

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
    }

    public static ImageConfig empty() {
        return new ImageConfig(null, null, null, null, null, null, null, null, null);
    }
}
