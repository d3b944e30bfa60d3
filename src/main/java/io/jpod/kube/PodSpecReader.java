package io.jpod.kube;

import static io.jpod.kube.KubeYaml.list;
import static io.jpod.kube.KubeYaml.map;
import static io.jpod.kube.KubeYaml.str;
import static io.jpod.kube.KubeYaml.strings;

import io.jpod.common.PortMapping;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.registry.Credentials;
import io.jpod.registry.Platform;
import io.jpod.registry.ProgressListener;
import io.jpod.registry.RegistryService;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the containers of one Pod spec into create requests, checking everything before anything
 * is made. Along the way it collects what belongs to the pod as a whole: the host ports its
 * containers publish and the volume claims that do not exist yet (made by the containers' create).
 */
final class PodSpecReader {

    private final RegistryService images;
    private final VolumeService volumes;
    private final String podName;
    private final Map<String, Map<String, Object>> volumeSources;
    private final List<PortMapping> ports = new ArrayList<>();
    private final List<String> newClaims = new ArrayList<>();

    PodSpecReader(RegistryService images, VolumeService volumes, String podName,
            Map<String, Map<String, Object>> volumeSources) {
        this.images = images;
        this.volumes = volumes;
        this.podName = podName;
        this.volumeSources = volumeSources;
    }

    List<PortMapping> ports() {
        return ports;
    }

    List<String> newClaims() {
        return newClaims;
    }

    /** The request for one container, named {@code <pod>-<container>} as podman names it. */
    CreateRequest read(Map<String, Object> c) {
        String name = str(c.get("name"), "");
        String image = str(c.get("image"), "");
        if (image.isEmpty()) {
            throw EngineException.invalidArgument("container " + name + " has no image");
        }
        // podman's play: imagePullPolicy when given, else "newer" (keeps the local image when the
        // registry cannot say)
        String policy = str(c.get("imagePullPolicy"), "newer").toLowerCase(java.util.Locale.ROOT);
        images.ensure(image, RegistryService.PullPolicy.parse(policy), Platform.host(), Credentials.NONE,
                ProgressListener.NONE);
        addPorts(c);
        List<String> env = env(c);
        List<Mount> mounts = new ArrayList<>();
        for (Object vm : list(c.get("volumeMounts"))) {
            mounts.add(mount(name, map(vm)));
        }
        List<String> command = strings(c.get("command"));
        List<String> args = strings(c.get("args"));
        Map<String, Object> securityContext = map(c.get("securityContext"));
        Object runAs = securityContext.get("runAsUser");
        return new CreateRequest(podName + "-" + name, image, command.isEmpty() ? null : command,
                args.isEmpty() ? null : args, env, str(c.get("workingDir"), null),
                runAs == null ? null : String.valueOf(runAs), Map.of(), Boolean.TRUE.equals(c.get("tty")), null,
                null, null, false, null, Boolean.TRUE.equals(c.get("stdin")), mounts, null, null,
                security(securityContext)).withResources(KubeResources.of(name, c.get("resources")));
    }

    /**
     * A container's {@code securityContext} as create's security options: {@code privileged},
     * {@code capabilities}, {@code readOnlyRootFilesystem}, {@code allowPrivilegeEscalation: false}
     * (no-new-privileges) and {@code seccompProfile} (RuntimeDefault or Unconfined); SELinux, AppArmor
     * and procMount settings cannot be honoured and are refused.
     */
    static CreateRequest.SecurityRequest security(Map<String, Object> sc) {
        for (String unsupported : List.of("seLinuxOptions", "appArmorProfile", "procMount", "windowsOptions")) {
            if (sc.get(unsupported) != null) {
                throw EngineException.invalidArgument("securityContext." + unsupported + " is not supported");
            }
        }
        List<String> opts = new ArrayList<>();
        if (Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
            opts.add("no-new-privileges");
        }
        String seccomp = str(map(sc.get("seccompProfile")).get("type"), "RuntimeDefault");
        switch (seccomp) {
            case "RuntimeDefault" -> { }
            case "Unconfined" -> opts.add("seccomp=unconfined");
            default -> throw EngineException.invalidArgument("securityContext.seccompProfile type " + seccomp
                    + " is not supported: use RuntimeDefault or Unconfined");
        }
        Map<String, Object> caps = map(sc.get("capabilities"));
        return new CreateRequest.SecurityRequest(Boolean.TRUE.equals(sc.get("privileged")), strings(caps.get("add")),
                strings(caps.get("drop")), opts, Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem")), null, null,
                null, null, null, null, null, null);
    }

    /** Only ports with a host port are published; the rest is documentation in Kubernetes too. */
    private void addPorts(Map<String, Object> c) {
        for (Object p : list(c.get("ports"))) {
            Map<String, Object> pm = map(p);
            int hostPort = ((Number) pm.getOrDefault("hostPort", 0)).intValue();
            if (hostPort > 0) {
                ports.add(new PortMapping(str(pm.get("hostIP"), ""), hostPort,
                        ((Number) pm.get("containerPort")).intValue(), str(pm.get("protocol"), "tcp")));
            }
        }
    }

    private static List<String> env(Map<String, Object> c) {
        List<String> env = new ArrayList<>();
        for (Object e : list(c.get("env"))) {
            Map<String, Object> kv = map(e);
            if (kv.containsKey("valueFrom")) {
                throw EngineException.invalidArgument("env valueFrom (" + kv.get("name") + ") is not supported yet");
            }
            env.add(kv.get("name") + "=" + str(kv.get("value"), ""));
        }
        return env;
    }

    private Mount mount(String container, Map<String, Object> m) {
        Map<String, Object> src = volumeSources.get(str(m.get("name"), ""));
        if (src == null) {
            throw EngineException.invalidArgument("volume mount " + m.get("name") + " of container " + container
                    + " names no volume of the pod");
        }
        List<String> opts = Boolean.TRUE.equals(m.get("readOnly")) ? List.of("ro") : List.of();
        String dest = str(m.get("mountPath"), "");
        if (src.containsKey("persistentVolumeClaim")) {
            String claim = str(map(src.get("persistentVolumeClaim")).get("claimName"), "");
            if (!volumes.exists(claim) && !newClaims.contains(claim)) {
                newClaims.add(claim); // made by the container's create
            }
            return new Mount("volume", claim, dest, opts);
        }
        if (src.containsKey("hostPath")) {
            return new Mount("bind", str(map(src.get("hostPath")).get("path"), ""), dest, opts);
        }
        if (src.containsKey("emptyDir")) {
            return new Mount("tmpfs", "tmpfs", dest, opts);
        }
        throw EngineException.invalidArgument("volume " + m.get("name") + ": only persistentVolumeClaim, "
                + "hostPath and emptyDir volumes are supported");
    }
}
