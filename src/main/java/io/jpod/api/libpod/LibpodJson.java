package io.jpod.api.libpod;

import io.jpod.api.NetworkJson;
import io.jpod.image.Image;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libpod API wire shapes (podman 4.x). Types matter more than completeness: podman's client
 * decodes into typed structs, so a time is RFC 3339 where it expects time.Time and Unix seconds
 * where it expects an integer.
 */
final class LibpodJson {

    /** Go's zero time, which podman sends for "never". */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final long ZERO_UNIX = -62135596800L;
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    private LibpodJson() {}

    static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    static long unix(Instant t) {
        return t == null ? ZERO_UNIX : t.getEpochSecond();
    }

    static boolean running(ContainerStatus s) {
        return s == ContainerStatus.RUNNING || s == ContainerStatus.STOPPING;
    }

    private static List<String> args(StoredContainer c) {
        RunConfig run = c.config().run();
        return run != null ? run.args() : c.config().command();
    }

    /** One row of {@code GET /libpod/containers/json}. */
    static Map<String, Object> summary(StoredContainer c, String podName) {
        RunConfig run = c.config().run();
        ContainerState st = c.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AutoRemove", run != null && run.autoRemove());
        m.put("Command", args(c));
        m.put("Created", time(c.config().created()));
        m.put("CreatedAt", "");
        m.put("Exited", st.status() == ContainerStatus.EXITED || st.status() == ContainerStatus.STOPPED);
        m.put("ExitedAt", unix(st.finishedAt()));
        m.put("ExitCode", st.exitCode());
        m.put("Id", c.id());
        m.put("Image", c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName());
        m.put("ImageID", c.config().rootfsImageId());
        m.put("IsInfra", c.config().infra());
        m.put("Labels", c.config().labels());
        m.put("Mounts", c.config().run() == null ? List.of()
                : c.config().run().mounts().stream().map(x -> x.destination()).toList());
        m.put("Names", List.of(c.name()));
        m.put("Namespaces", Map.of());
        m.put("Networks", c.config().run() == null ? List.of() : c.config().run().networks());
        m.put("Pid", running(st.status()) || st.status() == ContainerStatus.PAUSED ? st.pid() : 0);
        m.put("Pod", c.config().podId() == null ? "" : c.config().podId());
        m.put("PodName", podName == null ? "" : podName);
        m.put("Ports", NetworkJson.libpodPorts(c));
        m.put("Size", null);
        m.put("StartedAt", unix(st.startedAt()));
        m.put("State", st.status().display());
        m.put("Status", "");
        return m;
    }

    /** {@code GET /libpod/containers/{id}/json}. */
    static Map<String, Object> inspect(StoredContainer c, String logPath, String staticDir, String ociRuntime,
            List<Map<String, Object>> mounts) {
        RunConfig run = c.config().run();
        ContainerState st = c.state();
        List<String> args = args(c);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Created", time(c.config().created()));
        m.put("Path", args.isEmpty() ? "" : args.get(0));
        m.put("Args", args.size() > 1 ? args.subList(1, args.size()) : List.of());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("OciVersion", "1.0.2");
        state.put("Status", st.status().display());
        state.put("Running", running(st.status()));
        state.put("Paused", st.status() == ContainerStatus.PAUSED);
        state.put("Restarting", false);
        state.put("OOMKilled", st.oomKilled());
        state.put("Dead", st.status() == ContainerStatus.UNKNOWN);
        state.put("Pid", st.pid());
        state.put("ConmonPid", st.conmonPid());
        state.put("ExitCode", st.exitCode());
        state.put("Error", st.error());
        state.put("StartedAt", time(st.startedAt()));
        state.put("FinishedAt", time(st.finishedAt()));
        state.put("Health", Map.of("Status", "", "FailingStreak", 0));
        state.put("CheckpointedAt", ZERO_TIME);
        state.put("RestoredAt", ZERO_TIME);
        m.put("State", state);
        m.put("Image", c.config().rootfsImageId());
        m.put("ImageName", c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName());
        m.put("Rootfs", "");
        m.put("Pod", c.config().podId() == null ? "" : c.config().podId());
        m.put("ResolvConfPath", st.runDir().isEmpty() ? "" : st.runDir() + "/resolv.conf");
        m.put("HostnamePath", st.runDir().isEmpty() ? "" : st.runDir() + "/hostname");
        m.put("HostsPath", st.runDir().isEmpty() ? "" : st.runDir() + "/hosts");
        m.put("StaticDir", staticDir);
        m.put("OCIRuntime", ociRuntime);
        m.put("Name", c.name());
        m.put("RestartCount", st.restartCount());
        m.put("Driver", "overlay");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        m.put("ExecIDs", List.of());
        m.put("Mounts", mounts);
        m.put("Dependencies", List.of());
        m.put("NetworkSettings", NetworkJson.settings(c, JSON));
        m.put("Namespace", c.config().namespace());
        m.put("IsInfra", c.config().infra());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Hostname", run != null ? run.hostname() : "");
        config.put("Domainname", "");
        config.put("User", run != null ? run.user() : "");
        config.put("AttachStdin", false);
        config.put("AttachStdout", false);
        config.put("AttachStderr", false);
        config.put("Tty", run != null && run.tty());
        config.put("OpenStdin", false);
        config.put("StdinOnce", false);
        config.put("Env", run != null ? run.env() : List.of());
        config.put("Cmd", args);
        config.put("Image", c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName());
        config.put("WorkingDir", run != null ? run.workingDir() : "");
        config.put("Entrypoint", ""); // a string in podman 4's inspect: the command above is the full argv
        config.put("Labels", c.config().labels());
        config.put("Annotations", Map.of());
        config.put("StopSignal", run != null ? run.stopSignal() : 15);
        config.put("StopTimeout", run != null ? run.stopTimeout() : 10);
        config.put("Umask", "0022");
        config.put("Timeout", 0);
        m.put("Config", config);
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("Binds", List.of());
        host.put("CgroupManager", "cgroupfs");
        host.put("LogConfig", Map.of("Type", "k8s-file", "Path", logPath));
        host.put("NetworkMode", NetworkJson.mode(c));
        host.put("PortBindings", NetworkJson.portBindings(c));
        var policy = io.jpod.container.RestartPolicy.parse(run == null ? "" : run.restartPolicy());
        // podman shows no policy as an empty name
        host.put("RestartPolicy", Map.of("Name", run == null || run.restartPolicy().isEmpty() ? "" : policy.name(),
                "MaximumRetryCount", policy.maxRetries()));
        host.put("AutoRemove", run != null && run.autoRemove());
        m.put("HostConfig", host);
        return m;
    }

