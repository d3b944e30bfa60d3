package io.jpod.api.docker;

import io.jpod.api.ExecJson;
import io.jpod.api.stream.ContainerStreams;
import io.jpod.container.ExecService;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
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

/** Docker Engine API: {@code /containers/{id}/exec} and {@code /exec/...}. */
@RestController
class DockerExecController {

    private final ExecService execs;
    private final JsonMapper json;

    DockerExecController(ExecService execs, JsonMapper json) {
        this.execs = execs;
        this.json = json;
    }

    @PostMapping("/containers/{id}/exec")
    ResponseEntity<Map<String, Object>> create(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", execs.create(id, ExecJson.request(body))
                .id()));
    }

    /** Detached: answers at once; attached: the hijacked stream until the process ends. */
    @PostMapping("/exec/{id}/start")
    void start(@PathVariable String id, @RequestBody(required = false) byte[] body, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        JsonNode b;
        try {
            b = body == null || body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (RuntimeException e) {
            throw io.jpod.error.EngineException.invalidArgument("the exec start options are not valid JSON");
        }
        ContainerStreams.execStart(execs, id, b, request, response);
    }

    @GetMapping("/exec/{id}/json")
    Map<String, Object> inspect(@PathVariable String id) {
        return ExecJson.inspect(execs.inspect(id));
    }

    @PostMapping("/exec/{id}/resize")
    ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        execs.resize(id, h, w);
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }
}
