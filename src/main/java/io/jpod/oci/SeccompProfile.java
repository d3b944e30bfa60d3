package io.jpod.oci;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seccomp profile in the containers-common (Docker) format, turned into the OCI
 * {@code linux.seccomp} object for one container: the host's architectures from {@code archMap},
 * and only the rules whose {@code includes}/{@code excludes} (capabilities, architectures,
 * minimum kernel) match this container and host.
 */
public final class SeccompProfile {

    /** Where podman reads it: the override first, then the packaged default (containers-common). */
    public static final List<Path> DEFAULT_PATHS = List.of(Path.of("/etc/containers/seccomp.json"),
            Path.of("/usr/share/containers/seccomp.json"));

    private static final Map<String, String> SCMP_ARCH = Map.of("amd64", "SCMP_ARCH_X86_64", "arm64",
            "SCMP_ARCH_AARCH64", "ppc64le", "SCMP_ARCH_PPC64LE", "s390x", "SCMP_ARCH_S390X", "riscv64",
            "SCMP_ARCH_RISCV64");

    private final Path source;
    private final JsonNode profile;

    private SeccompProfile(Path source, JsonNode profile) {
        this.source = source;
        this.profile = profile;
    }

    /** The first profile file that exists, or null when none does. */
    public static SeccompProfile find(List<Path> candidates, JsonMapper json) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    return parse(p, p.toString(), Files.readAllBytes(p), json);
                } catch (IOException e) {
                    throw EngineException.invalidArgument("seccomp profile " + p + " cannot be read: "
                            + e.getMessage());
                }
            }
        }
        return null;
    }

    /** A profile from its JSON; {@code name} says where it came from in a message. */
    public static SeccompProfile parse(Path source, String name, byte[] content, JsonMapper json) {
        JsonNode node;
        try {
            node = json.readTree(content);
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument("seccomp profile " + name + " is not valid JSON: "
                    + e.getMessage());
        }
        if (node == null || !node.path("defaultAction").isString()) {
            throw EngineException.invalidArgument("seccomp profile " + name + " has no defaultAction");
        }
        return new SeccompProfile(source, node);
    }

    public Path source() {
        return source;
    }

    /**
     * The OCI object for a container holding {@code capabilities}, on a host of Go architecture
     * {@code goArch} ({@code amd64}) running kernel {@code kernelRelease} ({@code 6.1.0-18-amd64}).
     */
    public ObjectNode toOci(JsonMapper json, Collection<String> capabilities, String goArch, String kernelRelease) {
        ObjectNode out = json.createObjectNode();
        out.put("defaultAction", profile.path("defaultAction").asString());
        if (profile.path("defaultErrnoRet").isNumber()) {
            out.put("defaultErrnoRet", profile.path("defaultErrnoRet").asInt());
        }
        ArrayNode arches = out.putArray("architectures");
        String hostArch = SCMP_ARCH.getOrDefault(goArch, "");
        for (JsonNode m : profile.path("archMap")) {
            if (m.path("architecture").asString("").equals(hostArch)) {
                arches.add(hostArch);
                m.path("subArchitectures").forEach(arches::add);
            }
        }
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode rule : profile.path("syscalls")) {
            if (!applies(rule.path("includes"), rule.path("excludes"), capabilities, goArch, kernelRelease)) {
                continue;
            }
            ObjectNode r = syscalls.addObject();
            ArrayNode names = r.putArray("names");
            rule.path("names").forEach(names::add);
            if (rule.path("name").isString()) {
                names.add(rule.path("name").asString()); // the older single-name form
            }
            r.put("action", rule.path("action").asString());
            if (rule.path("errnoRet").isNumber()) {
                r.put("errnoRet", rule.path("errnoRet").asInt());
            }
            if (rule.path("args").isArray() && !rule.path("args").isEmpty()) {
                ArrayNode args = r.putArray("args");
                for (JsonNode a : rule.path("args")) {
                    args.addObject().put("index", a.path("index").asInt()).put("value", a.path("value").asLong())
                            .put("valueTwo", a.path("valueTwo").asLong()).put("op", a.path("op").asString());
                }
            }
        }
        return out;
    }

    private static boolean applies(JsonNode includes, JsonNode excludes, Collection<String> caps, String arch,
            String kernel) {
        for (JsonNode c : includes.path("caps")) {
            if (!caps.contains(c.asString())) {
                return false;
            }
        }
        if (includes.path("arches").isArray() && !includes.path("arches").isEmpty()
                && !contains(includes.path("arches"), arch)) {
            return false;
        }
        if (includes.path("minKernel").isString() && compareKernel(kernel, includes.path("minKernel").asString()) < 0) {
            return false;
        }
        for (JsonNode c : excludes.path("caps")) {
            if (caps.contains(c.asString())) {
                return false;
            }
        }
        return !contains(excludes.path("arches"), arch);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) {
            if (v.asString("").equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Compares the leading major.minor of two kernel versions. */
    static int compareKernel(String a, String b) {
        int[] x = majorMinor(a);
        int[] y = majorMinor(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] majorMinor(String v) {
        List<Integer> parts = new ArrayList<>();
        for (String p : v.split("[.-]")) {
            if (parts.size() == 2 || !p.matches("\\d+")) {
                break;
            }
            parts.add(Integer.parseInt(p));
        }
        return new int[] {parts.isEmpty() ? 0 : parts.get(0), parts.size() < 2 ? 0 : parts.get(1)};
    }
}
