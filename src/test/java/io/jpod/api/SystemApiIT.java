package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin HTTP surface of a real daemon on loopback: ping, info, version, config, errors, health. */
class SystemApiIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-api");
        Files.createDirectories(root.resolve("etc/containers"));
        Files.writeString(root.resolve("etc/containers/registries.conf"), """
                unqualified-search-registries = ["docker.io", "quay.io"]
                [[registry]]
                location = "localhost:5000"
                insecure = true
                """);
        Files.writeString(root.resolve("etc/containers/libpod.conf"), """
                # jpod test configuration
                num_locks = 1024
                infra_command = "/catatonit"
                """);
        daemon = TestDaemon.start(root);
        LibpodRuntime rt = daemon.runtime();
        for (String name : List.of("one", "two")) {
            daemon.state().addContainer(new ContainerConfig(name + "0".repeat(61), name, "", null,
                    daemon.locks().allocate().id(), Instant.now(), null, null, List.of(), Map.of(), false),
                    ContainerState.configured().withStatus(name.equals("one") ? ContainerStatus.RUNNING
                            : ContainerStatus.EXITED));
        }
    }

    @AfterAll
    static void stop() {
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root.toFile());
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    @Test
    void pingAnswersOkWithApiVersionHeadersOnEveryPath() throws Exception {
        for (String path : List.of("/_ping", "/libpod/_ping", "/v4.3.1/libpod/_ping", "/v1.41/_ping")) {
            HttpResponse<String> r = daemon.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).isEqualTo("OK");
            assertThat(r.headers().firstValue("Libpod-API-Version")).hasValue("4.3.1");
            assertThat(r.headers().firstValue("API-Version")).hasValue("1.41");
        }
        HttpResponse<String> head = daemon.send(HttpRequest.newBuilder(daemon.uri("/_ping"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void infoReportsTheRealHostStoreAndRegistries() throws Exception {
        HttpResponse<String> r = daemon.get("/v4.3.1/libpod/info");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode info = json(r);
        JsonNode host = info.get("host");
        assertThat(host.get("os").asString()).isEqualTo("linux");
        assertThat(host.get("arch").asString()).isEqualTo("amd64");
        assertThat(host.get("cpus").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(host.get("kernel").asString())
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        assertThat(host.get("hostname").asString())
                .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
        assertThat(host.get("distribution").get("distribution").asString()).isEqualTo("debian");
        assertThat(host.get("memTotal").asLong()).isPositive();
        assertThat(host.get("uptime").asString()).contains("s");
        assertThat(host.get("rootless").asBoolean()).isFalse();
        assertThat(host.get("cgroupManager").asString()).isEqualTo("cgroupfs");
        assertThat(host.get("cgroupVersion").asString()).isIn("v1", "v2");
        assertThat(host.get("ociRuntime").get("name").asString()).isEqualTo("runc");
        assertThat(Path.of(host.get("ociRuntime").get("path").asString())).isRegularFile();
        assertThat(host.get("ociRuntime").get("version").asString()).startsWith("runc version");
        assertThat(host.get("conmon").get("version").asString()).startsWith("conmon version");

        JsonNode store = info.get("store");
        assertThat(store.get("graphRoot").asString()).isEqualTo(root.resolve("storage").toString());
        assertThat(store.get("runRoot").asString()).isEqualTo(root.resolve("run/storage").toString());
        assertThat(store.get("volumePath").asString()).isEqualTo(root.resolve("storage/volumes").toString());
        assertThat(store.get("graphDriverName").asString()).isEqualTo("overlay");
        assertThat(store.get("configFile").asString()).isEqualTo(root.resolve("etc/containers/libpod.conf").toString());
        assertThat(store.get("containerStore").get("number").asInt()).isEqualTo(2);
        assertThat(store.get("containerStore").get("running").asInt()).isEqualTo(1);
        assertThat(store.get("imageStore").get("number").asInt()).isZero();

        assertThat(info.get("registries").get("search").values()).extracting(JsonNode::asString)
                .containsExactly("docker.io", "quay.io");
        assertThat(info.get("registries").get("insecure").values()).extracting(JsonNode::asString)
                .containsExactly("localhost:5000");
    }

    @Test
    void versionNamesTheApiVersions() throws Exception {
        JsonNode v = json(daemon.get("/libpod/version"));
        assertThat(v.get("Version").asString()).isEqualTo("4.3.1");
        assertThat(v.get("ApiVersion").asString()).isEqualTo("1.41");
        assertThat(v.get("Os").asString()).isEqualTo("linux");
    }

    @Test
    void configSaysWhereEachValueCameFrom() throws Exception {
        JsonNode c = json(daemon.get("/jpod/v1/config"));
        assertThat(c.get("config").get("num_locks").asInt()).isEqualTo(1024);
        assertThat(c.get("origins").get("num_locks").asString())
                .isEqualTo("file " + root.resolve("etc/containers/libpod.conf") + " line 2");
        assertThat(c.get("origins").get("infra_command").asString()).endsWith("line 3");
        assertThat(c.get("origins").get("tmp_dir").asString()).isEqualTo("option commandLineArgs");
        assertThat(c.get("origins").get("infra_image").asString()).isEqualTo("default");
    }

    @Test
    void unknownPathsAreJsonErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> docker = daemon.get("/v1.41/nothing/here");
        assertThat(docker.statusCode()).isEqualTo(404);
        assertThat(docker.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(json(docker).get("message").asString()).isNotBlank();
        assertThat(docker.body()).doesNotContain("at io.").doesNotContain("Exception");

        HttpResponse<String> libpod = daemon.get("/v4.3.1/libpod/nothing");
        JsonNode body = json(libpod);
        assertThat(libpod.statusCode()).isEqualTo(404);
        assertThat(body.get("response").asInt()).isEqualTo(404);
        assertThat(body.has("cause")).isTrue();
    }

    @Test
    void wrongMethodIsA405JsonError() throws Exception {
        HttpResponse<String> r = daemon.send(HttpRequest.newBuilder(daemon.uri("/libpod/info"))
                .DELETE().build());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(json(r).get("message").asString()).isNotBlank();
    }

    @Test
    void healthReportsRuntimeAndConmonDiscovery() throws Exception {
        HttpResponse<String> r = daemon.get("/actuator/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode components = json(r).get("components");
        assertThat(components.get("ociRuntime").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("ociRuntime").get("details").get("version").asString()).startsWith("runc version");
        assertThat(components.get("conmon").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("conmon").get("details").get("path").asString()).isNotBlank();
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(daemon.context().getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
    }
}
