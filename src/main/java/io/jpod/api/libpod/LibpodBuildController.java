package io.jpod.api.libpod;

import io.jpod.api.shared.BuildParams;
import io.jpod.api.stream.JsonLines;
import io.jpod.build.BuildListener;
import io.jpod.build.BuildRequest;
import io.jpod.build.BuildService;
import io.jpod.error.EngineException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Libpod API: {@code POST /libpod/build} ({@code podman --remote build}). Its stream is podman's:
 * {@code stream} lines, the image ID alone on the last one, an {@code error} line on failure.
 */
@RestController
class LibpodBuildController {

    /** Options buildah has and jpod's builder does not; podman's client sends them only when set. */
    private static final List<String> UNSUPPORTED = List.of("squash", "memory", "memswap", "cpushares", "cpuquota",
            "cpuperiod", "cpusetcpus", "cpusetmems", "shmsize", "addcaps", "dropcaps", "devices", "dnsservers",
            "dnsoptions", "dnssearch", "extrahosts", "seccomp", "apparmor", "ulimits", "timestamp", "manifest",
            "cgroupparent", "from", "labelopts", "volume", "secrets", "annotations", "unsetenv");

    /** The profile podman's client names when none is asked for: jpod's containers get the default profile too. */
    static final String DEFAULT_SECCOMP = "/usr/share/containers/seccomp.json";

    /** 64 MiB: the size of every container's /dev/shm, RUN steps' included (podman's default --shm-size). */
    static final String DEFAULT_SHM = "67108864";

    private final BuildService builds;
    private final JsonMapper json;

    LibpodBuildController(BuildService builds, JsonMapper json) {
        this.builds = builds;
        this.json = json;
    }

    @PostMapping("/libpod/build")
    void build(@RequestParam(required = false) String dockerfile, @RequestParam(required = false) List<String> t,
            @RequestParam(required = false) String buildargs, @RequestParam(required = false) String labels,
            @RequestParam(required = false) String target, @RequestParam(defaultValue = "false") boolean nocache,
            @RequestParam(required = false) String pullpolicy, @RequestParam(defaultValue = "false") boolean pull,
            @RequestParam(defaultValue = "true") boolean rm, @RequestParam(defaultValue = "false") boolean forcerm,
            @RequestParam(required = false) String networkmode, @RequestParam(required = false) String platform,
            @RequestParam(defaultValue = "false") boolean q, @RequestParam Map<String, String> all,
            @RequestHeader(value = "X-Registry-Config", required = false) String registryConfig,
            HttpServletRequest request, HttpServletResponse response) throws IOException {
        for (String option : UNSUPPORTED) {
            String v = all.getOrDefault(option, "");
            if (option.equals("seccomp") && v.equals(DEFAULT_SECCOMP)) {
                continue; // the default profile, which every container gets
            }
            boolean defaultShm = option.equals("shmsize") && v.equals(DEFAULT_SHM); // what RUN steps get anyway
            if (!v.isEmpty() && !v.equals("0") && !v.equals("false") && !v.equals("[]") && !v.equals("{}")
                    && !defaultShm) {
                throw EngineException.invalidArgument("build option " + option + " is not supported by jpod's builder");
            }
        }
        boolean always = pull || "always".equalsIgnoreCase(pullpolicy);
        if ("never".equalsIgnoreCase(pullpolicy)) {
            throw EngineException.invalidArgument("pull policy never is not supported by jpod's builder: it pulls "
                    + "missing base images");
        }
        BuildRequest req = new BuildRequest(containerfile(dockerfile), t == null ? null : t.stream()
                .filter(s -> !s.isEmpty()).toList(), BuildParams.stringMap(json, buildargs, "buildargs"), BuildParams.stringMap(json, labels, "labels"), target,
                nocache, always, rm, forcerm, namespaces(all.get("nsoptions"), network(networkmode)),
                "/".equals(platform) ? "" : platform, q, BuildParams.credentials(registryConfig));
        JsonLines lines = new JsonLines(response, json);
        try {
            builds.build(req, request.getInputStream(), new BuildListener() {
                @Override
                public void stream(String text) {
                    lines.write(Map.of("stream", text));
                }

                @Override
                public void built(String imageId) {
                    lines.write(Map.of("stream", imageId.substring(imageId.indexOf(':') + 1) + "\n"));
                }
            });
        } catch (EngineException e) {
            if (!lines.started()) {
                throw e;
            }
            try {
                lines.write(Map.of("error", e.getMessage()));
            } catch (UncheckedIOException gone) {
                // nobody to tell
            }
        } catch (UncheckedIOException gone) {
            // the client went away
        }
    }

    /** podman sends the Containerfiles as a JSON array; the first one is built. */
    private String containerfile(String param) {
        if (param == null || param.isBlank()) {
            return null;
        }
        if (!param.startsWith("[")) {
            return param;
        }
        List<String> files = json.readValue(param, new TypeReference<List<String>>() {});
        if (files.size() > 1) {
            throw EngineException.invalidArgument("building from several Containerfiles at once is not supported");
        }
        return files.isEmpty() ? null : files.get(0);
    }

    /**
     * podman's namespace options: the host's user namespace is jpod's only one; a host network namespace
     * is the host network; anything else is refused.
     */
    private String namespaces(String nsoptions, String network) {
        if (nsoptions == null || nsoptions.isBlank()) {
            return network;
        }
        String out = network;
        for (var ns : json.readTree(nsoptions).values()) {
            String name = ns.path("Name").asString("");
            boolean host = ns.path("Host").asBoolean(false) && ns.path("Path").asString("").isEmpty();
            if (name.equals("user") && host) {
                continue;
            }
            if (name.equals("network") && host) {
                out = "host";
                continue;
            }
            throw EngineException.invalidArgument("build namespace option " + name + " (" + ns + ") is not supported "
                    + "by jpod's builder");
        }
        return out;
    }

    /** podman's network setting is a number (buildah's NetworkConfigurationPolicy) or a mode's name. */
    private static String network(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode) {
            case "0", "2", "" -> null; // the default, and "enabled": the default network
            case "1" -> "none";
            default -> mode;
        };
    }


}
