package io.jpod.kube;

import io.jpod.common.PortMapping;
import io.jpod.error.NoSuchObjectException;
import io.jpod.image.ImageStore;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.StoredContainer;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One container of a generated Pod: what the user set (command, env beyond the image's, working
 * dir, ports, mounts, numeric user), so that playing it back recreates the same container.
 */
final class ContainerSpecWriter {

    /** Environment every container gets from jpod: not part of what a user wrote. */
    private static final Set<String> ENGINE_ENV = Set.of("PATH", "container", "HOSTNAME", "HOME", "TERM");

    private final VolumeService volumes;
    private final ImageStore images;

    ContainerSpecWriter(VolumeService volumes, ImageStore images) {
        this.volumes = volumes;
        this.images = images;
    }

    /** The container's spec; the pod-level volumes its mounts need are added to {@code vols}. */
    Map<String, Object> containerSpec(StoredContainer c, List<PortMapping> ports, Map<String, Object> vols) {
        RunConfig run = c.config().run();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("image", c.config().rootfsImageName());
        m.put("command", new ArrayList<>(run.args()));
        List<Object> env = env(c, run);
        if (!env.isEmpty()) {
            m.put("env", env);
        }
        if (!run.workingDir().isEmpty() && !run.workingDir().equals("/")) {
            m.put("workingDir", run.workingDir());
        }
        if (!ports.isEmpty()) {
            m.put("ports", ports(ports));
        }
        List<Object> mounts = new ArrayList<>();
        for (Mount mount : run.mounts()) {
            Map<String, Object> vm = volumeMount(mount, vols);
            if (vm != null) {
                mounts.add(vm);
            }
        }
        if (!mounts.isEmpty()) {
            m.put("volumeMounts", mounts);
        }
        Map<String, Object> sc = new java.util.LinkedHashMap<>();
        if (!run.user().isEmpty() && run.user().matches("\\d+")) {
            sc.put("runAsUser", Integer.parseInt(run.user()));
        }
        // the security options play kube reads back
        var sec = run.security();
        if (sec.privileged()) {
            sc.put("privileged", true);
        }
        if (!sec.capAdd().isEmpty() || !sec.capDrop().isEmpty()) {
            Map<String, Object> caps = new java.util.LinkedHashMap<>();
            if (!sec.capAdd().isEmpty()) {
                caps.put("add", sec.capAdd());
            }
            if (!sec.capDrop().isEmpty()) {
                caps.put("drop", sec.capDrop());
            }
            sc.put("capabilities", caps);
        }
        if (sec.readOnly()) {
            sc.put("readOnlyRootFilesystem", true);
        }
        if (sec.noNewPrivileges()) {
            sc.put("allowPrivilegeEscalation", false);
        }
        if (sec.seccomp().equals("unconfined")) {
            sc.put("seccompProfile", Map.of("type", "Unconfined"));
        }
        if (!sc.isEmpty()) {
            m.put("securityContext", sc);
        }
        Map<String, Object> resources = KubeResources.toYaml(run.resources());
        if (resources != null) {
            m.put("resources", resources);
        }
        return m;
    }

    /** The variables the user added: neither the engine's nor the image's own. */
    private List<Object> env(StoredContainer c, RunConfig run) {
        List<String> imageEnv = List.of();
        try {
            imageEnv = images.lookup(c.config().rootfsImageId()).config().env();
        } catch (NoSuchObjectException gone) {
            // the image went: every variable is written out
        }
        List<Object> env = new ArrayList<>();
        for (String kv : run.env()) {
            int eq = kv.indexOf('=');
            String key = kv.substring(0, eq);
            if (!ENGINE_ENV.contains(key) && !imageEnv.contains(kv)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", key);
                e.put("value", kv.substring(eq + 1));
                env.add(e);
            }
        }
        return env;
    }

    private static List<Object> ports(List<PortMapping> ports) {
        List<Object> ps = new ArrayList<>();
        for (PortMapping p : ports) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("containerPort", p.containerPort());
            e.put("hostPort", p.hostPort());
            if (!p.hostIp().isEmpty()) {
                e.put("hostIP", p.hostIp());
            }
            e.put("protocol", p.protocol().toUpperCase(Locale.ROOT));
            ps.add(e);
        }
        return ps;
    }

    /** The container's mount entry, adding its pod volume to {@code vols}; null for a mount left out. */
    private Map<String, Object> volumeMount(Mount mount, Map<String, Object> vols) {
        String volName;
        Map<String, Object> vol = new LinkedHashMap<>();
        switch (mount.type()) {
            case "volume" -> {
                if (volumes.exists(mount.source()) && volumes.inspect(mount.source()).anonymous()) {
                    return null; // an image's VOLUME: recreated from the image on play
                }
                volName = mount.source() + "-pvc";
                vol.put("persistentVolumeClaim", Map.of("claimName", mount.source()));
            }
            case "bind" -> {
                volName = kubeName(mount.source());
                vol.put("hostPath", Map.of("path", mount.source(), "type", "Directory"));
            }
            default -> {
                volName = kubeName(mount.destination()) + "-tmpfs";
                vol.put("emptyDir", Map.of("medium", "Memory"));
            }
        }
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name", volName);
        vm.put("mountPath", mount.destination());
        if (mount.readOnly()) {
            vm.put("readOnly", true);
        }
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("name", volName); // name first, as Kubernetes writes it
        named.putAll(vol);
        vols.putIfAbsent(volName, named);
        return vm;
    }

    /** A DNS-1123 label from a path. */
    private static String kubeName(String path) {
        String n = path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        n = n.isEmpty() ? "root" : n;
        return n.length() > 50 ? n.substring(0, 50) : n;
    }
}
