package io.jpod.api.shared;

import io.jpod.api.stream.ContainerStreams;
import io.jpod.api.wire.Bodies;
import io.jpod.api.wire.IdResponse;
import io.jpod.container.ExecService;
import io.jpod.error.EngineException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exec in both APIs ({@code /containers/{id}/exec}, {@code /exec/...} and their {@code /libpod} twins):
 * the same bodies, answers and status codes. Bodies are read as bytes: podman's client sends them
 * without a JSON content type.
 */
@RestController
class ExecRoutes {

    private final ExecService execs;
    private final JsonMapper json;

    ExecRoutes(ExecService execs, JsonMapper json) {
        this.execs = execs;
        this.json = json;
    }

    @PostMapping({"/containers/{id}/exec", "/libpod/containers/{id}/exec"})
    ResponseEntity<IdResponse> create(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        JsonNode tree = Bodies.tree(json, body, "the exec configuration");
        if (body == null || body.length == 0 || !tree.isObject()) {
            throw EngineException.invalidArgument("a JSON exec configuration is required");
        }
        ExecConfig config = Bodies.read(json, tree, ExecConfig.class, "the exec configuration");
        return ResponseEntity.status(HttpStatus.CREATED).body(new IdResponse(execs.create(id, config.request()).id()));
    }

    /** Detached: answers at once; attached: the hijacked stream until the process ends. */
    @PostMapping({"/exec/{id}/start", "/libpod/exec/{id}/start"})
    void start(@PathVariable String id, @RequestBody(required = false) byte[] body, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        ExecStartConfig start = Bodies.read(json, body, ExecStartConfig.class, "the exec start options");
        ContainerStreams.execStart(execs, id, start.detach(), start.tty(), request, response);
    }

    @GetMapping({"/exec/{id}/json", "/libpod/exec/{id}/json"})
    ExecInspect inspect(@PathVariable String id) {
        return ExecInspect.of(execs.inspect(id));
    }

    @PostMapping({"/exec/{id}/resize", "/libpod/exec/{id}/resize"})
    ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        execs.resize(id, h, w);
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }
}
