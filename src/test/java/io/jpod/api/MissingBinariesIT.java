package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Without runc and conmon the daemon still starts and says what is wrong and how to fix it. */
class MissingBinariesIT {

    @TempDir
    Path root;

    @Test
    void daemonStartsAndHealthExplainsTheMissingBinaries() throws Exception {
        Map<String, Object> props = TestDaemon.isolated(root);
        props.put("libpod.runtime", root.resolve("no/runc").toString());
        props.put("libpod.conmon-path", root.resolve("no/conmon") + "," + root.resolve("nor/conmon"));
        try (TestDaemon d = TestDaemon.start(props)) {
            HttpResponse<String> r = d.get("/actuator/health");
            assertThat(r.statusCode()).isEqualTo(503);
            JsonNode c = JsonMapper.builder().build().readTree(r.body()).get("components");
            JsonNode oci = c.get("ociRuntime");
            assertThat(oci.get("status").asString()).isEqualTo("DOWN");
            assertThat(oci.get("details").get("error").asString()).contains("does not exist");
            assertThat(oci.get("details").get("fix").asString()).contains("apt-get install runc");
            JsonNode conmon = c.get("conmon");
            assertThat(conmon.get("status").asString()).isEqualTo("DOWN");
            assertThat(conmon.get("details").get("candidates").values()).hasSize(2);
            assertThat(conmon.get("details").get("fix").asString()).contains("apt-get install conmon");

            // the probes: alive, but not ready to run containers
            assertThat(d.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = d.get("/actuator/health/readiness");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"ociRuntime\":{").contains("\"conmon\":{");

            // the dashboard's overview says the same, with the fix
            String overview = d.get("/").body();
            assertThat(overview).contains("Not ready").contains("missing").contains("apt-get install runc")
                    .contains("apt-get install conmon");

            JsonNode info = JsonMapper.builder().build().readTree(d.get("/libpod/info").body());
            assertThat(info.get("host").get("ociRuntime").get("error").asString()).contains("does not exist");

            assertThatThrownBy(() -> d.runtime().requireOciRuntime()).isInstanceOfSatisfying(EngineException.class,
                    e -> {
                        assertThat(e.category()).isEqualTo(EngineException.Category.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("apt-get install runc");
                    });
        }
    }

    @Test
    void readinessFollowsABinaryThatGoesAwayAndComesBack() throws Exception {
        Path runc = root.resolve("bin/runc");
        Files.createDirectories(runc.getParent());
        Files.copy(Path.of("/usr/bin/runc"), runc, StandardCopyOption.COPY_ATTRIBUTES);
        Map<String, Object> props = TestDaemon.isolated(root);
        props.put("libpod.runtime", runc.toString());
        try (TestDaemon d = TestDaemon.start(props)) {
            assertThat(d.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

            // the package is removed under the running daemon
            Path away = root.resolve("runc.away");
            Files.move(runc, away);
            HttpResponse<String> ready = d.get("/actuator/health/readiness");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode oci = JsonMapper.builder().build().readTree(ready.body()).get("components").get("ociRuntime");
            assertThat(oci.get("status").asString()).isEqualTo("DOWN");
            assertThat(oci.get("details").get("error").asString()).contains(runc.toString())
                    .contains("no longer there").contains("apt-get install runc");
            assertThat(d.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            // operations say so too, with the same fix, instead of failing somewhere inside runc
            HttpResponse<String> start = d.send(java.net.http.HttpRequest.newBuilder(d.uri("/containers/x/start"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(start.statusCode()).isEqualTo(503);
            assertThat(start.body()).contains("no longer there").contains("apt-get install runc");

            // reinstalled: ready again, without a restart
            Files.move(away, runc);
            assertThat(d.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
    }
}
