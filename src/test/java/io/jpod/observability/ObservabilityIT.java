package io.jpod.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes, Prometheus metrics with their values, request IDs and runtime log levels on a real daemon. */
class ObservabilityIT {

    @TempDir
    Path root;

    static double metric(String scrape, String line) {
        Matcher m = Pattern.compile("^" + Pattern.quote(line) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("metric " + line + " in the scrape").isTrue();
        return Double.parseDouble(m.group(1));
    }

    static HttpRequest.Builder post(TestDaemon d, String path, String json) {
        return HttpRequest.newBuilder(d.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void probesMetricsRequestIdsAndLogLevels() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            assertThat(d.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = d.get("/actuator/health/readiness");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"runtime\":{").contains("\"state\":{").contains("\"ociRuntime\":{");
            assertThat(d.get("/actuator/health").body()).contains("\"storage\":{");
            assertThat(d.get("/actuator/info").body()).contains("\"artifact\":\"jpod\"");

            // a few operations: an import, two creates, one start that works and one that cannot
            HttpResponse<String> imported = d.send(HttpRequest.newBuilder(d.uri(
                    "/images/create?fromSrc=-&repo=busybox&tag=latest")).POST(HttpRequest.BodyPublishers.ofByteArray(
                    TarBuilder.busyboxRootfs())).build());
            assertThat(imported.statusCode()).isEqualTo(200);
            HttpResponse<String> a = d.send(post(d, "/containers/create?name=a",
                    "{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"300\"],\"HostConfig\":{\"NetworkMode\":\"none\"}}")
                    .build());
            HttpResponse<String> b = d.send(post(d, "/containers/create?name=b",
                    "{\"Image\":\"busybox\",\"Cmd\":[\"/no/such/program\"],\"HostConfig\":{\"NetworkMode\":\"none\"}}")
                    .build());
            assertThat(a.statusCode()).isEqualTo(201);
            assertThat(b.statusCode()).isEqualTo(201);
            assertThat(d.send(post(d, "/containers/a/start", "").build()).statusCode()).isEqualTo(204);
            assertThat(d.send(post(d, "/containers/b/start", "").build()).statusCode()).isGreaterThanOrEqualTo(400);
            Thread.sleep(1100); // the state counts are refreshed at most once a second

            String scrape = d.get("/actuator/prometheus").body();
            assertThat(metric(scrape, "jpod_containers{state=\"running\"}")).isEqualTo(1);
            assertThat(metric(scrape, "jpod_operations_seconds_count{operation=\"create\",outcome=\"success\"}"))
                    .isEqualTo(2);
            assertThat(metric(scrape, "jpod_operations_seconds_count{operation=\"start\",outcome=\"success\"}"))
                    .isEqualTo(1);
            assertThat(metric(scrape, "jpod_operations_seconds_count{operation=\"start\",outcome=\"error\"}"))
                    .isEqualTo(1);
            assertThat(metric(scrape, "jpod_runtime_failures_total{operation=\"start\"}")).isEqualTo(1);
            assertThat(metric(scrape, "jpod_images")).isEqualTo(1);
            assertThat(metric(scrape, "jpod_operations_seconds_count{operation=\"import\",outcome=\"success\"}"))
                    .isEqualTo(1);
            assertThat(metric(scrape, "jpod_pods")).isZero();
            assertThat(metric(scrape, "jpod_locks_used")).isEqualTo(2);
            assertThat(scrape).contains("jpod_operations_seconds_bucket{operation=\"start\",outcome=\"success\"");

            // request IDs: made when absent, kept when the client sends a sane one
            assertThat(d.get("/_ping").headers().firstValue("X-Request-Id")).hasValueSatisfying(
                    id -> assertThat(id).hasSizeGreaterThan(8));
            HttpResponse<String> tagged = d.send(HttpRequest.newBuilder(d.uri("/_ping"))
                    .header("X-Request-Id", "trace-42").build());
            assertThat(tagged.headers().firstValue("X-Request-Id")).hasValue("trace-42");

            // the request log's level changes at runtime
            HttpResponse<String> set = d.send(post(d, "/actuator/loggers/io.jpod.api.requests",
                    "{\"configuredLevel\":\"WARN\"}").build());
            assertThat(set.statusCode()).isEqualTo(204);
            assertThat(d.get("/actuator/loggers/io.jpod.api.requests").body()).contains("\"configuredLevel\":\"WARN\"");

            d.send(HttpRequest.newBuilder(d.uri("/containers/a?force=true")).DELETE().build());
            d.send(HttpRequest.newBuilder(d.uri("/containers/b?force=true")).DELETE().build());

            // the database file removed under the running daemon (its writes would go nowhere):
            // unready, alive; ready again once it is back
            java.nio.file.Path db = root.resolve("storage/libpod/jpod.db");
            assertThat(db).exists();
            java.nio.file.Path away = root.resolve("jpod.db.away");
            java.nio.file.Files.move(db, away);
            HttpResponse<String> gone = d.get("/actuator/health/readiness");
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(gone.body()).contains("was removed or replaced");
            assertThat(d.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            java.nio.file.Files.move(away, db);
            assertThat(d.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

            // a state that no longer answers makes the daemon unready, not dead
            d.state().close();
            HttpResponse<String> down = d.get("/actuator/health/readiness");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"state\":{").contains("DOWN");
            assertThat(d.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        }
    }
}
