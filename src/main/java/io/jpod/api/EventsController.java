package io.jpod.api;

import io.jpod.api.stream.ContainerStreams;
import io.jpod.api.stream.Flushing;
import io.jpod.events.EngineEvent;
import io.jpod.events.EventBus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
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
 * {@code GET /events} (docker events) and {@code /libpod/events} (podman events): the engine's
 * events as one JSON object a line, in Docker's message format, which podman's service uses too.
 * The kept events from {@code since} come first; the stream ends at {@code until}, or at once
 * after the backlog when podman asks with {@code stream=false}.
 */
@RestController
class EventsController {

    private final EventBus events;
    private final JsonMapper json;

    EventsController(EventBus events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    @GetMapping({"/events", "/libpod/events"})
    ResponseEntity<StreamingResponseBody> events(@RequestParam(required = false) String since,
            @RequestParam(required = false) String until, @RequestParam(required = false) String filters,
            @RequestParam(defaultValue = "true") boolean stream, jakarta.servlet.http.HttpServletRequest request,
            HttpServletResponse response) {
        boolean libpod = request.getRequestURI().contains("/libpod/");
        Instant from = time(since);
        Instant to = time(until);
        Map<String, List<String>> f = Filters.parse(json, filters, FILTER_KEYS);
        boolean live = stream && (to == null || to.isAfter(Instant.now()));
        StreamingResponseBody body = out -> {
            if (!live) {
                for (EngineEvent e : events.between(from, to)) {
                    write(out, e, f, libpod);
                }
                return;
            }
            out.flush(); // the headers now: the CLI waits for them before it prints anything
            try {
                events.stream(from, to, Duration.ofSeconds(15), new EventBus.Sink() {
                    @Override
                    public void event(EngineEvent e) throws IOException {
                        write(out, e, f, libpod);
                    }

                    @Override
                    public void quiet() throws IOException {
                        // a bare newline, which JSON stream readers (docker's, podman's) skip
                        out.write('\n');
                        out.flush();
                    }
                });
            } catch (IOException gone) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Flushing.body(response, body));
    }

    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    /**
     * A bound as clients send it: Unix seconds or RFC 3339 (docker), or a Go duration back from
     * now ({@code 10m}, {@code 1h30m}), which podman's client passes through from its command line.
     */
    static Instant time(String value) {
        if (value != null && !value.isBlank() && value.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
            java.util.regex.Matcher m = DURATION.matcher(value);
            double nanos = 0;
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                nanos += n * switch (m.group(2)) {
                    case "ns" -> 1d;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
            }
            return Instant.now().minusNanos((long) nanos);
        }
        return ContainerStreams.parseTime(value);
    }

    private void write(OutputStream out, EngineEvent e, Map<String, List<String>> filters, boolean libpod)
            throws IOException {
        EngineEvent shown = libpod ? libpodWords(e) : e; // filters name actions in the client's words
        if (!matches(shown, filters)) {
            return;
        }
        out.write(json.writeValueAsBytes(message(shown)));
        out.write('\n');
        out.flush();
    }

    /** Docker's and podman's keys; those with no meaning here (swarm's, plugins) match everything. */
    static final java.util.Set<String> FILTER_KEYS = java.util.Set.of("config", "container", "daemon", "event",
            "image", "label", "network", "node", "plugin", "pod", "scope", "secret", "service", "type", "volume");

    private static final java.util.Set<String> PREFIX_EVENTS = java.util.Set.of("health_status", "exec_create",
            "exec_start");

    /** Docker's filters: type, event, container, image, volume, network, pod, label. */
    static boolean matches(EngineEvent e, Map<String, List<String>> filters) {
        for (var entry : filters.entrySet()) {
            List<String> wanted = entry.getValue();
            boolean ok = switch (entry.getKey()) {
                case "type" -> wanted.contains(e.type());
                // as Docker: health_status matches "health_status: healthy" and the like
                case "event" -> wanted.contains(e.action()) || wanted.stream().anyMatch(w -> PREFIX_EVENTS.contains(w)
                        && e.action().startsWith(w + ":"));
                case "container", "volume", "network", "pod" -> e.type().equals(entry.getKey())
                        && wanted.stream().anyMatch(w -> w.equals(e.name()) || (!w.isEmpty() && e.id().startsWith(w)));
                case "image" -> wanted.stream().anyMatch(w -> w.equals(e.attributes().get("image"))
                        || (e.type().equals("image") && (w.equals(e.name()) || e.id().startsWith(w))));
                case "label" -> wanted.stream().anyMatch(w -> {
                    int eq = w.indexOf('=');
                    return eq < 0 ? e.attributes().containsKey(w)
                            : w.substring(eq + 1).equals(e.attributes().get(w.substring(0, eq)));
                });
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * podman's client reads libpod's own words (it drops an event it cannot read and then fails):
     * {@code died} for an exit, {@code remove} for an image's deletion, the exit code as
     * {@code containerExitCode} on every event (podman 4's client rejects an event without one, as
     * podman's service always sends it) and the pod as {@code podId}.
     */
    static EngineEvent libpodWords(EngineEvent e) {
        String action = switch (e.action()) {
            case "die" -> "died";
            case "delete" -> "remove";
            // Docker's "health_status: healthy" is podman's health_status, the status an attribute
            default -> e.action().startsWith("health_status") ? "health_status" : e.action();
        };
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("containerExitCode", "0");
        e.attributes().forEach((k, v) -> attributes.put(switch (k) {
            case "exitCode" -> "containerExitCode";
            case "pod" -> "podId";
            default -> k;
        }, v));
        return new EngineEvent(e.type(), action, e.id(), e.name(), attributes, e.time());
    }

    /** Docker's events.Message: the old status/id/from for containers, Type/Action/Actor for all. */
    static Map<String, Object> message(EngineEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> attributes = new LinkedHashMap<>(e.attributes());
        if (!e.name().isEmpty()) {
            attributes.put("name", e.name());
        }
        if (e.type().equals("container")) {
            m.put("status", e.action());
            m.put("id", e.id());
            m.put("from", e.attributes().getOrDefault("image", ""));
        }
        m.put("Type", e.type());
        m.put("Action", e.action());
        m.put("Actor", Map.of("ID", e.id(), "Attributes", attributes));
        m.put("scope", "local");
        m.put("time", e.time().getEpochSecond());
        m.put("timeNano", e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
        return m;
    }
}
