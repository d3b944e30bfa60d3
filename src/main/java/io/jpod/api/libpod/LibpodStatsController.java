package io.jpod.api.libpod;

import io.jpod.api.stream.Flushing;
import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.stats.CgroupSample;
import io.jpod.stats.ContainerStats;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * libpod's stats: {@code /libpod/containers/stats} (a report every {@code interval} seconds, or one)
 * and {@code /libpod/pods/stats}. A thin adapter over {@link ContainerStats}.
 */
@RestController
class LibpodStatsController {

    private final ContainerStats stats;
    private final EventBus events;
    private final JsonMapper json;

    LibpodStatsController(ContainerStats stats, EventBus events, JsonMapper json) {
        this.stats = stats;
        this.events = events;
        this.json = json;
    }

    /**
     * podman's {@code ContainerStatsReport}: {@code {"Error": null, "Stats": [...]}}. No names: every
     * running container; a named one that is not running reads zeros, as with podman.
     */
    @GetMapping("/libpod/containers/stats")
    ResponseEntity<StreamingResponseBody> containers(@RequestParam(required = false) List<String> containers,
            @RequestParam(defaultValue = "true") boolean stream, @RequestParam(defaultValue = "5") int interval,
            HttpServletResponse response) {
        if (interval < 1) {
            throw EngineException.invalidArgument("interval must be at least 1 (seconds), got " + interval);
        }
        List<String> names = containers == null ? List.of() : containers.stream().filter(n -> !n.isBlank()).toList();
        List<ContainerStats.Sample> first = read(names); // a missing container is a 404 before any body
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Flushing.body(response, out -> {
            Map<String, CgroupSample> previous = new HashMap<>();
            List<ContainerStats.Sample> samples = first;
            try {
                while (true) {
                    List<Map<String, Object>> report = new ArrayList<>();
                    for (ContainerStats.Sample s : samples) {
                        if (s.running() || !names.isEmpty()) {
                            report.add(StatsReports.container(s, previous.get(s.id())));
                            previous.put(s.id(), s.now());
                        }
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("Error", null);
                    body.put("Stats", report);
                    out.write(json.writeValueAsBytes(body));
                    out.write('\n');
                    out.flush();
                    if (!stream || events.isClosed()) {
                        return;
                    }
                    Thread.sleep(interval * 1000L);
                    samples = read(names);
                }
            } catch (IOException gone) {
                // the client stopped reading
            } catch (EngineException removed) {
                // a named container went away: the stream ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    /** podman's {@code PodStatsReport}s: one per running container of the pods named, or of every pod. */
    @GetMapping("/libpod/pods/stats")
    List<Map<String, Object>> pods(@RequestParam(required = false) List<String> namesOrIDs,
            @RequestParam(defaultValue = "false") boolean all) {
        List<String> pods = namesOrIDs == null ? List.of() : namesOrIDs.stream().filter(n -> !n.isBlank()).toList();
        if (all && !pods.isEmpty()) {
            throw EngineException.invalidArgument("--all and naming pods cannot be used together");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String pod : pods.isEmpty() ? stats.podIds() : pods) {
            for (ContainerStats.Sample s : stats.pod(pod)) {
                if (s.running()) {
                    out.add(StatsReports.pod(s));
                }
            }
        }
        return out;
    }

    private List<ContainerStats.Sample> read(List<String> names) {
        if (names.isEmpty()) {
            return stats.running();
        }
        List<ContainerStats.Sample> out = new ArrayList<>();
        for (String n : names) {
            out.add(stats.sample(n));
        }
        return out;
    }
}
