package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code filters} value that does not parse, has the wrong shape or a key the call does not
 * honour is a 400 with a JSON message, and a prune given one removes nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FiltersApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Bad JSON, not an object, a value of the wrong shape, a time no prune can read, a key no prune honours. */
    private static final List<String> BAD = List.of("{", "[\"label\"]", "{\"label\":\"keep=1\"}",
            "{\"label\":[1]}", "{\"until\":[\"soon\"]}", "{\"bogus\":[\"x\"]}");

    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-filters");
        daemon = TestDaemon.start(root);
        ok(post("/images/create?fromSrc=-&repo=busybox&tag=latest", TarBuilder.busyboxRootfs()), 200);
        // an image with no name: what an image prune removes first
        ok(post("/images/create?fromSrc=-&changes=" + enc("CMD [\"true\"]"), TarBuilder.busyboxRootfs()), 200);
        ok(post("/containers/create?name=kept", "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                + "\"HostConfig\":{\"NetworkMode\":\"none\"}}"), 201);
        ok(post("/volumes/create", "{\"Name\":\"kept-vol\"}"), 201);
        ok(post("/networks/create", "{\"Name\":\"kept-net\"}"), 201);
        ok(post("/libpod/pods/create", "{\"name\":\"kept-pod\",\"no_infra\":true}"), 201);
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/kept?force=1")).DELETE().build());
        daemon.send(HttpRequest.newBuilder(daemon.uri("/libpod/pods/kept-pod?force=true")).DELETE().build());
        daemon.send(HttpRequest.newBuilder(daemon.uri("/networks/kept-net")).DELETE().build());
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    @Test
    @Order(1)
    void everyPruneRefusesABadFilterAndRemovesNothing() throws Exception {
        List<String> prunes = List.of("/containers/prune", "/volumes/prune", "/networks/prune", "/images/prune",
                "/libpod/containers/prune", "/libpod/volumes/prune", "/libpod/networks/prune",
                "/libpod/images/prune", "/libpod/pods/prune", "/v1.41/containers/prune", "/v4.0.0/libpod/pods/prune");
        for (String prune : prunes) {
            for (String bad : BAD) {
                HttpResponse<String> r = daemon.send(post(prune + "?filters=" + enc(bad), ""));
                assertBadRequest(prune + " " + bad, r);
            }
        }
        assertEverythingStillExists();
    }

    @Test
    @Order(1)
    void listsAndEventsRefuseABadFilter() throws Exception {
        // "/containers/json" shows no container here (none runs): its filters are checked all the same
        List<String> lists = List.of("/containers/json?all=1", "/containers/json", "/volumes", "/networks", "/images/json",
                "/libpod/containers/json?all=true", "/libpod/volumes/json", "/libpod/networks/json",
                "/libpod/images/json", "/libpod/pods/json", "/events?until=1", "/libpod/events?stream=false");
        for (String list : lists) {
            for (String bad : List.of("{", "[\"x\"]", "{\"label\":\"x\"}", "{\"bogus\":[\"x\"]}")) {
                String sep = list.contains("?") ? "&" : "?";
                assertBadRequest(list + " " + bad, daemon.get(list + sep + "filters=" + enc(bad)));
            }
        }
        assertEverythingStillExists();
    }

    @Test
    @Order(1)
    void goodFiltersStillWork() throws Exception {
        // the old docker clients' set form and the list form
        String set = daemon.get("/containers/json?all=1&filters=" + enc("{\"name\":{\"kept\":true}}")).body();
        assertThat(set).contains("/kept");
        assertThat(daemon.get("/containers/json?all=1&filters=" + enc("{\"name\":[\"nomatch\"]}")).body())
                .isEqualTo("[]");
        HttpResponse<String> dangling = daemon.get("/images/json?filters=" + enc("{\"dangling\":[\"true\"]}"));
        assertThat(dangling.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(dangling.body()).size()).isEqualTo(1);
        // an empty object is no filter at all: this prune runs, and only removes what it should
        HttpResponse<String> pruned = daemon.send(post("/volumes/prune?filters=" + enc("{}"), ""));
        assertThat(pruned.statusCode()).isEqualTo(200);
        assertThat(daemon.get("/volumes/kept-vol").statusCode()).isEqualTo(404);
        ok(post("/volumes/create", "{\"Name\":\"kept-vol\"}"), 201);
    }

    /** Last: the clients' own prunes send only what the prunes take, and a filter the prune ignores is refused. */
    @Test
    @Order(2)
    void theClientsPrunesWork() throws Exception {
        String docker = "docker -H " + daemon.dockerHost();
        String podman = "podman --remote --url " + daemon.dockerHost();
        Files.writeString(root.resolve("containers.conf"), "");
        for (String refused : List.of(docker + " container prune -f --filter name=kept",
                docker + " volume prune -f --filter until=1h", podman + " volume prune -f --filter name=kept-vol")) {
            var r = cli(refused);
            assertThat(r.exitCode()).as(refused).isNotZero();
            assertThat(r.stderr()).as(refused).contains("invalid filter");
        }
        assertEverythingStillExists();
        for (String prune : List.of(docker + " image prune -f", docker + " container prune -f", docker + " network prune -f",
                podman + " container prune -f", podman + " volume prune -f", podman + " network prune -f",
                podman + " pod prune -f", podman + " image prune -f")) {
            var r = cli(prune);
            assertThat(r.exitCode()).as(prune + ": " + r.stderr()).isZero();
        }
        assertThat(daemon.get("/containers/kept/json").statusCode()).isEqualTo(404);
        assertThat(daemon.get("/networks/kept-net").statusCode()).isEqualTo(404);
        assertThat(daemon.get("/libpod/pods/kept-pod/json").statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(daemon.get("/images/json").body()).size()).isEqualTo(1);
    }

    private static io.jpod.host.ProcessRunner.Result cli(String command) throws Exception {
        return io.jpod.host.ProcessRunner.run(List.of(command.split(" ")), java.util.Map.of(
                "DOCKER_CONFIG", root.resolve("docker-config").toString(),
                "CONTAINERS_CONF", root.resolve("containers.conf").toString(),
                "XDG_CONFIG_HOME", root.resolve("config").toString()), java.time.Duration.ofSeconds(60));
    }

    private static void assertEverythingStillExists() throws Exception {
        assertThat(daemon.get("/containers/kept/json").statusCode()).isEqualTo(200);
        assertThat(daemon.get("/volumes/kept-vol").statusCode()).isEqualTo(200);
        assertThat(daemon.get("/networks/kept-net").statusCode()).isEqualTo(200);
        assertThat(daemon.get("/libpod/pods/kept-pod/json").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(daemon.get("/images/json").body()).size()).isEqualTo(2);
    }

    private static void assertBadRequest(String what, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("message").asString("")).as(what).contains("filter");
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
