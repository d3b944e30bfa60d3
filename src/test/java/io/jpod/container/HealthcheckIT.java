package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import io.jpod.testing.TestcontainersClient;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health checks of real containers, run by the daemon every second: an image's HEALTHCHECK (built
 * by jpod's builder) and the docker CLI's options, failures and recovery, a hanging check, ps,
 * events, the libpod endpoint, a daemon restart, a stop; and Testcontainers' health wait.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthcheckIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;
    static Map<String, Object> props;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-health");
        props = TestcontainersClient.onSharedSocket(TestDaemon.isolated(root));
        daemon = TestDaemon.start(props);
        docker = CliClient.docker(daemon, root.resolve("docker-config")).withEnv("DOCKER_BUILDKIT", "0")
                .withTimeout(Duration.ofSeconds(120));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result rootfs = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(rootfs.exitCode()).as(rootfs.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
                """);
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
        // an image whose check passes once /tmp/ok exists, every second, unhealthy after two failures
        Path ctx = Files.createDirectories(root.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM busybox
                HEALTHCHECK --interval=1s --timeout=5s --retries=2 CMD cat /tmp/ok || { echo missing; exit 1; }
                CMD ["sleep", "600"]
                """);
        ok("build", "-t", "hc-file", ctx.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "ok1", "flaky", "hang", "off", "tc");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static JsonNode inspect(String name) throws Exception {
        HttpResponse<String> r = daemon.get("/containers/" + name + "/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode health(String name) throws Exception {
        return inspect(name).path("State").path("Health");
    }

    /** Polls the container's State.Health until {@code done} holds; returns it. */
    static JsonNode awaitHealth(String name, Duration within, Predicate<JsonNode> done) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        JsonNode h = health(name);
        while (!done.test(h)) {
            assertThat(System.nanoTime()).as("health of " + name + " now: " + h).isLessThan(end);
            Thread.sleep(200);
            h = health(name);
        }
        return h;
    }

    static Predicate<JsonNode> status(String s) {
        return h -> h.path("Status").asString("").equals(s);
    }

    @Test
    @Order(1)
    void anImagesCheckGoesFromStartingToHealthy() throws Exception {
        ok("run", "-d", "--name", "ok1", "hc-file", "sh", "-c", "echo fine > /tmp/ok; exec sleep 600");
        JsonNode first = health("ok1");
        assertThat(first.path("Status").asString()).isIn("starting", "healthy");
        JsonNode h = awaitHealth("ok1", Duration.ofSeconds(15), status("healthy"));
        assertThat(h.path("FailingStreak").asInt()).isZero();
        JsonNode last = h.path("Log").get(h.path("Log").size() - 1);
        assertThat(last.path("ExitCode").asInt()).isZero();
        assertThat(last.path("Output").asString()).isEqualTo("fine\n");
        assertThat(Instant.parse(last.path("End").asString())).isAfterOrEqualTo(
                Instant.parse(last.path("Start").asString()));
        // the image's check, as configured, and no exec sessions left behind by the checks
        JsonNode config = inspect("ok1").path("Config").path("Healthcheck");
        assertThat(config.path("Test").get(0).asString()).isEqualTo("CMD-SHELL");
        assertThat(config.path("Interval").asLong()).isEqualTo(1_000_000_000L);
        assertThat(config.path("Retries").asInt()).isEqualTo(2);
        assertThat(inspect("ok1").path("ExecIDs").size()).isZero();

        assertThat(ok("ps", "--filter", "name=ok1", "--format", "{{.Status}}")).endsWith("(healthy)");
        assertThat(ok("ps", "-q", "--filter", "health=healthy")).isNotEmpty();
        assertThat(ok("ps", "-q", "--filter", "health=unhealthy", "--filter", "name=ok1")).isEmpty();
        assertThat(docker.run("ps", "--filter", "health=sick").exitCode()).isNotZero();

        // libpod's view, through podman's remote client
        ProcessRunner.Result p = podman.run("inspect", "--format", "{{.State.Health.Status}}", "ok1");
        assertThat(p.stdout().strip()).as(p.stderr()).isEqualTo("healthy");
        assertThat(podman.run("ps", "--filter", "name=ok1", "--format", "{{.Status}}").stdout()).contains("(healthy)");
    }

    @Test
    @Order(2)
    void aFailingCheckMakesItUnhealthyAndAPassHealthyAgainWithEvents() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        ok("run", "-d", "--name", "flaky", "hc-file");
        JsonNode sick = awaitHealth("flaky", Duration.ofSeconds(15), status("unhealthy"));
        assertThat(sick.path("FailingStreak").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode failed = sick.path("Log").get(sick.path("Log").size() - 1);
        assertThat(failed.path("ExitCode").asInt()).isEqualTo(1);
        assertThat(failed.path("Output").asString()).contains("missing");
        assertThat(ok("ps", "--filter", "name=flaky", "--format", "{{.Status}}")).endsWith("(unhealthy)");

        ok("exec", "flaky", "sh", "-c", "echo better > /tmp/ok");
        JsonNode well = awaitHealth("flaky", Duration.ofSeconds(15), status("healthy"));
        assertThat(well.path("FailingStreak").asInt()).isZero();
        assertThat(well.path("Log").get(well.path("Log").size() - 1).path("Output").asString()).isEqualTo("better\n");
        assertThat(well.path("Log").size()).isLessThanOrEqualTo(5);

        HttpResponse<String> events = daemon.get("/events?since=" + since.getEpochSecond() + "&until="
                + (Instant.now().getEpochSecond() + 1) + "&filters=" + URLEncoder.encode(
                        "{\"container\":[\"flaky\"]}", StandardCharsets.UTF_8));
        assertThat(events.body()).contains("\"health_status: unhealthy\"", "\"health_status: healthy\"");
        assertThat(events.body().indexOf("health_status: unhealthy"))
                .isLessThan(events.body().indexOf("health_status: healthy"));
    }

    @Test
    @Order(3)
    void aHangingCheckTimesOutAndCountsAsFailed() throws Exception {
        ok("run", "-d", "--name", "hang", "--health-cmd", "sleep 30", "--health-interval", "1s",
                "--health-timeout", "1s", "--health-retries", "1", "busybox", "sleep", "600");
        JsonNode h = awaitHealth("hang", Duration.ofSeconds(15), status("unhealthy"));
        JsonNode last = h.path("Log").get(h.path("Log").size() - 1);
        assertThat(last.path("ExitCode").asInt()).isEqualTo(-1);
        assertThat(last.path("Output").asString()).isEqualTo("Health check exceeded timeout (1s)");
        assertThat(Duration.between(Instant.parse(last.path("Start").asString()),
                Instant.parse(last.path("End").asString()))).isLessThan(Duration.ofSeconds(10));
        // the killed check is gone from the container
        String ps = ok("exec", "hang", "ps", "-o", "args");
        assertThat(ps.lines().filter(l -> l.contains("sleep 30")).count()).as(ps).isLessThanOrEqualTo(1);
    }

    @Test
    @Order(4)
    void noHealthcheckTurnsTheImagesOffAndBadOptionsAreRefused() throws Exception {
        ok("run", "-d", "--name", "off", "--no-healthcheck", "hc-file");
        Thread.sleep(1500);
        assertThat(inspect("off").path("State").has("Health")).isFalse();
        assertThat(inspect("off").path("Config").path("Healthcheck").path("Test").toString()).isEqualTo("[\"NONE\"]");
        assertThat(ok("ps", "--filter", "name=off", "--format", "{{.Status}}")).doesNotContain("(");
        assertThat(ok("ps", "-q", "--filter", "health=none", "--filter", "name=off")).isNotEmpty();
        // running a check of a container without one is a conflict, as in podman
        HttpResponse<String> r = daemon.send(HttpRequest.newBuilder(daemon.uri("/libpod/containers/off/healthcheck"))
                .GET().build());
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("no defined healthcheck");

        // the docker CLI checks its options itself; the API refuses what it lets through
        for (String check : List.of("{\"Test\":[\"CMD\",\"true\"],\"Retries\":-1}",
                "{\"Test\":[\"SHELL\",\"true\"]}", "{\"Test\":[\"CMD\",\"true\"],\"Interval\":5}")) {
            HttpResponse<String> bad = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/create"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"Image\":\"busybox\",\"Healthcheck\":" + check + "}")).build());
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(bad.body()).contains("Healthcheck");
        }
    }

    @Test
    @Order(5)
    void theLibpodEndpointRunsACheckNow() throws Exception {
        int before = health("ok1").path("Log").size();
        HttpResponse<String> r = daemon.send(HttpRequest.newBuilder(daemon.uri("/libpod/containers/ok1/healthcheck"))
                .GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.path("Status").asString()).isEqualTo("healthy");
        assertThat(h.path("Log").size()).isGreaterThanOrEqualTo(Math.min(5, before));
        ProcessRunner.Result p = podman.run("healthcheck", "run", "ok1");
        assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isZero();

        ok("exec", "flaky", "rm", "/tmp/ok");
        awaitHealth("flaky", Duration.ofSeconds(15), status("unhealthy"));
        ProcessRunner.Result sick = podman.run("healthcheck", "run", "flaky");
        assertThat(sick.exitCode()).isEqualTo(1);
        assertThat(sick.stdout().strip()).isEqualTo("unhealthy");
    }

    @Test
    @Order(6)
    void aDaemonRestartResumesTheChecksOfRunningContainers() throws Exception {
        awaitHealth("flaky", Duration.ofSeconds(15), status("unhealthy"));
        daemon.close();
        daemon = TestDaemon.start(props);
        docker = CliClient.docker(daemon, root.resolve("docker-config")).withEnv("DOCKER_BUILDKIT", "0")
                .withTimeout(Duration.ofSeconds(120));
        podman = CliClient.podman(daemon, root);
        assertThat(health("flaky").path("Status").asString()).as("kept across the restart").isEqualTo("unhealthy");
        ok("exec", "flaky", "sh", "-c", "echo back > /tmp/ok");
        JsonNode h = awaitHealth("flaky", Duration.ofSeconds(15), status("healthy"));
        assertThat(h.path("Log").get(h.path("Log").size() - 1).path("Output").asString()).isEqualTo("back\n");
    }

    @Test
    @Order(7)
    void stopStopsTheChecksAndStartBeginsThemAgain() throws Exception {
        awaitHealth("ok1", Duration.ofSeconds(15), status("healthy"));
        ok("stop", "-t", "1", "ok1");
        Instant stopped = Instant.now();
        Thread.sleep(2500);
        JsonNode h = health("ok1");
        for (JsonNode r : h.path("Log")) {
            assertThat(Instant.parse(r.path("Start").asString())).as("no check after the stop: " + h)
                    .isBefore(stopped);
        }
        assertThat(inspect("ok1").path("ExecIDs").size()).isZero();

        ok("start", "ok1");
        assertThat(health("ok1").path("Status").asString()).isIn("starting", "healthy");
        JsonNode again = awaitHealth("ok1", Duration.ofSeconds(15), status("healthy"));
        assertThat(Instant.parse(again.path("Log").get(again.path("Log").size() - 1).path("Start").asString()))
                .isAfter(stopped);
    }

    @Test
    @Order(8)
    void testcontainersWaitsForTheHealthcheck() throws Exception {
        TestcontainersClient.configure();
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("hc-file"))
                .withCommand("sh", "-c", "sleep 2; echo up > /tmp/ok; exec sleep 600")
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofSeconds(30)))) {
            Instant t0 = Instant.now();
            c.start();
            assertThat(Duration.between(t0, Instant.now())).isGreaterThan(Duration.ofSeconds(1));
            assertThat(c.getCurrentContainerInfo().getState().getHealth().getStatus()).isEqualTo("healthy");
        }
    }

    @Test
    @Order(9)
    void composeStartsADependentOnceItsDependencyIsHealthy() throws Exception {
        Path project = Files.createDirectories(root.resolve("compose"));
        Files.writeString(project.resolve("docker-compose.yml"), """
                version: "2.4"
                services:
                  db:
                    image: hc-file
                    command: ["sh", "-c", "sleep 2; echo ready > /tmp/ok; exec sleep 600"]
                  app:
                    image: busybox
                    command: ["sleep", "600"]
                    depends_on:
                      db:
                        condition: service_healthy
                """);
        Map<String, String> env = Map.of("DOCKER_CONFIG", root.resolve("docker-config").toString(), "DOCKER_HOST",
                daemon.dockerHost());
        List<String> compose = List.of("env", "-u", "DOCKER_CONTEXT", "docker-compose", "-p", "jpodhc", "-f",
                project.resolve("docker-compose.yml").toString());
        try {
            ProcessRunner.Result up = ProcessRunner.run(with(compose, "up", "-d"), env, Duration.ofSeconds(120));
            assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
            JsonNode db = inspect("jpodhc_db_1");
            JsonNode app = inspect("jpodhc_app_1");
            assertThat(db.path("State").path("Health").path("Status").asString()).isEqualTo("healthy");
            assertThat(app.path("State").path("Running").asBoolean()).isTrue();
            Instant firstHealthy = null;
            for (JsonNode r : db.path("State").path("Health").path("Log")) {
                if (r.path("ExitCode").asInt() == 0) {
                    firstHealthy = Instant.parse(r.path("End").asString());
                    break;
                }
            }
            assertThat(Instant.parse(app.path("State").path("StartedAt").asString())).isAfter(firstHealthy);
        } finally {
            ProcessRunner.run(with(compose, "down", "-t", "1"), env, Duration.ofSeconds(120));
        }
    }

    static List<String> with(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
