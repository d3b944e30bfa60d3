package io.jpod.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An HTTP client for many threads at once that keeps every exchange (method, path, status, body),
 * so a test can assert on all of them afterwards and print the ones that went wrong. Each call is
 * bounded: one that gets no answer in time is recorded with status {@link #NO_ANSWER}.
 */
public final class RecordingClient {

    /** The status recorded for a call that got no answer within its bound. */
    public static final int NO_ANSWER = -1;
    /** The status recorded for a {@link #postBounded} call given up as it asked: not an error. */
    public static final int GAVE_UP = -2;

    /** A request and what came back; {@code millis} is how long it took. */
    public record Exchange(String method, String path, int status, String body, long millis) {

        @Override
        public String toString() {
            String shown = body.length() > 400 ? body.substring(0, 400) + "…" : body;
            String answer = status == NO_ANSWER ? "no answer" : status == GAVE_UP ? "given up" : "" + status;
            return method + " " + path + " -> " + answer + " in " + millis
                    + " ms: " + shown.strip();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;
    private final Duration bound;
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();

    /** Calls {@code daemon} on loopback TCP with its token; a call without an answer after {@code bound} is given up. */
    public RecordingClient(TestDaemon daemon, Duration bound) {
        this.base = "http://127.0.0.1:" + daemon.port();
        this.authorization = daemon.bearer();
        this.bound = bound;
    }

    public Exchange get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), bound, NO_ANSWER);
    }

    public Exchange post(String path) {
        return send("POST", path, HttpRequest.BodyPublishers.noBody(), bound, NO_ANSWER);
    }

    public Exchange post(String path, String json) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(json), bound, NO_ANSWER);
    }

    /** A call that may rightly take long (a wait): given up after {@code within}, which is not an error. */
    public Exchange postBounded(String path, Duration within) {
        return send("POST", path, HttpRequest.BodyPublishers.noBody(), within, GAVE_UP);
    }

    public Exchange delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), bound, NO_ANSWER);
    }

    private Exchange send(String method, String path, HttpRequest.BodyPublisher body, Duration within, int late) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type",
                "application/json").header("Authorization", authorization).method(method, body).build();
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        Exchange e;
        try {
            HttpResponse<String> r = pending.get(within.toMillis(), TimeUnit.MILLISECONDS);
            e = new Exchange(method, path, r.statusCode(), r.body(), elapsed(t0));
        } catch (TimeoutException timedOut) {
            pending.cancel(true);
            e = new Exchange(method, path, late, "no answer within " + within.toMillis() + " ms", elapsed(t0));
        } catch (ExecutionException failed) {
            e = new Exchange(method, path, NO_ANSWER, "connection failed: " + failed.getCause(), elapsed(t0));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            e = new Exchange(method, path, NO_ANSWER, "interrupted", elapsed(t0));
        }
        exchanges.add(e);
        return e;
    }

    private static long elapsed(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** Every exchange so far that {@code bad} picks, in the order they ended. */
    public List<Exchange> matching(Predicate<Exchange> bad) {
        return exchanges.stream().filter(bad).toList();
    }

    /** Every exchange whose status is not among {@code allowed} nor a 2xx. */
    public List<Exchange> outside(Set<Integer> allowed) {
        return matching(e -> !(e.status() >= 200 && e.status() < 300) && !allowed.contains(e.status()));
    }

    /** How many answers had each status: a summary for the test's log. */
    public Map<Integer, Integer> statusCounts() {
        Map<Integer, Integer> counts = new TreeMap<>();
        exchanges.forEach(e -> counts.merge(e.status(), 1, Integer::sum));
        return counts;
    }

    public int count() {
        return exchanges.size();
    }
}
