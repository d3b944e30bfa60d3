package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams that only end when their client leaves (events, followed logs, waits on a running
 * container, the dashboard's live view) end when the daemon is stopped, instead of holding the web
 * server's graceful shutdown for its whole 30 s timeout; the container keeps running.
 */
class StreamsShutdownIT {

    @TempDir
    Path root;

    @Test
    void openStreamsEndAtShutdownAndTheContainerKeepsRunning() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        TestDaemon d = TestDaemon.start(root);
        boolean closed = false;
        String id = null;
        try {
            d.send(HttpRequest.newBuilder(d.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build());
            HttpResponse<String> created = d.send(HttpRequest.newBuilder(d.uri("/containers/create?name=keeper"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"while true; do echo t; sleep 1; done\"],"
                                    + "\"HostConfig\":{\"NetworkMode\":\"none\"}}")).build());
            assertThat(created.statusCode()).isEqualTo(201);
            id = created.body().replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");
            d.send(HttpRequest.newBuilder(d.uri("/containers/keeper/start")).POST(HttpRequest.BodyPublishers.noBody())
                    .build());

            List<CompletableFuture<HttpResponse<String>>> streams = List.of(
                    http.sendAsync(HttpRequest.newBuilder(d.uri("/events")).header("Authorization", d.bearer()).build(),
                            HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(HttpRequest.newBuilder(d.uri("/containers/keeper/logs?stdout=1&follow=1")).header("Authorization", d.bearer()).build(),
                            HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(HttpRequest.newBuilder(d.uri("/containers/keeper/wait"))
                            .header("Authorization", d.bearer())
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(HttpRequest.newBuilder(d.uri("/libpod/containers/keeper/wait"))
                            .header("Authorization", d.bearer())
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(HttpRequest.newBuilder(d.uri("/ui/events")).header("Authorization", d.bearer()).build(),
                            HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(1500);
            assertThat(streams).noneMatch(CompletableFuture::isDone);

            long t0 = System.nanoTime();
            d.close();
            closed = true;
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertThat(seconds).as("shutdown waited for open streams").isLessThan(20);
            for (var s : streams) {
                assertThat(s).succeedsWithin(Duration.ofSeconds(10));
            }
            assertThat(streams.get(2).get().body()).contains("shutting down");
            assertThat(streams.get(3).get().statusCode()).isEqualTo(503);
        } finally {
            if (!closed) {
                d.close();
            }
        }
        // a daemon on the same root finds the container still running, and removes it
        try (TestDaemon again = TestDaemon.start(root)) {
            assertThat(again.get("/containers/keeper/json").body()).contains("\"Running\":true");
            again.send(HttpRequest.newBuilder(again.uri("/containers/" + id + "?force=true")).DELETE().build());
        }
    }
}
