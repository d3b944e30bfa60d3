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
 * @param security null for the defaults
 * @param resources resource limits, null for none; checked by {@link ResourcePlanner}
 * @param healthcheck null (or an empty test) for the image's, {@code ["NONE"]} for none; zero fields take the image's
 * @param names domain name, DNS and {@code /etc/hosts} settings, network aliases; null for none
 * @param init the init process ({@code --init}), null for none; its path is checked by {@link InitPlanner}
 */
public record CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
        List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty, String stopSignal,
        Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname, boolean stdin,
        List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security,
        io.jpod.state.ResourceLimits resources, io.jpod.state.ContainerConfig.Healthcheck healthcheck,
        io.jpod.state.NameConfig names, io.jpod.state.LogConfig log, io.jpod.state.InitProcess init) {

    public CreateRequest {
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        security = security == null ? SecurityRequest.NONE : security;
        resources = resources == null ? io.jpod.state.ResourceLimits.NONE : resources;
        names = names == null ? io.jpod.state.NameConfig.NONE : names;
        log = log == null ? io.jpod.state.LogConfig.DEFAULT : log;
        init = init == null ? io.jpod.state.InitProcess.NONE : init;
    }

    /** Without an init process. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security,
            io.jpod.state.ResourceLimits resources, io.jpod.state.ContainerConfig.Healthcheck healthcheck,
            io.jpod.state.NameConfig names, io.jpod.state.LogConfig log) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources, healthcheck,
                names, log, null);
    }

    /** The same request with this init process ({@code --init}). */
    public CreateRequest withInit(io.jpod.state.InitProcess newInit) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources,
                healthcheck, names, log, newInit);
    }

    /** With the default log. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security,
            io.jpod.state.ResourceLimits resources, io.jpod.state.ContainerConfig.Healthcheck healthcheck,
            io.jpod.state.NameConfig names) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources, healthcheck,
                names, null);
    }

    /** The same request with these log settings (checked by {@link io.jpod.state.LogConfig#of}). */
    public CreateRequest withLog(io.jpod.state.LogConfig newLog) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources,
                healthcheck, names, newLog, init);
    }

    /** Without resource limits, with the image's healthcheck. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, null, null, null);
    }

    /** With the image's healthcheck. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security,
            io.jpod.state.ResourceLimits resources) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources, null, null);
    }

    /** Without resource limits. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network, SecurityRequest security,
            io.jpod.state.ContainerConfig.Healthcheck healthcheck) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, null, healthcheck, null);
    }

    /** The same request with resource limits. */
    public CreateRequest withResources(io.jpod.state.ResourceLimits limits) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, limits,
                healthcheck, names, log, init);
    }

    /** The same request with these name settings. */
    public CreateRequest withNames(io.jpod.state.NameConfig newNames) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, security, resources,
                healthcheck, newNames, log, init);
    }

    /** A request with the default security settings. */
    public CreateRequest(String name, String image, List<String> entrypoint, List<String> command,
            List<String> env, String workingDir, String user, Map<String, String> labels, boolean tty,
            String stopSignal, Integer stopTimeout, String restartPolicy, boolean autoRemove, String hostname,
            boolean stdin, List<Mount> mounts, String pod, NetworkRequest network) {
        this(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal, stopTimeout,
                restartPolicy, autoRemove, hostname, stdin, mounts, pod, network, null, null, null, null);
    }

    /** The same request for a container of the pod {@code podId}. */
    public CreateRequest inPod(String podId) {
        return new CreateRequest(name, image, entrypoint, command, env, workingDir, user, labels, tty, stopSignal,
                stopTimeout, restartPolicy, autoRemove, hostname, stdin, mounts, podId, network, security, resources,
                healthcheck, names, log, init);
    }

    /**
     * The security options as the client gives them, in the docker CLI's words; checked by
     * {@link SecurityPlanner}.
     *
     * @param capAdd capability names, with or without {@code CAP_}, any case, or {@code ALL}
     * @param securityOpt {@code no-new-privileges[=true|false]}, {@code seccomp=unconfined|<JSON>|<path>},
     *     {@code label=disable}, {@code apparmor=unconfined} ({@code :} accepted for {@code =})
     * @param readOnlyTmpfs null for true
     * @param devices {@code /dev/host[:/dev/container[:rwm]]}
     * @param pidMode empty, {@code private}, {@code host} or {@code container:<name or id>}; likewise ipc, uts
     */
    public record SecurityRequest(boolean privileged, List<String> capAdd, List<String> capDrop,
            List<String> securityOpt, boolean readOnly, Boolean readOnlyTmpfs, List<String> devices,
            List<String> groupAdd, Map<String, String> sysctls, String userns, String pidMode, String ipcMode,
            String utsMode) {

        public static final SecurityRequest NONE = new SecurityRequest(false, null, null, null, false, null, null,
                null, null, null, null, null, null);

        public SecurityRequest {
            capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
            capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
            securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
            devices = devices == null ? List.of() : List.copyOf(devices);
            groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd);
            sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
            userns = userns == null ? "" : userns;
            pidMode = pidMode == null ? "" : pidMode;
            ipcMode = ipcMode == null ? "" : ipcMode;
            utsMode = utsMode == null ? "" : utsMode;
        }
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
