package io.jpod.api.docker;

import io.jpod.api.PruneFilters;
import io.jpod.api.shared.BuildParams;
import io.jpod.api.stream.JsonLines;
import io.jpod.build.BuildListener;
import io.jpod.build.BuildRequest;
import io.jpod.build.BuildService;
import io.jpod.build.StepFailed;
import io.jpod.error.EngineException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker Engine API: {@code POST /build}, the classic builder's endpoint ({@code DOCKER_BUILDKIT=0
 * docker build}, docker-compose 1.x, Testcontainers), and {@code POST /build/prune}.
 */
@RestController
class DockerBuildController {

    private final BuildService builds;
    private final JsonMapper json;

    DockerBuildController(BuildService builds, JsonMapper json) {
        this.builds = builds;
        this.json = json;
    }

    @PostMapping("/build")
    void build(@RequestParam(required = false) String dockerfile, @RequestParam(required = false) List<String> t,
            @RequestParam(required = false) String buildargs, @RequestParam(required = false) String labels,
            @RequestParam(required = false) String target, @RequestParam(defaultValue = "false") boolean nocache,
            @RequestParam(required = false) String pull, @RequestParam(defaultValue = "true") boolean rm,
            @RequestParam(defaultValue = "false") boolean forcerm, @RequestParam(required = false) String networkmode,
            @RequestParam(required = false) String platform, @RequestParam(defaultValue = "false") boolean q,
            @RequestParam Map<String, String> all,
            @RequestHeader(value = "X-Registry-Config", required = false) String registryConfig,
            HttpServletRequest request, HttpServletResponse response) throws IOException {
        refuseUnsupported(all);
        BuildRequest req = new BuildRequest(dockerfile, t, BuildParams.stringMap(json, buildargs, "buildargs"),
                BuildParams.stringMap(json, labels, "labels"), target, nocache, truthy(pull), rm, forcerm, networkmode, platform, q,
                BuildParams.credentials(registryConfig));
        JsonLines lines = new JsonLines(response, json);
        try {
            builds.build(req, request.getInputStream(), new BuildListener() {
                @Override
                public void stream(String text) {
                    lines.write(Map.of("stream", text));
                }

                @Override
                public void built(String imageId) {
                    lines.write(Map.of("aux", Map.of("ID", imageId)));
                    if (q) {
                        lines.write(Map.of("stream", imageId + "\n"));
                    }
                }
            });
        } catch (EngineException e) {
            if (!lines.started() && !(e instanceof StepFailed)) {
                throw e;
            }
            int code = e instanceof StepFailed f ? f.exitCode() : 1;
            writeError(lines, e.getMessage(), code);
        } catch (UncheckedIOException gone) {
            // the client went away; the build stopped at its next line
        }
    }

    static void writeError(JsonLines lines, String message, int code) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        try {
            lines.write(Map.of("errorDetail", detail, "error", message));
        } catch (UncheckedIOException gone) {
            // nobody to tell
        }
    }

    /** {@code docker builder prune}: the build cache's intermediate images. */
    @PostMapping("/build/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.BUILD_CACHE);
        List<String> deleted = f.isEmpty() ? builds.prune() : builds.prune(f.images());
        return Map.of("CachesDeleted", deleted, "SpaceReclaimed", 0);
    }

    /** What the classic builder offers but jpod does not do: refused, never ignored. */
    private static void refuseUnsupported(Map<String, String> params) {
        String version = params.getOrDefault("version", "1");
        if (!version.isEmpty() && !version.equals("1")) {
            throw EngineException.invalidArgument("BuildKit (builder version " + version + ") is not supported by "
                    + "jpod: use the classic builder (DOCKER_BUILDKIT=0)");
        }
        if (!params.getOrDefault("remote", "").isEmpty()) {
            throw EngineException.invalidArgument("building from a remote context (" + params.get("remote")
                    + ") is not supported: send the context as a tar");
        }
        if (truthy(params.get("squash"))) {
            throw EngineException.invalidArgument("squash is not supported by jpod's builder");
        }
        for (String limit : List.of("memory", "memswap", "cpushares", "cpuquota", "cpuperiod", "shmsize")) {
            String v = params.getOrDefault(limit, "");
            if (!v.isEmpty() && !v.equals("0") && !(limit.equals("memswap") && v.equals("-1"))
                    && !(limit.equals("shmsize") && v.equals("67108864"))) { // 64 MiB: what RUN steps get anyway
                throw EngineException.invalidArgument("build option " + limit + " is not supported by jpod's builder "
                        + "yet: resource limits for RUN steps come with container resource limits");
            }
        }
        for (String list : List.of("cpusetcpus", "cpusetmems", "extrahosts", "cgroupparent", "isolation", "outputs")) {
            String v = params.getOrDefault(list, "");
            if (!v.isEmpty() && !v.equals("[]") && !v.equals("default") && !v.equals("null")) {
                throw EngineException.invalidArgument("build option " + list + " is not supported by jpod's builder");
            }
        }
    }

    static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }


}
