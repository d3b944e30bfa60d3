package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /libpod/containers/create} (podman's {@code SpecGenerator}, snake_case): the
 * fields jpod reads. Absent collections are empty; {@code entrypoint} and {@code command} stay null
 * when absent (the image's then).
 */
record SpecGenerator(String name, String image, List<String> entrypoint, List<String> command,
        Map<String, String> env, @JsonProperty("work_dir") String workDir, String user, Map<String, String> labels,
        boolean terminal, @JsonProperty("stop_signal") Integer stopSignal,
        @JsonProperty("stop_timeout") Integer stopTimeout, @JsonProperty("restart_policy") String restartPolicy,
        @JsonProperty("restart_tries") int restartTries, boolean remove, String hostname, boolean stdin,
        List<MountSpec> mounts, List<NamedVolume> volumes, String pod, Namespace netns,
        @JsonProperty("Networks") Map<String, Object> networks, List<PortMappingSpec> portmappings,
        boolean privileged, @JsonProperty("cap_add") List<String> capAdd,
        @JsonProperty("cap_drop") List<String> capDrop,
        @JsonProperty("no_new_privileges") boolean noNewPrivileges,
        @JsonProperty("seccomp_policy") String seccompPolicy,
        @JsonProperty("seccomp_profile_path") String seccompProfilePath,
        @JsonProperty("selinux_opts") List<String> selinuxOpts,
        @JsonProperty("apparmor_profile") String apparmorProfile,
        @JsonProperty("read_only_filesystem") boolean readOnlyFilesystem,
        @JsonProperty("read_write_tmpfs") boolean readWriteTmpfs, List<DeviceSpec> devices, List<String> groups,
        Map<String, String> sysctl, Namespace userns, Namespace pidns, Namespace ipcns, Namespace utsns,
        io.jpod.api.wire.HealthConfig healthconfig,
        @JsonProperty("health_check_on_failure_action") int healthCheckOnFailureAction,
        @JsonProperty("log_configuration") LogConfiguration logConfiguration) {

    SpecGenerator {
        env = env == null ? Map.of() : env;
        labels = labels == null ? Map.of() : labels;
        mounts = mounts == null ? List.of() : mounts;
        volumes = volumes == null ? List.of() : volumes;
        netns = netns == null ? new Namespace(null, null) : netns;
        networks = networks == null ? Map.of() : networks;
        portmappings = portmappings == null ? List.of() : portmappings;
        capAdd = capAdd == null ? List.of() : capAdd;
        capDrop = capDrop == null ? List.of() : capDrop;
        selinuxOpts = selinuxOpts == null ? List.of() : selinuxOpts;
        devices = devices == null ? List.of() : devices;
        groups = groups == null ? List.of() : groups;
        sysctl = sysctl == null ? Map.of() : sysctl;
        userns = userns == null ? new Namespace(null, null) : userns;
        pidns = pidns == null ? new Namespace(null, null) : pidns;
        ipcns = ipcns == null ? new Namespace(null, null) : ipcns;
        utsns = utsns == null ? new Namespace(null, null) : utsns;
    }

    /** {@code --log-driver}, {@code --log-opt} ({@code options}; {@code max-size} as {@code size}, bytes). */
    record LogConfiguration(String driver, String path, Map<String, String> options, Long size) {}

    /** A {@code --device} as podman sends it: the whole {@code host[:container[:rwm]]} in {@code path}. */
    record DeviceSpec(String path) {}

    /** An OCI-like mount: a bind (default) or tmpfs. */
    record MountSpec(String type, String source, String destination, List<String> options) {
        MountSpec {
            type = type == null ? "bind" : type;
            options = options == null ? List.of() : options;
        }
    }

    /** A named volume, or an anonymous one. */
    record NamedVolume(@JsonProperty("Name") String name, @JsonProperty("Dest") String dest,
            @JsonProperty("Options") List<String> options, @JsonProperty("IsAnonymous") boolean anonymous) {
        NamedVolume {
            options = options == null ? List.of() : options;
        }
    }

    /** A namespace choice ({@code nsmode}: bridge, none, host, container with {@code value}). */
    record Namespace(String nsmode, String value) {
        Namespace {
            nsmode = nsmode == null ? "" : nsmode;
            value = value == null ? "" : value;
        }
    }

    /** podman's {@code PortMapping}; a {@code range} publishes consecutive ports. */
    record PortMappingSpec(@JsonProperty("host_ip") String hostIp, @JsonProperty("container_port") int containerPort,
            @JsonProperty("host_port") int hostPort, Integer range, String protocol) {
        PortMappingSpec {
            hostIp = hostIp == null ? "" : hostIp;
            range = range == null ? 1 : range;
            protocol = protocol == null ? "tcp" : protocol;
        }
    }
}
