package io.jpod.api.shared;

import io.jpod.api.stream.ContainerStreams;
import io.jpod.api.stream.Flushing;
import io.jpod.api.wire.TopResponse;
import io.jpod.container.ContainerService;
import io.jpod.error.NoSuchObjectException;
import io.jpod.events.EventBus;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Container routes that mean the same in both APIs, each one handler for {@code /containers/...} and
 * {@code /libpod/containers/...}. Routes whose answers differ (inspect, list, create, wait, rm, top,
 * logs, resize, prune) stay in the adapters, which call the shared parts here.
 */
@RestController
public class ContainerRoutes {

    private final ContainerService containers;
    private final EventBus events;

    ContainerRoutes(ContainerService containers, EventBus events) {
        this.containers = containers;
        this.events = events;
    }

    @PostMapping({"/containers/{id}/start", "/libpod/containers/{id}/start"})
    ResponseEntity<Void> start(@PathVariable String id) {
        containers.start(id);
        return ResponseEntity.noContent().build();
    }

    /** {@code t} is Docker's timeout, {@code timeout} podman's; {@code ignore} (podman's) lets a missing one pass. */
    @PostMapping({"/containers/{id}/stop", "/libpod/containers/{id}/stop"})
    ResponseEntity<Void> stop(@PathVariable String id, @RequestParam(required = false) Integer timeout,
            @RequestParam(name = "t", required = false) Integer t, @RequestParam(defaultValue = "false") boolean ignore) {
        try {
            containers.stop(id, timeout != null ? timeout : t);
        } catch (NoSuchObjectException e) {
            if (!ignore) {
                throw e;
            }
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping({"/containers/{id}/restart", "/libpod/containers/{id}/restart"})
    ResponseEntity<Void> restart(@PathVariable String id, @RequestParam(required = false) Integer timeout,
            @RequestParam(name = "t", required = false) Integer t) {
        containers.restart(id, timeout != null ? timeout : t);
        return ResponseEntity.noContent().build();
    }

    @PostMapping({"/containers/{id}/kill", "/libpod/containers/{id}/kill"})
    ResponseEntity<Void> kill(@PathVariable String id, @RequestParam(defaultValue = "SIGKILL") String signal) {
        containers.kill(id, signal);
        return ResponseEntity.noContent().build();
    }

    @PostMapping({"/containers/{id}/pause", "/libpod/containers/{id}/pause"})
    ResponseEntity<Void> pause(@PathVariable String id) {
        containers.pause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping({"/containers/{id}/unpause", "/libpod/containers/{id}/unpause"})
    ResponseEntity<Void> unpause(@PathVariable String id) {
        containers.unpause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping({"/containers/{id}/rename", "/libpod/containers/{id}/rename"})
    ResponseEntity<Void> rename(@PathVariable String id, @RequestParam String name) {
        containers.rename(id, name);
        return ResponseEntity.noContent().build();
    }

    /**
     * The hijacked attach: answers 101 and then streams the container's output until its next exit.
     * The docker CLI attaches before it starts a container it runs in the foreground.
     */
    @PostMapping({"/containers/{id}/attach", "/libpod/containers/{id}/attach"})
    void attach(@PathVariable String id, @RequestParam(defaultValue = "false") boolean stdin,
            @RequestParam(defaultValue = "false") boolean stdout, @RequestParam(defaultValue = "false") boolean stderr,
            HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        ContainerStreams.attach(containers, id, stdin, stdout, stderr, request, response);
    }

    /** {@code ps} in the container; the adapters parse their API's {@code ps_args}. */
    public TopResponse top(String id, List<String> psArgs) {
        return TopResponse.of(containers.top(id, psArgs));
    }

    /** The log stream; the adapters differ in the default of {@code tail} and in the content type. */
    public ResponseEntity<StreamingResponseBody> logs(String id, LogQuery q, MediaType type,
            HttpServletResponse response) {
        var opts = new ContainerStreams.LogOptions(q.stdout(), q.stderr(), q.timestamps(),
                ContainerStreams.parseTime(q.since()), ContainerStreams.parseTime(q.until()));
        return ResponseEntity.ok().contentType(type).body(Flushing.body(response, ContainerStreams.logs(containers, id,
                opts, ContainerStreams.parseTail(q.tail()), q.follow(), events::isClosed)));
    }

    /** The query of a logs request, as both APIs name it. */
    public record LogQuery(boolean stdout, boolean stderr, boolean follow, boolean timestamps, String tail,
            String since, String until) {}
}
