package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a container is, fixed at creation (libpod's ContainerConfig). Stored as JSON, so later
 * features add fields without a schema change. Only {@link #lockId} is ever rewritten (renumber).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
        String id,
        String name,
        String namespace,
        String podId,
        int lockId,
        Instant created,
        String rootfsImageId,
        String rootfsImageName,
        List<String> command,
        Map<String, String> labels,
        boolean infra,
        RunConfig run) {

    public ContainerConfig {
        namespace = namespace == null ? "" : namespace;
        command = command == null ? List.of() : List.copyOf(command);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A record without run settings (pods' bookkeeping, tests of the state alone). */
    public ContainerConfig(String id, String name, String namespace, String podId, int lockId, Instant created,
            String rootfsImageId, String rootfsImageName, List<String> command, Map<String, String> labels,
            boolean infra) {
        this(id, name, namespace, podId, lockId, created, rootfsImageId, rootfsImageName, command, labels, infra,
                null);
    }

    public ContainerConfig withRun(RunConfig newRun) {
        return new ContainerConfig(id, name, namespace, podId, lockId, created, rootfsImageId, rootfsImageName,
                command, labels, infra, newRun);
    }

    /** A rename: the name is the one field besides the lock ID that may change after create. */
    public ContainerConfig withName(String newName) {
        return new ContainerConfig(id, newName, namespace, podId, lockId, created, rootfsImageId, rootfsImageName,
                command, labels, infra, run);
    }

    public ContainerConfig withLockId(int newLockId) {
        return new ContainerConfig(id, name, namespace, podId, newLockId, created, rootfsImageId, rootfsImageName,
                command, labels, infra, run);
    }

    /**
     * How to run the container, fixed at create: the image's settings merged with the request's.
     *
     * @param args the process's full argv (entrypoint + command)
     * @param stopSignal signal number sent by stop
     * @param stopTimeout seconds stop waits before SIGKILL
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
            int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
            boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
            List<io.jpod.common.PortMapping> ports) {
        public RunConfig {
            args = args == null ? List.of() : List.copyOf(args);
            env = env == null ? List.of() : List.copyOf(env);
            workingDir = workingDir == null ? "" : workingDir;
            user = user == null ? "" : user;
            hostname = hostname == null ? "" : hostname;
            restartPolicy = restartPolicy == null ? "" : restartPolicy;
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
            // records from before networking ran without a network namespace of their own wiring
            networkMode = networkMode == null || networkMode.isEmpty() ? "none" : networkMode;
            networks = networks == null ? List.of() : List.copyOf(networks);
            ports = ports == null ? List.of() : List.copyOf(ports);
        }

        public RunConfig withNetworks(List<String> newNetworks) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy,
                    autoRemove, stdin, mounts, networkMode, newNetworks, ports);
        }
    }

    /**
     * A filesystem mounted into the container.
     *
     * @param type {@code bind} (source: a host path), {@code volume} (source: a volume name) or {@code tmpfs}
     * @param options {@code ro}/{@code rw}, propagation, and for tmpfs {@code size=}/{@code mode=}
     */
    public record Mount(String type, String source, String destination, List<String> options) {
        public Mount {
            source = source == null ? "" : source;
            options = options == null ? List.of() : List.copyOf(options);
        }

        public boolean readOnly() {
            return options.contains("ro");
        }
    }
}
