package io.jpod.api.libpod;

import io.jpod.common.PortMapping;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig.Mount;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** podman's SpecGenerator as the engine's {@link CreateRequest}; features not built yet are refused, not dropped. */
final class LibpodCreate {

    /** SpecGenerator fields whose features are not built yet. */
    private static final List<String> NOT_YET = List.of("image_volumes", "overlay_volumes",
            "secrets", "volumes_from", "device_cgroup_rule", "mask", "unmask", "procfs_opts");

    private LibpodCreate() {}

    /** Refuses a spec that sets a field of {@link #NOT_YET}: podman sends them empty when unused. */
    static void refuseUnsupported(JsonNode spec) {
        for (String field : NOT_YET) {
            JsonNode v = spec.path(field);
            if (!v.isMissingNode() && !v.isNull() && !(v.isEmpty() && (v.isArray() || v.isObject()))
                    && !(v.isString() && v.asString().isEmpty())) {
                throw EngineException.invalidArgument("\"" + field + "\" is not supported yet");
            }
        }
        // podman always sends idmappings; only the host's (no mapping) can be honoured
        JsonNode ids = spec.path("idmappings");
        if (!ids.path("UIDMap").isEmpty() || !ids.path("GIDMap").isEmpty() || ids.path("AutoUserNs").asBoolean(false)) {
            throw EngineException.invalidArgument("user namespace ID mappings are not supported: containers run "
                    + "in the host's user namespace");
        }
    }

    static CreateRequest request(SpecGenerator spec) {
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        String restart = orEmpty(spec.restartPolicy());
        if (restart.equals("on-failure") && spec.restartTries() > 0) {
            restart = restart + ":" + spec.restartTries();
        }
        Integer signal = spec.stopSignal();
        return new CreateRequest(orEmpty(spec.name()), orEmpty(spec.image()), spec.entrypoint(), spec.command(), env,
                orEmpty(spec.workDir()), orEmpty(spec.user()), spec.labels(), spec.terminal(),
                signal != null && signal > 0 ? Integer.toString(signal) : null, spec.stopTimeout(), restart,
                spec.remove(), orEmpty(spec.hostname()), spec.stdin(), mounts(spec),
                orEmpty(spec.pod()).isEmpty() ? null : spec.pod(), network(spec), security(spec),
                healthcheck(spec)).withLog(log(spec.logConfiguration()));
    }

    /** {@code log_configuration}: the log stays with the container, so a {@code path} of its own is refused. */
    static io.jpod.state.LogConfig log(SpecGenerator.LogConfiguration log) {
        if (log == null) {
            return io.jpod.state.LogConfig.DEFAULT;
        }
        if (!orEmpty(log.path()).isEmpty()) {
            throw EngineException.invalidArgument("log_configuration.path is not supported: the log is kept with "
                    + "the container");
        }
        return io.jpod.state.LogConfig.of(log.driver(), log.options(), log.size());
    }

    /** {@code healthconfig}; of the on-failure actions (podman's {@code --health-on-failure}) only none is run. */
    private static io.jpod.state.ContainerConfig.Healthcheck healthcheck(SpecGenerator spec) {
        // 0: not given, 1: none; kill, restart and stop are not carried out here
        if (spec.healthCheckOnFailureAction() > 1) {
            throw EngineException.invalidArgument("health_check_on_failure_action (--health-on-failure) other than "
                    + "none is not supported");
        }
        return io.jpod.api.wire.HealthConfig.toEngine(spec.healthconfig());
    }

    /**
     * The security fields, as the docker CLI's words the engine checks: {@code no_new_privileges},
     * {@code seccomp_profile_path} ({@code unconfined} or a path on this host), {@code selinux_opts},
     * {@code apparmor_profile} become {@code --security-opt} values.
     */
    static CreateRequest.SecurityRequest security(SpecGenerator spec) {
        List<String> opts = new ArrayList<>();
        if (spec.noNewPrivileges()) {
            opts.add("no-new-privileges");
        }
        String policy = orEmpty(spec.seccompPolicy());
        if (!policy.isEmpty() && !policy.equals("default")) {
            throw EngineException.invalidArgument("seccomp policy \"" + policy + "\" is not supported: only "
                    + "default");
        }
        if (!orEmpty(spec.seccompProfilePath()).isEmpty()) {
            opts.add("seccomp=" + spec.seccompProfilePath());
        }
        for (String label : spec.selinuxOpts()) {
            opts.add("label=" + label);
        }
        if (!orEmpty(spec.apparmorProfile()).isEmpty()) {
            opts.add("apparmor=" + spec.apparmorProfile());
        }
        List<String> devices = spec.devices().stream().map(d -> orEmpty(d.path())).toList();
        return new CreateRequest.SecurityRequest(spec.privileged(), spec.capAdd(), spec.capDrop(), opts,
                spec.readOnlyFilesystem(), spec.readWriteTmpfs(), devices, spec.groups(), spec.sysctl(),
                userns(spec.userns()), namespace("pid", spec.pidns()), namespace("ipc", spec.ipcns()),
                namespace("uts", spec.utsns()));
    }

