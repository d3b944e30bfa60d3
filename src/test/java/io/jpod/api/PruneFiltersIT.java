package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prunes with {@code label}, {@code label!} and {@code until} filters through the docker CLI,
 * podman --remote and Testcontainers' own request: only what matches goes. Containers are only
 * created, never started: a created container is what a prune takes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PruneFiltersIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;
    static TestDaemon daemon;
    static String docker;
    static String podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-prune-filters");
        daemon = TestDaemon.start(root);
        Files.writeString(root.resolve("containers.conf"), "");
        docker = "docker -H " + daemon.dockerHost();
        podman = "podman --remote --url " + daemon.dockerHost();
        ok(post("/images/create?fromSrc=-&repo=busybox&tag=latest", TarBuilder.busyboxRootfs()), 200);
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    @Test
    void dockerContainerPruneTakesOnlyWhatTheFiltersMatch() throws Exception {
        cli(docker + " create --name c-build --label stage=build --network none busybox true");
        cli(docker + " create --name c-keep --label keep=1 --network none busybox true");
        cli(docker + " create --name c-plain --network none busybox true");

        cli(docker + " container prune -f --filter label=stage=build");
        assertThat(exists("/containers/c-build/json")).isFalse();
        assertThat(exists("/containers/c-plain/json")).isTrue();

        // created just now: not older than an hour
        cli(docker + " container prune -f --filter until=1h");
        assertThat(exists("/containers/c-plain/json")).isTrue();

        cli(docker + " container prune -f --filter label!=keep");
        assertThat(exists("/containers/c-plain/json")).isFalse();
        assertThat(exists("/containers/c-keep/json")).isTrue();

        // a minute from now, in Unix seconds: everything so far is older
        cli(docker + " container prune -f --filter until=" + (Instant.now().getEpochSecond() + 60));
        assertThat(exists("/containers/c-keep/json")).isFalse();
    }

    @Test
    void dockerImagePruneByLabel() throws Exception {
        ok(post("/images/create?fromSrc=-&repo=staged&tag=1&changes=" + enc("LABEL stage=build"),
                TarBuilder.busyboxRootfs()), 200);
        ok(post("/images/create?fromSrc=-&repo=plain&tag=1&changes=" + enc("CMD [\"true\"]"),
                TarBuilder.busyboxRootfs()), 200);
        cli(docker + " image prune -a -f --filter label=stage=build");
        assertThat(exists("/images/staged:1/json")).isFalse();
        assertThat(exists("/images/plain:1/json")).isTrue();
        assertThat(exists("/images/busybox/json")).isTrue();
        cli(docker + " image prune -a -f --filter until=1h");
        assertThat(exists("/images/plain:1/json")).isTrue();
    }

    @Test
    void dockerBuildCachePruneByLabel() throws Exception {
        Path context = Files.createDirectories(root.resolve("ctx"));
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nLABEL stage=cache\nENV A=1\n");
        ProcessRunner.Result build = ProcessRunner.run(List.of("docker", "-H", daemon.dockerHost(), "build", "-t",
                "built:1", context.toString()), Map.of("DOCKER_CONFIG", root.resolve("docker-config").toString(),
                "DOCKER_BUILDKIT", "0"), Duration.ofSeconds(120));
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        JsonNode none = prune("/build/prune", "{\"label\":[\"stage=other\"]}");
        assertThat(none.path("CachesDeleted").size()).isZero();
        JsonNode some = prune("/build/prune", "{\"label\":[\"stage=cache\"],\"unused-for\":[\"0\"]}");
        assertThat(some.path("CachesDeleted").size()).isPositive();
        assertThat(exists("/images/built:1/json")).isTrue();
    }

    @Test
    void podmanNetworkAndVolumePruneByLabel() throws Exception {
        cli(podman + " network create --label stage=build n-build");
        cli(podman + " network create --label keep=1 n-keep");
        cli(podman + " volume create --label stage=build v-build");
        cli(podman + " volume create --label keep=1 v-keep");

        cli(podman + " network prune -f --filter label=stage=build");
        assertThat(exists("/libpod/networks/n-build/json")).isFalse();
        assertThat(exists("/libpod/networks/n-keep/json")).isTrue();
        cli(podman + " network prune -f --filter until=1h");
        assertThat(exists("/libpod/networks/n-keep/json")).isTrue();

        cli(podman + " volume prune -f --filter label!=keep");
        assertThat(exists("/libpod/volumes/v-build/json")).isFalse();
        assertThat(exists("/libpod/volumes/v-keep/json")).isTrue();

        // API 1.41 volumes take labels only: refused, nothing removed
        ProcessRunner.Result refused = run(docker + " volume prune -f --filter until=1h");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("invalid filter 'until'");
        assertThat(exists("/libpod/volumes/v-keep/json")).isTrue();

        cli(podman + " network prune -f --filter label=keep");
        cli(podman + " volume prune -f --filter label=keep=1");
        assertThat(exists("/libpod/networks/n-keep/json")).isFalse();
        assertThat(exists("/libpod/volumes/v-keep/json")).isFalse();
    }

    /** Last: a system prune would take the other tests' unlabelled things. */
    @Test
    @Order(Integer.MAX_VALUE)
    void podPruneAndSystemPruneByLabel() throws Exception {
        cli(podman + " pod create --infra=false --label stage=build p-build");
        cli(podman + " pod create --infra=false --label keep=1 p-keep");
        cli(podman + " create --name s-build --label stage=build --network none busybox true");
        cli(podman + " create --name s-keep --label keep=1 --network none busybox true");

        assertThat(prune("/libpod/pods/prune", "{\"label\":[\"stage=build\"]}").size()).isEqualTo(1);
        assertThat(exists("/libpod/pods/p-build/json")).isFalse();
        assertThat(exists("/libpod/pods/p-keep/json")).isTrue();

        cli(podman + " system prune -f --filter label!=keep");
        assertThat(exists("/libpod/containers/s-build/json")).isFalse();
        assertThat(exists("/libpod/containers/s-keep/json")).isTrue();
        assertThat(exists("/libpod/pods/p-keep/json")).isTrue();
        assertThat(exists("/images/busybox/json")).isTrue();
        // docker's system prune sends the filters to each prune in turn, the build cache's among them
        cli(docker + " create --name d-build --label stage=build --network none busybox true");
        cli(docker + " system prune -f --filter label!=keep");
        assertThat(exists("/containers/d-build/json")).isFalse();
        assertThat(exists("/containers/s-keep/json")).isTrue();
        daemon.send(HttpRequest.newBuilder(daemon.uri("/libpod/pods/p-keep?force=true")).DELETE().build());
        daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/s-keep?force=1")).DELETE().build());
    }

    /** What Testcontainers' ResourceReaper sends at exit: only its own session's resources go. */
    @Test
    void testcontainersSessionPrune() throws Exception {
        List<String> mine = new ArrayList<>();
        for (String session : List.of("mine", "other")) {
            String labels = "{\"org.testcontainers\":\"true\",\"org.testcontainers.sessionId\":\"" + session + "\"}";
            ok(post("/containers/create?name=tc-" + session, "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                    + "\"Labels\":" + labels + ",\"HostConfig\":{\"NetworkMode\":\"none\"}}"), 201);
            ok(post("/networks/create", "{\"Name\":\"tc-net-" + session + "\",\"Labels\":" + labels + "}"), 201);
            ok(post("/volumes/create", "{\"Name\":\"tc-vol-" + session + "\",\"Labels\":" + labels + "}"), 201);
        }
        mine.add(JSON.readTree(daemon.get("/containers/tc-mine/json").body()).path("Id").asString());
        String filters = "{\"label\":[\"org.testcontainers=true\",\"org.testcontainers.sessionId=mine\"]}";

        // a key no prune honours: a 400, and nothing removed
        HttpResponse<String> bad = daemon.send(post("/containers/prune?filters="
                + enc("{\"label\":[\"org.testcontainers.sessionId=mine\"],\"name\":[\"tc\"]}"), ""));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("message").asString()).contains("nothing was removed");
        assertThat(exists("/containers/tc-mine/json")).isTrue();

        assertThat(prune("/containers/prune", filters).path("ContainersDeleted").values())
                .extracting(JsonNode::asString).containsExactlyElementsOf(mine);
        assertThat(prune("/networks/prune", filters).path("NetworksDeleted").values())
                .extracting(JsonNode::asString).containsExactly("tc-net-mine");
        assertThat(prune("/volumes/prune", filters).path("VolumesDeleted").values())
                .extracting(JsonNode::asString).containsExactly("tc-vol-mine");
        assertThat(exists("/containers/tc-other/json")).isTrue();
        assertThat(exists("/networks/tc-net-other")).isTrue();
        assertThat(exists("/volumes/tc-vol-other")).isTrue();
    }

    private static JsonNode prune(String path, String filters) throws Exception {
        HttpResponse<String> r = daemon.send(post(path + "?filters=" + enc(filters), ""));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static boolean exists(String path) throws Exception {
        int status = daemon.get(path).statusCode();
        assertThat(status).as(path).isIn(200, 404);
        return status == 200;
    }

    private static void cli(String command) throws Exception {
        ProcessRunner.Result r = run(command);
        assertThat(r.exitCode()).as(command + ": " + r.stderr()).isZero();
    }

    private static ProcessRunner.Result run(String command) throws Exception {
        return ProcessRunner.run(List.of(command.split(" ")), Map.of(
                "DOCKER_CONFIG", root.resolve("docker-config").toString(),
                "CONTAINERS_CONF", root.resolve("containers.conf").toString(),
                "XDG_CONFIG_HOME", root.resolve("config").toString()), Duration.ofSeconds(60));
    }

    private static HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(daemon.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest post(String path, byte[] body) {
        return HttpRequest.newBuilder(daemon.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static void ok(HttpRequest request, int status) throws Exception {
        HttpResponse<String> r = daemon.send(request);
        assertThat(r.statusCode()).as(request.uri() + ": " + r.body()).isEqualTo(status);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