    /** One row of {@code GET /libpod/images/json}. */
    static Map<String, Object> imageSummary(Image img, int containers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", img.id());
        m.put("ParentId", "");
        m.put("RepoTags", img.names());
        m.put("RepoDigests", List.of());
        m.put("Created", img.created().getEpochSecond());
        m.put("Size", img.size());
        m.put("SharedSize", 0);
        m.put("VirtualSize", img.size());
        m.put("Labels", img.config().labels().isEmpty() ? null : img.config().labels());
        m.put("Containers", containers);
        m.put("Names", img.names());
        m.put("Digest", "");
        m.put("History", img.names());
        return m;
    }

    /** {@code GET /libpod/images/{name}/json}. */
    static Map<String, Object> imageInspect(Image img) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", img.id());
        m.put("Digest", "");
        m.put("RepoTags", img.names());
        m.put("RepoDigests", List.of());
        m.put("Parent", "");
        m.put("Comment", img.history().isEmpty() ? "" : img.history().get(img.history().size() - 1).comment());
        m.put("Created", time(img.created()));
        Map<String, Object> cfg = new LinkedHashMap<>();
        var c = img.config();
        if (!c.user().isEmpty()) {
            cfg.put("User", c.user());
        }
        if (!c.exposedPorts().isEmpty()) {
            Map<String, Object> ports = new LinkedHashMap<>();
            c.exposedPorts().forEach(p -> ports.put(p, Map.of()));
            cfg.put("ExposedPorts", ports);
        }
        if (!c.env().isEmpty()) {
            cfg.put("Env", c.env());
        }
        if (!c.entrypoint().isEmpty()) {
            cfg.put("Entrypoint", c.entrypoint());
        }
        if (!c.cmd().isEmpty()) {
            cfg.put("Cmd", c.cmd());
        }
        if (!c.volumes().isEmpty()) {
            Map<String, Object> vols = new LinkedHashMap<>();
            c.volumes().forEach(v -> vols.put(v, Map.of()));
            cfg.put("Volumes", vols);
        }
        if (!c.workingDir().isEmpty()) {
            cfg.put("WorkingDir", c.workingDir());
        }
        if (!c.labels().isEmpty()) {
            cfg.put("Labels", c.labels());
        }
        if (!c.stopSignal().isEmpty()) {
            cfg.put("StopSignal", c.stopSignal());
        }
        m.put("Config", cfg);
        m.put("Version", "");
        m.put("Author", "");
        m.put("Architecture", img.architecture());
        m.put("Os", img.os());
        m.put("Size", img.size());
        m.put("VirtualSize", img.size());
        m.put("GraphDriver", Map.of("Name", "overlay", "Data", Map.of()));
        m.put("RootFS", Map.of("Type", "layers", "Layers", img.layers()));
        m.put("Labels", c.labels().isEmpty() ? null : c.labels());
        m.put("Annotations", Map.of());
        m.put("ManifestType", "application/vnd.oci.image.manifest.v1+json");
        m.put("User", c.user());
        List<Map<String, Object>> history = new ArrayList<>();
        for (var h : img.history()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("created", time(h.created()));
            e.put("created_by", h.createdBy());
            e.put("comment", h.comment());
            if (h.emptyLayer()) {
                e.put("empty_layer", true);
            }
            history.add(e);
        }
        m.put("History", history);
        m.put("NamesHistory", img.names());
        return m;
    }
}
