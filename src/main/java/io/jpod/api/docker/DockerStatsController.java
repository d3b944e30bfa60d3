package io.jpod.api.docker;

import io.jpod.api.stream.Flushing;
import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.stats.CgroupSample;
import io.jpod.stats.ContainerStats;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker's {@code GET /containers/{id}/stats} (podman serves it under {@code /libpod} too): one JSON
 * object a second while the client reads, or one alone. A thin adapter over {@link ContainerStats}.
 */
@RestController
class DockerStatsController {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final ContainerStats stats;
    private final EventBus events;
    private final JsonMapper json;

    DockerStatsController(ContainerStats stats, EventBus events, JsonMapper json) {
        this.stats = stats;
        this.events = events;
        this.json = json;
    }

    /**
     * Without {@code stream}, dockerd reads twice a second apart so that {@code precpu_stats} gives a
     * CPU rate; {@code one-shot} skips that wait (and the previous sample).
     */
    @GetMapping({"/containers/{id}/stats", "/libpod/containers/{id}/stats"})
    ResponseEntity<StreamingResponseBody> stats(@PathVariable String id,
            @RequestParam(defaultValue = "true") boolean stream,
            @RequestParam(name = "one-shot", defaultValue = "false") boolean oneShot, HttpServletResponse response) {
        if (stream && oneShot) {
            throw EngineException.invalidArgument("cannot have stream=true and one-shot=true");
        }
        ContainerStats.Sample first = stats.sample(id); // a missing container is a 404 before any body
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Flushing.body(response, out -> {
            try {
                if (!stream) {
                    ContainerStats.Sample s = first;
                    CgroupSample pre = null;
                    if (!oneShot && first.running()) {
                        Thread.sleep(PERIOD.toMillis());
                        s = stats.sample(first.id());
                        pre = first.now();
                    }
                    write(out, s, pre);
                    return;
                }
                ContainerStats.Sample s = first;
                CgroupSample pre = null;
                while (!events.isClosed()) {
                    write(out, s, pre);
                    pre = s.now();
                    Thread.sleep(PERIOD.toMillis());
                    s = stats.sample(first.id());
                }
            } catch (IOException gone) {
                // the client stopped reading
            } catch (EngineException removed) {
                // the container went away: the stream ends, as dockerd's does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private void write(OutputStream out, ContainerStats.Sample s, CgroupSample pre) throws IOException {
        out.write(json.writeValueAsBytes(DockerStats.of(s.id(), s.name(), s.now(), pre)));
        out.write('\n');
        out.flush();
    }
}
