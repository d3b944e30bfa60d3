package io.jpod.api.docker;

import io.jpod.api.wire.PortBinding;
import io.jpod.api.wire.ShellOrArgv;
import io.jpod.common.PortMapping;
import io.jpod.container.CreateRequest;
import io.jpod.container.ShortForms;
import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig.Mount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Docker's create body as the engine's {@link CreateRequest}; features not built yet are refused, not dropped. */
final class DockerCreate {

    private DockerCreate() {}

    static CreateRequest request(String name, ContainerCreateRequest body) {
        ContainerCreateRequest.HostConfig host = body.hostConfig();
        if (host.publishAllPorts()) {
            throw EngineException.invalidArgument("HostConfig.PublishAllPorts (-P) is not supported yet: publish "
                    + "ports one by one with -p");
        }
        if (!host.volumesFrom().isEmpty()) {
            throw EngineException.invalidArgument("HostConfig.VolumesFrom is not supported yet");
        }
        if (host.maskedPaths() != null || host.readonlyPaths() != null) {
            // the docker CLI sends these (empty) for --security-opt systempaths=unconfined
            throw EngineException.invalidArgument("HostConfig.MaskedPaths and ReadonlyPaths (--security-opt "
                    + "systempaths=unconfined) are not supported: use --privileged to unmask /proc and /sys");
        }
        if (host.capabilities() != null && !host.capabilities().isEmpty()) {
            throw EngineException.invalidArgument("HostConfig.Capabilities (a whole capability set) is not "
                    + "supported: use CapAdd and CapDrop");
        }
        if (!host.deviceCgroupRules().isEmpty()) {
            throw EngineException.invalidArgument("HostConfig.DeviceCgroupRules (--device-cgroup-rule) is not "
                    + "supported: give the devices with --device");
        }
        String restart = host.restartPolicy().name() == null ? "" : host.restartPolicy().name();
        int retries = host.restartPolicy().maximumRetryCount();
        if (restart.equals("on-failure") && retries > 0) {
            restart = restart + ":" + retries;
        }
        return new CreateRequest(name, orEmpty(body.image()), body.entrypointArgv(), ShellOrArgv.argv(body.cmd()),
                body.env(), orEmpty(body.workingDir()), orEmpty(body.user()), body.labels(), body.tty(),
                orEmpty(body.stopSignal()), body.stopTimeout(), restart, host.autoRemove(), orEmpty(body.hostname()),
                body.openStdin(), mounts(body), null, network(body), security(host),
                io.jpod.api.wire.HealthConfig.toEngine(body.healthcheck())).withLog(log(host.logConfig()));
    }

    /** {@code HostConfig.LogConfig}, checked: a driver or option that cannot be honoured is refused. */
    static io.jpod.state.LogConfig log(ContainerCreateRequest.LogConfig log) {
        return log == null ? io.jpod.state.LogConfig.DEFAULT
                : io.jpod.state.LogConfig.of(log.type(), log.config(), null);
    }

    /** The security fields of {@code HostConfig}, in the engine's terms; the engine checks them. */
    static CreateRequest.SecurityRequest security(ContainerCreateRequest.HostConfig host) {
        List<String> devices = new ArrayList<>();
        for (ContainerCreateRequest.DeviceMapping d : host.devices()) {
            String onHost = orEmpty(d.pathOnHost());
            String inContainer = orEmpty(d.pathInContainer()).isEmpty() ? onHost : d.pathInContainer();
            String perms = orEmpty(d.cgroupPermissions()).isEmpty() ? "rwm" : d.cgroupPermissions();
            devices.add(onHost + ":" + inContainer + ":" + perms);
        }
        // Docker's own default names for the private namespaces
        String ipc = orEmpty(host.ipcMode());
        return new CreateRequest.SecurityRequest(host.privileged(), host.capAdd(), host.capDrop(), host.securityOpt(),
                host.readonlyRootfs(), null, devices, host.groupAdd(), host.sysctls(), orEmpty(host.usernsMode()),
                orEmpty(host.pidMode()), ipc, orEmpty(host.utsMode()));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * {@code HostConfig.NetworkMode} ({@code default}/{@code bridge}, {@code none}, {@code host},
     * {@code container:ID} or a network's name), more networks from {@code NetworkingConfig}, and
     * {@code PortBindings} ({@code "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}).
     */
    static CreateRequest.NetworkRequest network(ContainerCreateRequest body) {
        String mode = body.hostConfig().networkMode();
        List<String> networks = new ArrayList<>();
        body.networkingConfig().endpointsConfig().keySet().forEach(n -> {
            if (!n.equals(mode) && !n.equals("bridge")) {
                networks.add(n);
            }
        });
        List<PortMapping> ports = new ArrayList<>();
        for (Map.Entry<String, List<PortBinding>> e : body.hostConfig().portBindings().entrySet()) {
            String[] portProto = e.getKey().split("/");
            int containerPort = parsePort(portProto[0]);
            String proto = portProto.length > 1 ? portProto[1] : "tcp";
            List<PortBinding> bindings = e.getValue() == null ? List.of() : e.getValue();
            if (bindings.isEmpty()) {
                ports.add(new PortMapping("", 0, containerPort, proto));
            }
            for (PortBinding b : bindings) {
                String hostPort = orEmpty(b.hostPort());
                ports.add(new PortMapping(orEmpty(b.hostIp()), hostPort.isEmpty() ? 0 : parsePort(hostPort),
                        containerPort, proto));
            }
        }
        return new CreateRequest.NetworkRequest(mode, networks, ports);
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("invalid port \"" + s + "\" (port ranges are not supported yet)");
        }
    }

    /** {@code Binds} ({@code -v}), {@code Mounts} ({@code --mount}), {@code Tmpfs} and the anonymous {@code Volumes}. */
    static List<Mount> mounts(ContainerCreateRequest body) {
        ContainerCreateRequest.HostConfig host = body.hostConfig();
        List<Mount> out = new ArrayList<>();
        host.binds().forEach(b -> out.add(ShortForms.mount(orEmpty(b))));
        host.mounts().forEach(m -> out.add(mount(m)));
        host.tmpfs().forEach((path, opts) -> out.add(new Mount("tmpfs", "tmpfs", path,
                opts == null || opts.isEmpty() ? List.of() : List.of(opts.split(",")))));
        // Config.Volumes: anonymous volumes, unless a bind or mount already covers the path
        body.volumes().keySet().forEach(path -> {
            if (out.stream().noneMatch(m -> m.destination().equals(path))) {
                out.add(new Mount("volume", "", path, List.of()));
            }
        });
        return out;
    }

    private static Mount mount(ContainerCreateRequest.MountSpec m) {
        List<String> opts = new ArrayList<>();
        if (m.readOnly()) {
            opts.add("ro");
        }
        String propagation = orEmpty(m.bindOptions().propagation());
        if (!propagation.isEmpty()) {
            opts.add(propagation);
        }
        if (m.volumeOptions().noCopy()) {
            opts.add("nocopy");
        }
        if (m.tmpfsOptions().sizeBytes() > 0) {
            opts.add("size=" + m.tmpfsOptions().sizeBytes());
        }
        if (m.tmpfsOptions().mode() > 0) {
            opts.add("mode=" + Integer.toOctalString(m.tmpfsOptions().mode()));
        }
        return new Mount(m.type(), m.source(), m.target(), opts);
    }
}