    /** podman's {@code userns}: the host's (the default for a rootful container) only. */
    private static String userns(SpecGenerator.Namespace ns) {
        return switch (ns.nsmode()) {
            case "", "host" -> ns.nsmode();
            default -> throw EngineException.invalidArgument("user namespace mode \"" + ns.nsmode()
                    + "\" is not supported: containers run in the host's user namespace (--userns=host)");
        };
    }

    /** {@code pidns}, {@code ipcns}, {@code utsns}: private (the default), host, or another container's. */
    private static String namespace(String kind, SpecGenerator.Namespace ns) {
        return switch (ns.nsmode()) {
            case "", "private", "default" -> "";
            case "shareable" -> kind.equals("ipc") ? "" : bad(kind, ns);
            case "host" -> "host";
            case "container" -> "container:" + ns.value();
            default -> bad(kind, ns);
        };
    }

    private static String bad(String kind, SpecGenerator.Namespace ns) {
        throw EngineException.invalidArgument(kind + " namespace mode \"" + ns.nsmode() + "\" is not supported: "
                + "use private, host or container");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** {@code mounts} (OCI-like binds and tmpfs) and {@code volumes} (named, or anonymous without a name). */
    private static List<Mount> mounts(SpecGenerator spec) {
        List<Mount> out = new ArrayList<>();
        for (SpecGenerator.MountSpec m : spec.mounts()) {
            out.add(new Mount(m.type(), orEmpty(m.source()), orEmpty(m.destination()), m.options()));
        }
        for (SpecGenerator.NamedVolume v : spec.volumes()) {
            out.add(new Mount("volume", v.anonymous() ? "" : orEmpty(v.name()), orEmpty(v.dest()), v.options()));
        }
        return out;
    }

    /** {@code netns}, the {@code Networks} to join and the published ports. */
    private static CreateRequest.NetworkRequest network(SpecGenerator spec) {
        String nsmode = spec.netns().nsmode();
        String mode = switch (nsmode) {
            case "", "bridge", "private", "default" -> "bridge";
            case "none", "host" -> nsmode;
            case "container" -> "container:" + spec.netns().value();
            case "ns", "path" -> throw EngineException.invalidArgument("joining a network namespace by path is not "
                    + "supported");
            case "slirp4netns", "pasta" -> throw EngineException.invalidArgument("network mode " + nsmode
                    + " is not supported: jpod uses CNI bridge networks");
            default -> throw EngineException.invalidArgument("unknown network mode \"" + nsmode + "\"");
        };
        List<String> networks = new ArrayList<>(spec.networks().keySet());
        if (mode.equals("bridge") && networks.size() == 1 && networks.get(0).equals("podman")) {
            networks.clear(); // the client's name for "the default network"
        }
        return new CreateRequest.NetworkRequest(mode, networks, ports(spec.portmappings()));
    }

    /** SpecGenerator's {@code portmappings}; a {@code range} publishes consecutive ports. */
    static List<PortMapping> ports(List<SpecGenerator.PortMappingSpec> mappings) {
        List<PortMapping> ports = new ArrayList<>();
        for (SpecGenerator.PortMappingSpec p : mappings) {
            int range = Math.max(1, p.range());
            for (String proto : p.protocol().split(",")) {
                for (int i = 0; i < range; i++) {
                    ports.add(new PortMapping(p.hostIp(), p.hostPort() == 0 ? 0 : p.hostPort() + i,
                            p.containerPort() + i, proto));
                }
            }
        }
        return ports;
    }
}
