package io.jpod.api.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.DeviceMapping;
import io.jpod.api.wire.NetworkMode;
import io.jpod.api.wire.MountPoint;
import io.jpod.api.wire.NetworkSettings;
import io.jpod.api.wire.PortBinding;
import io.jpod.container.RestartPolicy;
import io.jpod.container.StatusText;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerConfig.Security;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /containers/{id}/json} (Docker's {@code ContainerInspectResponse}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ContainerInspectResponse(String id, String created, String path, List<String> args, State state,
        String image, String resolvConfPath, String hostnamePath, String hostsPath, String logPath, String name,
        int restartCount, String driver, String platform, String mountLabel, String processLabel,
        String appArmorProfile, HostConfig hostConfig, Config config, NetworkSettings networkSettings,
        List<MountPoint> mounts) {

    /** {@code State}: {@code Running} stays true while a stop is under way, as Docker's does. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record State(String status, boolean running, boolean paused, boolean restarting,
            @JsonProperty("OOMKilled") boolean oomKilled, boolean dead, int pid, int exitCode, String error,
            String startedAt, String finishedAt,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            io.jpod.api.wire.HealthParts.Health health) {

        static State of(ContainerState st) {
            return of(st, null);
        }

        /** With the container's health ({@code State.Health}), left out when it has no healthcheck. */
        static State of(ContainerState st, io.jpod.state.ContainerHealth health) {
            ContainerStatus s = st.status();
            return new State(StatusText.word(s), s == ContainerStatus.RUNNING || s == ContainerStatus.STOPPING,
                    s == ContainerStatus.PAUSED, false, st.oomKilled(), s == ContainerStatus.UNKNOWN, st.pid(),
                    st.exitCode(), st.error(), DockerJson.time(st.startedAt()), DockerJson.time(st.finishedAt()),
                    io.jpod.api.wire.HealthParts.state(health));
        }
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record RestartPolicySpec(String name, int maximumRetryCount) {}

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record LogConfig(String type, Map<String, String> config) {
        /** As the client asked ({@code json-file} stays {@code json-file}). */
        static LogConfig of(io.jpod.state.ContainerConfig.RunConfig run) {
            io.jpod.state.LogConfig log = run == null ? io.jpod.state.LogConfig.DEFAULT : run.log();
            return new LogConfig(log.type(), log.options());
        }
    }

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record HostConfig(boolean autoRemove, RestartPolicySpec restartPolicy, String networkMode,
            Map<String, List<PortBinding>> portBindings, LogConfig logConfig, boolean privileged,
            List<String> capAdd, List<String> capDrop, List<String> securityOpt, boolean readonlyRootfs,
            List<DeviceMapping> devices, List<String> groupAdd, Map<String, String> sysctls, String usernsMode,
            String pidMode, String ipcMode, @JsonProperty("UTSMode") String utsMode,
            @com.fasterxml.jackson.annotation.JsonUnwrapped io.jpod.api.wire.ResourcesView resources,
            @com.fasterxml.jackson.annotation.JsonUnwrapped io.jpod.api.wire.NameSettings names,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Boolean init, List<String> links) {

        static HostConfig of(StoredContainer c) {
            return of(c, List.of());
        }

        /** With the container's legacy links ({@code /target:/me/alias}); Docker shows none as null. */
        static HostConfig of(StoredContainer c, List<String> links) {
            var run = c.config().run();
            RestartPolicy policy = RestartPolicy.parse(run == null ? "" : run.restartPolicy());
            Security s = run == null ? Security.DEFAULT : run.security();
            return new HostConfig(run != null && run.autoRemove(),
                    new RestartPolicySpec(policy.name(), policy.maxRetries()), NetworkMode.of(c),
                    PortBinding.configured(c), LogConfig.of(run), s.privileged(), s.capAdd(),
                    s.capDrop(), s.securityOpt(), s.readOnly(), DeviceMapping.of(s), s.groupAdd(), s.sysctls(),
                    s.userns(), s.pidMode(), DeviceMapping.mode(s.ipcMode(), "private"), s.utsMode(),
                    io.jpod.api.wire.ResourcesView.of(run == null ? null : run.resources(), false),
                    io.jpod.api.wire.NameSettings.of(c),
                    run != null && run.init().enabled() ? Boolean.TRUE : null, // Docker leaves an unset Init out
                    links.isEmpty() ? null : links);
        }
    }

    /** {@code Config}: what the container runs; {@code StopSignal} is a number as text. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Config(String hostname, String user, List<String> env, List<String> cmd, List<String> entrypoint,
            String image, String workingDir, Map<String, String> labels, boolean tty, boolean openStdin,
            boolean attachStdin, boolean attachStdout, boolean attachStderr, String stopSignal, int stopTimeout,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Map<String, Object> healthcheck, String domainname) {

        static Config of(StoredContainer c, List<String> args) {
            var run = c.config().run();
            String image = c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName();
            return new Config(run != null ? run.hostname() : "", run != null ? run.user() : "",
                    run != null ? run.env() : List.of(), args, null, DockerJson.imageName(image),
                    run != null ? run.workingDir() : "", c.config().labels(), run != null && run.tty(), false,
                    false, false, false, run != null ? Integer.toString(run.stopSignal()) : "15",
                    run != null ? run.stopTimeout() : 10,
                    io.jpod.api.wire.HealthParts.config(run != null ? run.healthcheck() : null),
                    io.jpod.api.wire.NameSettings.domainname(c));
        }
    }

    static ContainerInspectResponse of(StoredContainer c, String logPath, Function<Mount, String> hostSource,
            JsonMapper json) {
        return of(c, logPath, hostSource, json, List.of());
    }

    static ContainerInspectResponse of(StoredContainer c, String logPath, Function<Mount, String> hostSource,
            JsonMapper json, List<String> links) {
        var run = c.config().run();
        ContainerState st = c.state();
        List<String> args = run != null ? run.args() : c.config().command();
        String runDir = st.runDir();
        return new ContainerInspectResponse(c.id(), DockerJson.time(c.config().created()),
                args.isEmpty() ? "" : args.get(0), args.size() > 1 ? args.subList(1, args.size()) : List.of(),
                State.of(st, io.jpod.container.Healthchecks.current(c)), "sha256:" + c.config().rootfsImageId(),
                inRunDir(runDir, "resolv.conf"),
                inRunDir(runDir, "hostname"), inRunDir(runDir, "hosts"), logPath, "/" + c.name(),
                st.restartCount(), "overlay", "linux", "", "", "", HostConfig.of(c, links), Config.of(c, args),
                NetworkSettings.of(c, json), MountPoint.of(c, hostSource));
    }

    static String inRunDir(String runDir, String file) {
        return runDir.isEmpty() ? "" : runDir + "/" + file;
    }
}
