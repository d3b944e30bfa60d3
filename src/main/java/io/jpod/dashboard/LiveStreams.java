package io.jpod.dashboard;

import io.jpod.api.stream.Flushing;
import io.jpod.container.ContainerService;
import io.jpod.container.LogReader;
import io.jpod.events.EngineEvent;
import io.jpod.events.EventBus;
import io.jpod.state.StoredContainer;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-sent event streams for the pages' script: the engine's events (pages refresh what
 * changed), a container's log lines (followed while it runs, if asked), and the progress of the
 * background jobs (pulls, pushes, builds).
 */
@Controller
class LiveStreams {

    /** A comment line this often keeps proxies from closing an idle stream and finds departed clients. */
    private static final long HEARTBEAT_SECONDS = 15;
    /** A transfer's page needs no more than this many updates a second. */
    private static final long TRANSFER_PACE_MILLIS = 150;
    /** A container's charts move once a second, the lists' usage columns and the overview's totals every two. */
    private static final long USAGE_PACE_MILLIS = 1000;
    private static final long TOTALS_PACE_MILLIS = 2000;

    private final EventBus events;
    private final ContainerService containers;
    private final JsonMapper json;
    private final Transfers transfers;
    private final Builds builds;

    private final UsageView usage;

    LiveStreams(EventBus events, ContainerService containers, JsonMapper json, Transfers transfers, Builds builds,
            UsageView usage) {
        this.events = events;
        this.containers = containers;
        this.json = json;
        this.transfers = transfers;
        this.builds = builds;
        this.usage = usage;
    }

    @GetMapping("/ui/events")
    ResponseEntity<StreamingResponseBody> events(HttpServletResponse response) {
        return sse(response, out -> {
            send(out, "ready", "{}");
            try {
                events.stream(null, null, Duration.ofSeconds(HEARTBEAT_SECONDS), new EventBus.Sink() {
                    @Override
                    public void event(EngineEvent e) throws IOException {
                        send(out, "engine", json.writeValueAsString(e));
                    }

                    @Override
                    public void quiet() throws IOException {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                });
            } catch (IOException gone) {
                // the page was closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The last {@code tail} lines, then (with {@code follow}) new ones until the container stops; {@code end} last. */
    @GetMapping("/ui/containers/{id}/logs")
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String id,
            @RequestParam(defaultValue = "false") boolean follow, @RequestParam(defaultValue = "500") int tail,
            HttpServletResponse response) {
        StoredContainer c = containers.inspect(id);
        LogReader.Source log = containers.logSource(c.id());
        return sse(response, out -> {
            long[] lastBeat = {System.nanoTime()};
            try {
                LogReader.tail(log, Math.max(tail, 0), follow, l -> {
                    try {
                        line(out, l);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, () -> flush(out), () -> events.isClosed() || gone(out, lastBeat) || !active(c.id()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (UncheckedIOException gone) {
                return;
            }
            send(out, "end", "{}");
        });
    }

    /**
     * A pull's or push's progress: its whole state ({@code state}) whenever it changed, at most a
     * few times a second (a download reports every chunk), and {@code end} once it is over.
     */
    @GetMapping("/ui/transfers/{id}/events")
    ResponseEntity<StreamingResponseBody> transfer(@PathVariable String id, HttpServletResponse response) {
        Transfer t = transfers.get(id);
        return sse(response, out -> {
            long seen = -1;
            try {
                while (!events.isClosed()) {
                    long now = t.version();
                    Transfer.Snapshot s = t.snapshot();
                    // a job that ended after its version was read still sends how it ended
                    if (now != seen || s.done()) {
                        send(out, "state", json.writeValueAsString(s));
                        seen = now;
                    }
                    if (s.done()) {
                        send(out, "end", "{}");
                        return;
                    }
                    Thread.sleep(TRANSFER_PACE_MILLIS);
                    if (t.awaitChange(seen, TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS)) == seen) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (IOException gone) {
                // the page was closed; the job goes on (its page can be opened again)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * A build's log as it grows: {@code state} with the lines since the last one sent (the first
     * brings the whole log kept so far) and the build's state, at most a few times a second;
     * {@code end} once it is over.
     */
    @GetMapping("/ui/builds/{id}/events")
    ResponseEntity<StreamingResponseBody> build(@PathVariable String id, HttpServletResponse response) {
        Build b = builds.get(id);
        return sse(response, out -> {
            long seen = -1;
            long next = 0;
            try {
                while (!events.isClosed()) {
                    long now = b.version();
                    Build.Snapshot s = b.snapshot(next);
                    // a job that ended after its version was read still sends how it ended
                    if (now != seen || s.done()) {
                        send(out, "state", json.writeValueAsString(s));
                        seen = now;
                        next = s.next();
                    }
                    if (s.done()) {
                        send(out, "end", "{}");
                        return;
                    }
                    Thread.sleep(TRANSFER_PACE_MILLIS);
                    if (b.awaitChange(seen, TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS)) == seen) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (IOException gone) {
                // the page was closed; the build goes on (its page can be opened again)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * One container's usage ({@code usage}) every second for its page's charts, while the page is open:
     * the sampler reads the cgroup once a second however many pages watch.
     */
    @GetMapping("/ui/containers/{id}/stats")
    ResponseEntity<StreamingResponseBody> containerStats(@PathVariable String id, HttpServletResponse response) {
        String full = containers.inspect(id).id();
        return sse(response, out -> pace(out, USAGE_PACE_MILLIS, () -> usage.of(full)));
    }

    /** Every running container's usage and the host's totals ({@code usage}), for the lists and the overview. */
    @GetMapping("/ui/stats")
    ResponseEntity<StreamingResponseBody> allStats(HttpServletResponse response) {
        return sse(response, out -> pace(out, TOTALS_PACE_MILLIS, () -> {
            var running = usage.running();
            return java.util.Map.of("containers", running, "totals", usage.totals(running));
        }));
    }

    /** Sends what {@code next} gives as a {@code usage} event every {@code millis} until the page goes. */
    private void pace(OutputStream out, long millis, java.util.function.Supplier<Object> next) {
        try {
            while (!events.isClosed()) {
                send(out, "usage", json.writeValueAsString(next.get()));
                Thread.sleep(millis);
            }
        } catch (IOException gone) {
            // the page was closed: nobody watches, nothing is read any more
        } catch (RuntimeException removed) {
            // the container went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A quiet container writes nothing, so a closed page would only be noticed at its next line:
     * a comment line now and then finds out sooner. {@code lastBeat} holds the last one's time.
     */
    private static boolean gone(OutputStream out, long[] lastBeat) {
        long now = System.nanoTime();
        if (now - lastBeat[0] < TimeUnit.SECONDS.toNanos(HEARTBEAT_SECONDS)) {
            return false;
        }
        lastBeat[0] = now;
        try {
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private boolean active(String id) {
        try {
            return containers.isActive(id);
        } catch (RuntimeException removed) {
            return false;
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void line(OutputStream out, LogReader.Line l) throws IOException {
        send(out, "line", json.writeValueAsString(java.util.Map.of("time", l.time().toString(), "stream",
                l.stderr() ? "stderr" : "stdout", "text", l.text())));
    }

    private static void send(OutputStream out, String event, String data) throws IOException {
        // data is one line of JSON: no newline can split the event
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ResponseEntity<StreamingResponseBody> sse(HttpServletResponse response, StreamingResponseBody body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).header("Cache-Control", "no-store")
                .header("X-Accel-Buffering", "no").body(Flushing.body(response, body));
    }
}
