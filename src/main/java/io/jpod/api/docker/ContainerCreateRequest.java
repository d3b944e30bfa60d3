package io.jpod.api.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.PortBinding;
import io.jpod.api.wire.ShellOrArgv;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /containers/create} (Docker's {@code ContainerConfig} with {@code HostConfig}
 * and {@code NetworkingConfig}): the fields jpod reads; absent collections are empty.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ContainerCreateRequest(String image, ShellOrArgv entrypoint, ShellOrArgv cmd, List<String> env,
        String workingDir, String user, Map<String, String> labels, boolean tty, String stopSignal,
        Integer stopTimeout, String hostname, boolean openStdin, Map<String, Object> volumes, HostConfig hostConfig,
        NetworkingConfig networkingConfig, io.jpod.api.wire.HealthConfig healthcheck) {

    ContainerCreateRequest {
        labels = labels == null ? Map.of() : labels;
        volumes = volumes == null ? Map.of() : volumes;
        hostConfig = hostConfig == null ? HostConfig.EMPTY : hostConfig;
        networkingConfig = networkingConfig == null ? new NetworkingConfig(null) : networkingConfig;
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record HostConfig(boolean publishAllPorts, List<Object> volumesFrom, List<DeviceMapping> devices,
            RestartPolicy restartPolicy, boolean autoRemove, String networkMode,
            Map<String, List<PortBinding>> portBindings, List<String> binds, List<MountSpec> mounts,
            Map<String, String> tmpfs, boolean privileged, List<String> capAdd, List<String> capDrop,
            List<String> securityOpt, boolean readonlyRootfs, List<String> groupAdd, Map<String, String> sysctls,
            String usernsMode, String pidMode, String ipcMode, @JsonProperty("UTSMode") String utsMode,
            List<String> deviceCgroupRules, List<String> maskedPaths, List<String> readonlyPaths,
            List<String> capabilities, LogConfig logConfig) {

        static final HostConfig EMPTY = new HostConfig(false, null, null, null, false, null, null, null, null, null,
                false, null, null, null, false, null, null, null, null, null, null, null, null, null, null, null);

        HostConfig {
            volumesFrom = volumesFrom == null ? List.of() : volumesFrom;
            devices = devices == null ? List.of() : devices;
            restartPolicy = restartPolicy == null ? new RestartPolicy(null, 0) : restartPolicy;
            networkMode = networkMode == null ? "" : networkMode;
            portBindings = portBindings == null ? Map.of() : portBindings;
            binds = binds == null ? List.of() : binds;
            mounts = mounts == null ? List.of() : mounts;
            tmpfs = tmpfs == null ? Map.of() : tmpfs;
            capAdd = capAdd == null ? List.of() : capAdd;
            capDrop = capDrop == null ? List.of() : capDrop;
            securityOpt = securityOpt == null ? List.of() : securityOpt;
            groupAdd = groupAdd == null ? List.of() : groupAdd;
            sysctls = sysctls == null ? Map.of() : sysctls;
            deviceCgroupRules = deviceCgroupRules == null ? List.of() : deviceCgroupRules;
        }
    }

    /** {@code --log-driver} and {@code --log-opt}; an empty type is the default. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record LogConfig(String type, Map<String, String> config) {}

    /** One {@code --device}: {@code PathInContainer} defaults to the host path, permissions to {@code rwm}. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record DeviceMapping(String pathOnHost, String pathInContainer, String cgroupPermissions) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record RestartPolicy(String name, int maximumRetryCount) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record NetworkingConfig(Map<String, Object> endpointsConfig) {
        NetworkingConfig {
            endpointsConfig = endpointsConfig == null ? Map.of() : endpointsConfig;
        }
    }

    /** One {@code --mount}: {@code Type} defaults to volume. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record MountSpec(String type, String source, String target, boolean readOnly, BindOptions bindOptions,
            VolumeOptions volumeOptions, TmpfsOptions tmpfsOptions) {
        MountSpec {
            type = type == null ? "volume" : type;
            source = source == null ? "" : source;
            target = target == null ? "" : target;
            bindOptions = bindOptions == null ? new BindOptions(null) : bindOptions;
            volumeOptions = volumeOptions == null ? new VolumeOptions(false) : volumeOptions;
            tmpfsOptions = tmpfsOptions == null ? new TmpfsOptions(0, 0) : tmpfsOptions;
        }
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record BindOptions(String propagation) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record VolumeOptions(boolean noCopy) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record TmpfsOptions(long sizeBytes, int mode) {}

    /** {@code [""]} clears the image's entrypoint; absent keeps it. */
    List<String> entrypointArgv() {
        List<String> e = ShellOrArgv.argv(entrypoint);
        return e != null && e.size() == 1 && e.get(0).isEmpty() ? List.of() : e;
    }
}
