package io.jpod.api.docker;

import io.jpod.api.wire.Bodies;
import io.jpod.api.wire.IdResponse;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.image.ConfigDraft;
import io.jpod.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docker commit}: {@code POST /commit}. The body is an optional container Config whose image
 * fields (Cmd, Entrypoint, Env, WorkingDir, User, Labels, ExposedPorts, Volumes, StopSignal) override
 * the container's settings, under the {@code changes}; the fields that only concern a run are
 * ignored, as Docker does; any other field set is refused rather than silently dropped.
 */
@RestController
class DockerCommitController {

    /** Run-time fields Docker's client fills in and an image does not keep. */
    private static final Set<String> RUN_ONLY = Set.of("Hostname", "Domainname", "AttachStdin", "AttachStdout",
            "AttachStderr", "Tty", "OpenStdin", "StdinOnce", "Image", "NetworkDisabled", "MacAddress", "ArgsEscaped");

    private final ContainerService containers;
    private final JsonMapper json;

    DockerCommitController(ContainerService containers, JsonMapper json) {
        this.containers = containers;
        this.json = json;
    }

    @PostMapping("/commit")
    ResponseEntity<IdResponse> commit(@RequestParam String container, @RequestParam(required = false) String repo,
            @RequestParam(required = false) String tag, @RequestParam(required = false) String comment,
            @RequestParam(required = false) String author, @RequestParam(defaultValue = "true") boolean pause,
            @RequestParam(required = false) List<String> changes, @RequestBody(required = false) byte[] body) {
        Consumer<ConfigDraft> overrides = overrides(body == null || body.length == 0 ? null
                : Bodies.tree(json, body, "the commit's container configuration"));
        Image img = containers.commit(container, names(repo, tag), author, comment, lines(changes), pause, overrides);
        return ResponseEntity.status(HttpStatus.CREATED).body(new IdResponse("sha256:" + img.id()));
    }

    /** {@code repo[:tag]}, or no name at all (a dangling image) without a repo. */
    static List<String> names(String repo, String tag) {
        if (repo == null || repo.isEmpty()) {
            if (tag != null && !tag.isEmpty()) {
                throw EngineException.invalidArgument("a tag needs a repository");
            }
            return List.of();
        }
        return List.of(tag != null && !tag.isEmpty() ? repo + ":" + tag : repo);
    }

    /** Each {@code changes} value may hold several instructions, one a line. */
    static List<String> lines(List<String> changes) {
        List<String> out = new ArrayList<>();
        if (changes != null) {
            for (String c : changes) {
                for (String line : c.split("\n")) {
                    if (!line.isBlank()) {
                        out.add(line.strip());
                    }
                }
            }
        }
        return out;
    }

    private static Consumer<ConfigDraft> overrides(JsonNode body) {
        if (body == null || body.isNull()) {
            return d -> { };
        }
        if (!body.isObject()) {
            throw EngineException.invalidArgument("the commit's body must be a JSON container configuration");
        }
        for (Map.Entry<String, JsonNode> f : body.properties()) {
            JsonNode v = f.getValue();
            boolean empty = v.isNull() || v.isMissingNode() || (v.isContainer() && v.isEmpty())
                    || (v.isString() && v.asString().isEmpty()) || (v.isBoolean() && !v.asBoolean());
            if (!empty && !RUN_ONLY.contains(f.getKey()) && !HONOURED.contains(f.getKey())) {
                throw EngineException.invalidArgument("commit does not support the configuration field "
                        + f.getKey() + " yet; use changes instead");
            }
        }
        return d -> {
            List<String> cmd = strings(body.path("Cmd"));
            if (cmd != null) {
                d.cmd(cmd);
            }
            List<String> entrypoint = strings(body.path("Entrypoint"));
            if (entrypoint != null) {
                d.entrypoint(entrypoint);
            }
            for (JsonNode e : body.path("Env")) {
                String kv = e.asString("");
                int eq = kv.indexOf('=');
                d.env(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
            }
            if (!body.path("WorkingDir").asString("").isEmpty()) {
                d.workingDir(body.path("WorkingDir").asString());
            }
            if (!body.path("User").asString("").isEmpty()) {
                d.user(body.path("User").asString());
            }
            body.path("Labels").properties().forEach(l -> d.label(l.getKey(), l.getValue().asString("")));
            body.path("ExposedPorts").propertyNames().forEach(d::expose);
            body.path("Volumes").propertyNames().forEach(d::volume);
            if (!body.path("StopSignal").asString("").isEmpty()) {
                d.stopSignal(body.path("StopSignal").asString());
            }
        };
    }

    private static final Set<String> HONOURED = Set.of("Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels",
            "ExposedPorts", "Volumes", "StopSignal");

    /** A JSON array (or a lone string, as Docker takes for Cmd) as a list; null when not set. */
    private static List<String> strings(JsonNode n) {
        if (n.isString()) {
            return List.of(n.asString());
        }
        if (!n.isArray() || n.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asString("")));
        return out;
    }
}
