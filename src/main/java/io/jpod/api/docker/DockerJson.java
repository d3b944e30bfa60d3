package io.jpod.api.docker;

import io.jpod.api.MountsJson;
import io.jpod.api.NetworkJson;
import io.jpod.container.StatusText;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Docker Engine API wire shapes for containers and images. */
final class DockerJson {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private DockerJson() {}

    static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    static String imageName(String stored) {
        try {
            return ImageReference.parse(stored).familiar();
        } catch (RuntimeException e) {
            return stored;
        }
    }

    static Map<String, Object> summary(StoredContainer c) {
        RunConfig run = c.config().run();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Names", List.of("/" + c.name()));
        m.put("Image", imageName(c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName()));
        m.put("ImageID", "sha256:" + c.config().rootfsImageId());
        m.put("Command", String.join(" ", run != null ? run.args() : c.config().command()));
        m.put("Created", c.config().created() == null ? 0 : c.config().created().getEpochSecond());
        m.put("Ports", NetworkJson.dockerPorts(c));
        m.put("Labels", c.config().labels());
        m.put("State", StatusText.word(c.state().status()));
        m.put("Status", StatusText.of(c.state(), Instant.now()));
        m.put("HostConfig", Map.of("NetworkMode", NetworkJson.mode(c)));
        m.put("NetworkSettings", Map.of("Networks", NetworkJson.settings(c, JSON).get("Networks")));
        m.put("Mounts", List.of());
        return m;
    }

    static Map<String, Object> inspect(StoredContainer c, String logPath,
            java.util.function.Function<Mount, String> hostSource) {
        RunConfig run = c.config().run();
        ContainerState st = c.state();
        List<String> args = run != null ? run.args() : c.config().command();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Created", time(c.config().created()));
        m.put("Path", args.isEmpty() ? "" : args.get(0));
        m.put("Args", args.size() > 1 ? args.subList(1, args.size()) : List.of());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("Status", StatusText.word(st.status()));
        state.put("Running", st.status() == ContainerStatus.RUNNING || st.status() == ContainerStatus.STOPPING);
        state.put("Paused", st.status() == ContainerStatus.PAUSED);
        state.put("Restarting", false);
        state.put("OOMKilled", st.oomKilled());
        state.put("Dead", st.status() == ContainerStatus.UNKNOWN);
        state.put("Pid", st.pid());
        state.put("ExitCode", st.exitCode());
        state.put("Error", st.error());
        state.put("StartedAt", time(st.startedAt()));
        state.put("FinishedAt", time(st.finishedAt()));
        m.put("State", state);
        m.put("Image", "sha256:" + c.config().rootfsImageId());
        m.put("ResolvConfPath", st.runDir().isEmpty() ? "" : st.runDir() + "/resolv.conf");
        m.put("HostnamePath", st.runDir().isEmpty() ? "" : st.runDir() + "/hostname");
        m.put("HostsPath", st.runDir().isEmpty() ? "" : st.runDir() + "/hosts");
        m.put("LogPath", logPath);
        m.put("Name", "/" + c.name());
        m.put("RestartCount", st.restartCount());
        m.put("Driver", "overlay");
        m.put("Platform", "linux");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("AutoRemove", run != null && run.autoRemove());
        var policy = io.jpod.container.RestartPolicy.parse(run == null ? "" : run.restartPolicy());
        host.put("RestartPolicy", Map.of("Name", policy.name(), "MaximumRetryCount", policy.maxRetries()));
        host.put("NetworkMode", NetworkJson.mode(c));
        host.put("PortBindings", NetworkJson.portBindings(c));
        host.put("LogConfig", Map.of("Type", "k8s-file", "Config", Map.of()));
        m.put("HostConfig", host);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Hostname", run != null ? run.hostname() : "");
        config.put("User", run != null ? run.user() : "");
        config.put("Env", run != null ? run.env() : List.of());
        config.put("Cmd", args);
        config.put("Entrypoint", null);
        config.put("Image", imageName(c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName()));
        config.put("WorkingDir", run != null ? run.workingDir() : "");
        config.put("Labels", c.config().labels());
        config.put("Tty", run != null && run.tty());
        config.put("OpenStdin", false);
        config.put("AttachStdin", false);
        config.put("AttachStdout", false);
        config.put("AttachStderr", false);
        config.put("StopSignal", run != null ? Integer.toString(run.stopSignal()) : "15");
        config.put("StopTimeout", run != null ? run.stopTimeout() : 10);
        m.put("Config", config);
        m.put("NetworkSettings", NetworkJson.settings(c, JSON));
        m.put("Mounts", MountsJson.of(c, hostSource));
        return m;
    }

    static Map<String, Object> imageSummary(Image img) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", "sha256:" + img.id());
        m.put("ParentId", "");
        List<String> tags = new ArrayList<>();
        img.names().forEach(n -> tags.add(imageName(n)));
        m.put("RepoTags", tags);
        m.put("RepoDigests", List.of());
        m.put("Created", img.created().getEpochSecond());
        m.put("Size", img.size());
        m.put("SharedSize", -1);
        m.put("VirtualSize", img.size());
        m.put("Labels", img.config().labels());
        m.put("Containers", -1);
        return m;
    }

    static Map<String, Object> imageInspect(Image img) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", "sha256:" + img.id());
        List<String> tags = new ArrayList<>();
        img.names().forEach(n -> tags.add(imageName(n)));
        m.put("RepoTags", tags);
        m.put("RepoDigests", List.of());
        m.put("Parent", "");
        m.put("Comment", img.history().isEmpty() ? "" : img.history().get(img.history().size() - 1).comment());
        m.put("Created", img.created().toString());
        m.put("Architecture", img.architecture());
        m.put("Os", img.os());
        m.put("Size", img.size());
        m.put("VirtualSize", img.size());
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("Cmd", img.config().cmd().isEmpty() ? null : img.config().cmd());
        cfg.put("Entrypoint", img.config().entrypoint().isEmpty() ? null : img.config().entrypoint());
        cfg.put("Env", img.config().env());
        cfg.put("WorkingDir", img.config().workingDir());
        cfg.put("User", img.config().user());
        cfg.put("Labels", img.config().labels());
        Map<String, Object> ports = new LinkedHashMap<>();
        img.config().exposedPorts().forEach(p -> ports.put(p, Map.of()));
        cfg.put("ExposedPorts", ports);
        Map<String, Object> vols = new LinkedHashMap<>();
        img.config().volumes().forEach(v -> vols.put(v, Map.of()));
        cfg.put("Volumes", vols);
        cfg.put("StopSignal", img.config().stopSignal());
        m.put("Config", cfg);
        m.put("RootFS", Map.of("Type", "layers", "Layers", img.layers()));
        m.put("GraphDriver", Map.of("Name", "overlay", "Data", Map.of()));
        return m;
    }
}
