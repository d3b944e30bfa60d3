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
     * @param healthcheck the checks the daemon runs in it, null for none
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
            int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
            boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
            List<io.jpod.common.PortMapping> ports, Security security, ResourceLimits resources,
            Healthcheck healthcheck, NameConfig names, LogConfig log, InitProcess init) {
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
            // records from before security options ran with the defaults
            security = security == null ? Security.DEFAULT : security;
            resources = resources == null ? ResourceLimits.NONE : resources;
            names = names == null ? NameConfig.NONE : names;
            log = log == null ? LogConfig.DEFAULT : log; // records from before log options: the default log
            init = init == null ? InitProcess.NONE : init;
        }

        /** Without an init process. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security, ResourceLimits resources,
                Healthcheck healthcheck, NameConfig names, LogConfig log) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, resources, healthcheck, names, log, null);
        }

        /** With the default log. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security, ResourceLimits resources,
                Healthcheck healthcheck, NameConfig names) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, resources, healthcheck, names, null);
        }

        /** Without resource limits or a healthcheck. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, (ResourceLimits) null, (Healthcheck) null, (NameConfig) null);
        }

        /** With the default security settings. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, null, (ResourceLimits) null, (Healthcheck) null, (NameConfig) null);
        }

        /** Without a healthcheck. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security, ResourceLimits resources) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, resources, (Healthcheck) null, (NameConfig) null);
        }

        /** Without resource limits. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security, Healthcheck healthcheck) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, (ResourceLimits) null, healthcheck, (NameConfig) null);
        }

        /** Without name settings of its own. */
        public RunConfig(List<String> args, List<String> env, String workingDir, String user, boolean tty,
                int stopSignal, int stopTimeout, String hostname, String restartPolicy, boolean autoRemove,
                boolean stdin, List<Mount> mounts, String networkMode, List<String> networks,
                List<io.jpod.common.PortMapping> ports, Security security, ResourceLimits resources,
                Healthcheck healthcheck) {
            this(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy, autoRemove, stdin,
                    mounts, networkMode, networks, ports, security, resources, healthcheck, (NameConfig) null);
        }

        public RunConfig withNetworks(List<String> newNetworks) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy,
                    autoRemove, stdin, mounts, networkMode, newNetworks, ports, security, resources, healthcheck,
                    names, log, init);
        }

        /** With new limits and restart policy ({@code docker update}). */
        public RunConfig withResources(ResourceLimits newResources, String newRestartPolicy) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, newRestartPolicy,
                    autoRemove, stdin, mounts, networkMode, networks, ports, security, newResources, healthcheck,
                    names, log, init);
        }

        public RunConfig withNames(NameConfig newNames) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy,
                    autoRemove, stdin, mounts, networkMode, networks, ports, security, resources, healthcheck,
                    newNames, log, init);
        }

        public RunConfig withLog(LogConfig newLog) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy,
                    autoRemove, stdin, mounts, networkMode, networks, ports, security, resources, healthcheck,
                    names, newLog, init);
        }

        public RunConfig withInit(InitProcess newInit) {
            return new RunConfig(args, env, workingDir, user, tty, stopSignal, stopTimeout, hostname, restartPolicy,
                    autoRemove, stdin, mounts, networkMode, networks, ports, security, resources, healthcheck,
                    names, log, newInit);
        }
    }

    /**
     * The container's security settings, checked and normalised at create (docker's HostConfig
     * security fields, libpod's SpecGenerator ones). The defaults give libpod's default capability
     * set, masked paths and seccomp profile; only an explicit setting here gives more.
     *
     * @param capAdd {@code CAP_*} names or {@code ALL}, applied to the default set after {@link #capDrop}
     * @param seccomp empty for the host's default profile, {@code unconfined}, or a profile's JSON
     * @param securityOpt the {@code --security-opt} values as given, for inspect
     * @param readOnlyTmpfs with {@link #readOnly}: writable tmpfs at /run, /tmp and /var/tmp
     * @param groupAdd extra groups of the process: names (resolved in the container's /etc/group) or GIDs
     * @param userns empty or {@code host}
     * @param pidMode empty (its own), {@code host} or {@code container:<id>}; likewise ipc and uts
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Security(boolean privileged, List<String> capAdd, List<String> capDrop, boolean noNewPrivileges,
            String seccomp, List<String> securityOpt, boolean readOnly, boolean readOnlyTmpfs, List<Device> devices,
            List<String> groupAdd, Map<String, String> sysctls, String userns, String pidMode, String ipcMode,
            String utsMode) {

        public static final Security DEFAULT = new Security(false, null, null, false, null, null, false, true, null,
                null, null, null, null, null, null);

        public Security {
            capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
            capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
            seccomp = seccomp == null ? "" : seccomp;
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
     * A container's health check (Docker's {@code Healthcheck}), as configured: durations in
     * nanoseconds, zero meaning Docker's default (30s interval and timeout, no start period, 3 retries).
     *
     * @param test {@code ["CMD", argv...]} or {@code ["CMD-SHELL", command]}
     * @param startInterval the interval during the start period, zero for {@link #interval}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, long startInterval,
            int retries) {
        public static final long DEFAULT_INTERVAL = 30_000_000_000L;
        public static final long DEFAULT_TIMEOUT = 30_000_000_000L;
        public static final int DEFAULT_RETRIES = 3;

        public Healthcheck {
            test = test == null ? List.of() : List.copyOf(test);
        }

        public java.time.Duration effectiveInterval() {
            return java.time.Duration.ofNanos(interval > 0 ? interval : DEFAULT_INTERVAL);
        }

        public java.time.Duration effectiveTimeout() {
            return java.time.Duration.ofNanos(timeout > 0 ? timeout : DEFAULT_TIMEOUT);
        }

        public java.time.Duration effectiveStartInterval() {
            return startInterval > 0 ? java.time.Duration.ofNanos(startInterval) : effectiveInterval();
        }

        public int effectiveRetries() {
            return retries > 0 ? retries : DEFAULT_RETRIES;
        }
    }

    /** A host device node made in the container, with its cgroup access ({@code rwm} letters). */
    public record Device(String hostPath, String containerPath, String permissions) {}

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
