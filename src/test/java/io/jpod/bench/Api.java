package io.jpod.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few Docker Engine API calls the benchmarks make, over loopback TCP with the JDK client, so that
 * a CLI's own start-up never enters a figure. The same calls go to jpod, podman's service and dockerd.
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();

    // HTTP/1.1 only: the JDK would otherwise offer an h2c upgrade on every first request
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String root;
    private final String base;

    /** {@code url}: {@code http://127.0.0.1:PORT}; calls go to the versioned paths all three engines serve. */
    Api(String url) {
        this.root = url;
        this.base = url + "/v1.41";
    }

    HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, base + path, body);
    }

    /** An unversioned path ({@code /actuator/...}), any status. */
    HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        return send("GET", root + path, null);
    }

    private HttpResponse<String> send(String method, String uri, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(180));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String ok(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = call(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body();
    }

    void ping() throws IOException, InterruptedException {
        ok("GET", "/_ping", null);
    }

    /** A container of {@code image} running {@code cmd} on the engine's default (bridge) network. */
    String create(String image, List<String> cmd) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", image);
        body.put("Cmd", cmd);
        return JSON.readTree(ok("POST", "/containers/create", JSON.writeValueAsString(body))).path("Id").asString();
    }

    void start(String id) throws IOException, InterruptedException {
        ok("POST", "/containers/" + id + "/start", null);
    }

    /** Blocks until the container is not running; its exit code. */
    int await(String id) throws IOException, InterruptedException {
        return JSON.readTree(ok("POST", "/containers/" + id + "/wait", null)).path("StatusCode").asInt(-1);
    }

    void stop(String id) throws IOException, InterruptedException {
        ok("POST", "/containers/" + id + "/stop", null);
    }

    void remove(String id, boolean force) throws IOException, InterruptedException {
        ok("DELETE", "/containers/" + id + (force ? "?force=true" : ""), null);
    }

    JsonNode inspect(String id) throws IOException, InterruptedException {
        return JSON.readTree(ok("GET", "/containers/" + id + "/json", null));
    }

    /** {@code GET /containers/json?all=1}: how many containers it listed. */
    int listAll() throws IOException, InterruptedException {
        return JSON.readTree(ok("GET", "/containers/json?all=1", null)).size();
    }

    /** {@code docker run --rm} as separate calls: create, start, wait, remove. Fails unless the exit code is 0. */
    void runRm(String image, List<String> cmd) throws IOException, InterruptedException {
        String id = create(image, cmd);
        start(id);
        int code = await(id);
        remove(id, false);
        if (code != 0) {
            throw new IllegalStateException("container " + id + " exited with " + code);
        }
    }
}
