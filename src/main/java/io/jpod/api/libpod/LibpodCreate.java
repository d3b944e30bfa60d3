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
            "devices", "secrets", "volumes_from");

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
                orEmpty(spec.pod()).isEmpty() ? null : spec.pod(), network(spec));
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
