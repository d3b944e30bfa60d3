package io.jpod.api.libpod;

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
import tools.jackson.databind.json.JsonMapper;

/** libpod's exec API ({@code /libpod/containers/{id}/exec}, {@code /libpod/exec/...}). */
@RestController
class LibpodExecController {

    private final ExecService execs;
    private final JsonMapper json;

    LibpodExecController(ExecService execs, JsonMapper json) {
        this.execs = execs;
        this.json = json;
    }

    @PostMapping("/libpod/containers/{id}/exec")
    ResponseEntity<Map<String, Object>> create(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", execs.create(id,
                ExecJson.request(Bodies.json(json, body, "the exec configuration"))).id()));
    }

    @PostMapping("/libpod/exec/{id}/start")
    void start(@PathVariable String id, @RequestBody(required = false) byte[] body, HttpServletRequest request,
            HttpServletResponse response) throws IOException, ServletException {
        ContainerStreams.execStart(execs, id, Bodies.json(json, body, "the exec start options"), request, response);
    }

    @GetMapping("/libpod/exec/{id}/json")
    Map<String, Object> inspect(@PathVariable String id) {
        return ExecJson.inspect(execs.inspect(id));
    }

    @PostMapping("/libpod/exec/{id}/resize")
    ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        execs.resize(id, h, w);
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }
}
