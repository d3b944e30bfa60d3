package io.jpod.container;

import io.jpod.state.ContainerConfig.Mount;
import java.util.List;
import java.util.Map;

/**
 * What a client asks for when creating a container. Empty or null fields take the image's value
 * (command, entrypoint, working dir, user) or the engine default.
 *
 * @param entrypoint null keeps the image's; an empty list clears it
 * @param stopSignal a signal name or number, null for the image's or SIGTERM
 * @param stopTimeout seconds, null for 10
 * @param stdin keep the container's stdin open for attached clients ({@code -i})
 * @param mounts binds (host path), volumes (volume name; an empty name makes an anonymous volume) and tmpfs
 * @param pod the pod to join (name or ID), null for none
 * @param network null for the default network
 */
public record CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
        List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty, String stopSignal,
        Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname, boolean stdin,
        List<Mount> mounts, String pod, NetworkRequest network) {

    public CreateRequest {
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    /** The same request for a container of the pod {@code podId}. */
    public CreateRequest inPod(String podId) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, podId, network);
    }

    /**
     * How the container is networked.
     *
     * @param mode {@code bridge} (or empty), {@code none}, {@code host}, {@code container:<name or id>}, or a
     *     network's name (then that network)
     * @param networks the networks to join in bridge mode; empty for the default one
     */
    public record NetworkRequest(String mode, List<String> networks, List<io.jpod.common.PortMapping> ports) {
        public NetworkRequest {
            mode = mode == null ? "" : mode;
            networks = networks == null ? List.of() : List.copyOf(networks);
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** The simplest request: an image and a command. */
    public static CreateRequest of(String name, String image, List<String> command) {
        return new CreateRequest(name, image, null, command, List.of(), null, null, Map.of(), false, null, null, null,
                false, null, false, List.of(), null, null);
    }
}
