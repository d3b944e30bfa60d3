package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.DeviceMapping;
import io.jpod.api.wire.NetworkMode;
import io.jpod.api.wire.MountPoint;
import io.jpod.api.wire.NetworkSettings;
import io.jpod.api.wire.PortBinding;
import io.jpod.container.ContainerSecurity;
import io.jpod.container.RestartPolicy;
import io.jpod.state.ContainerConfig.Security;
import io.jpod.state.ContainerState;
import io.jpod.state.StoredContainer;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /libpod/containers/{id}/json} (podman's {@code InspectContainerData}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record InspectContainerData(String id, String created, String path, List<String> args,
        InspectContainerState state, String image, String imageName, String rootfs, String pod,
        String resolvConfPath, String hostnamePath, String hostsPath, String staticDir,
        @JsonProperty("OCIRuntime") String ociRuntime, String name, int restartCount, String driver,
        String mountLabel, String processLabel, String appArmorProfile,
        @JsonProperty("ExecIDs") List<String> execIds, List<MountPoint> mounts, List<String> dependencies,
        NetworkSettings networkSettings, String namespace, boolean isInfra, InspectContainerConfig config,
        HostConfig hostConfig, List<String> effectiveCaps, List<String> boundingCaps) {

    /** Where the container's files are and what runs it: not part of the stored container. */
    record Context(String logPath, String staticDir, String ociRuntime, List<MountPoint> mounts,
            NetworkSettings networkSettings) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record RestartPolicySpec(String name, int maximumRetryCount) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record LogConfig(String type, String path) {
        /** libpod writes a json-file log as k8s-file and names it so; none has no path. */
        static LogConfig of(io.jpod.state.ContainerConfig.RunConfig run, String logPath) {
            return run != null && run.log().none() ? new LogConfig("none", "") : new LogConfig("k8s-file", logPath);
        }
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record HostConfig(List<String> binds, String cgroupManager, LogConfig logConfig, String networkMode,
            Map<String, List<PortBinding>> portBindings, RestartPolicySpec restartPolicy, boolean autoRemove,
            boolean privileged, List<String> capAdd, List<String> capDrop, List<String> securityOpt,
            boolean readonlyRootfs, List<DeviceMapping> devices, List<String> groupAdd, Map<String, String> sysctls,
            String usernsMode, String pidMode, String ipcMode, @JsonProperty("UTSMode") String utsMode,
            @com.fasterxml.jackson.annotation.JsonUnwrapped io.jpod.api.wire.ResourcesView resources,
            @com.fasterxml.jackson.annotation.JsonUnwrapped io.jpod.api.wire.NameSettings names, boolean init) {

        static HostConfig of(StoredContainer c, String logPath) {
            var run = c.config().run();
            RestartPolicy policy = RestartPolicy.parse(run == null ? "" : run.restartPolicy());
            // podman shows no policy as an empty name
            String name = run == null || run.restartPolicy().isEmpty() ? "" : policy.name();
            Security s = security(c);
            return new HostConfig(List.of(), "cgroupfs", LogConfig.of(run, logPath), NetworkMode.of(c),
                    PortBinding.configured(c), new RestartPolicySpec(name, policy.maxRetries()),
                    run != null && run.autoRemove(), s.privileged(), s.capAdd(), s.capDrop(), s.securityOpt(),
                    s.readOnly(), DeviceMapping.of(s), s.groupAdd(), s.sysctls(),
                    DeviceMapping.mode(s.userns(), "host"),
                    DeviceMapping.mode(s.pidMode(), "private"), DeviceMapping.mode(s.ipcMode(), "private"),
                    DeviceMapping.mode(s.utsMode(), "private"),
                    io.jpod.api.wire.ResourcesView.of(run == null ? null : run.resources(), true),
                    io.jpod.api.wire.NameSettings.of(c), run != null && run.init().enabled());
        }
    }

    private static Security security(StoredContainer c) {
        return c.config().run() == null ? Security.DEFAULT : c.config().run().security();
    }

    static InspectContainerData of(StoredContainer c, Context ctx) {
        ContainerState st = c.state();
        List<String> args = LibpodJson.args(c);
        List<String> process = processArgs(c, args);
        String runDir = st.runDir();
        return new InspectContainerData(c.id(), LibpodJson.time(c.config().created()),
                process.isEmpty() ? "" : process.get(0),
                process.size() > 1 ? process.subList(1, process.size()) : List.of(),
                InspectContainerState.of(st, io.jpod.container.Healthchecks.current(c)), c.config().rootfsImageId(), LibpodJson.imageName(c), "",
                c.config().podId() == null ? "" : c.config().podId(), inRunDir(runDir, "resolv.conf"),
                inRunDir(runDir, "hostname"), inRunDir(runDir, "hosts"), ctx.staticDir(), ctx.ociRuntime(),
                c.name(), st.restartCount(), "overlay", "", "", "", List.of(), ctx.mounts(), List.of(),
                ctx.networkSettings(), c.config().namespace(), c.config().infra(),
                InspectContainerConfig.of(c, args), HostConfig.of(c, ctx.logPath()),
                ContainerSecurity.capabilities(security(c)), ContainerSecurity.capabilities(security(c)));
    }

    /** What PID 1 runs: as podman shows it, the init and {@code --} in front of the command with {@code --init}. */
    private static List<String> processArgs(StoredContainer c, List<String> args) {
        var run = c.config().run();
        if (run == null || !run.init().enabled()) {
            return args;
        }
        List<String> out = new java.util.ArrayList<>(List.of(io.jpod.state.InitProcess.CONTAINER_PATH, "--"));
        out.addAll(args);
        return out;
    }

    private static String inRunDir(String runDir, String file) {
        return runDir.isEmpty() ? "" : runDir + "/" + file;
    }
}
