package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import io.jpod.testing.TestcontainersClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Image builds through the stock clients: the docker CLI's classic builder (DOCKER_BUILDKIT=0),
 * podman's remote client and Testcontainers' ImageFromDockerfile, against one daemon.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuildIT {

    static final String DOCKERFILE = """
            # syntax=docker/dockerfile:1
            ARG BASE=busybox
            FROM ${BASE} AS builder
            ARG GREETING=hi
            WORKDIR /src
            COPY --chown=1000:1000 app/*.txt ./
            ADD bundle.tar /opt/bundle/
            RUN echo "$GREETING from build" > /src/made.txt \\
                # a comment inside a continuation
                && cat /src/a.txt >> /src/made.txt
            ENV APP_HOME=/app \\
                MODE=prod

            FROM busybox
            LABEL org.example.kind="test" version=1
            EXPOSE 8080 9000/udp
            VOLUME /data
            COPY --from=builder /src/made.txt /opt/bundle/inner.txt ${APP_HOME:-/app}/
            SHELL ["/bin/sh", "-c"]
            HEALTHCHECK --interval=5s --timeout=2s --retries=2 CMD true
            STOPSIGNAL SIGINT
            ONBUILD RUN echo child
            USER 1000
            ENTRYPOINT ["sh", "-c", "cat /app/*.txt; echo user=$(id -u)", "--"]
            CMD ["ignored"]
            """;
    static final int STEPS = 20;
    static final int UNCACHED = 3; // the two FROMs and the ARG before them

    static Path root;
    static Path ctx;
    static TestDaemon daemon;
    static CliClient docker;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-build");
        daemon = TestDaemon.start(TestcontainersClient.onSharedSocket(TestDaemon.isolated(root)));
        docker = CliClient.docker(daemon, root.resolve("docker-config")).withEnv("DOCKER_BUILDKIT", "0")
                .withTimeout(Duration.ofSeconds(180));
        ProcessRunner.Result rootfs = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(rootfs.exitCode()).as(rootfs.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");

        ctx = Files.createDirectories(root.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(ctx.resolve(".dockerignore"), "*.md\napp/secret*\n!app/secret-ok.txt\n");
        Files.createDirectories(ctx.resolve("app"));
        Files.writeString(ctx.resolve("app/a.txt"), "alpha\n");
        Files.writeString(ctx.resolve("app/b.txt"), "beta\n");
        Files.writeString(ctx.resolve("app/secret.txt"), "do not send\n");
        Files.writeString(ctx.resolve("app/secret-ok.txt"), "fine\n");
        Files.writeString(ctx.resolve("README.md"), "ignored\n");
        Path bundle = Files.createDirectories(root.resolve("bundle"));
        Files.writeString(bundle.resolve("inner.txt"), "from the tar\n");
        ProcessRunner.Result tar = ProcessRunner.run(List.of("tar", "-C", bundle.toString(), "-cf",
                ctx.resolve("bundle.tar").toString(), "inner.txt"), Duration.ofSeconds(20));
        assertThat(tar.exitCode()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    @Test
    @Order(1)
    void dockerBuildsAMultiStageDockerfileWithEveryInstruction() throws Exception {
        String out = ok("build", "-t", "built:1", "--build-arg", "GREETING=hello", ctx.toString());
        assertThat(out).contains("Step 1/" + STEPS + " : ARG BASE=busybox",
                "Step 2/" + STEPS + " : FROM ${BASE} AS builder");
        assertThat(out).contains("Successfully tagged built:1").doesNotContain("Using cache");

        // what RUN made, COPY and ADD brought, and the config the instructions set
        assertThat(ok("run", "--rm", "built:1")).isEqualTo("from the tar\nhello from build\nalpha\nuser=1000");
        assertThat(ok("image", "inspect", "--format", "{{json .Config.Labels}}", "built:1"))
                .isEqualTo("{\"org.example.kind\":\"test\",\"version\":\"1\"}");
        assertThat(ok("image", "inspect", "--format", "{{json .Config.ExposedPorts}}", "built:1"))
                .isEqualTo("{\"8080/tcp\":{},\"9000/udp\":{}}");
        assertThat(ok("image", "inspect", "--format",
                "{{json .Config.Volumes}} {{.Config.User}} {{.Config.StopSignal}} {{json .Config.Cmd}}", "built:1"))
                .isEqualTo("{\"/data\":{}} 1000 SIGINT [\"ignored\"]");
        String inspect = ok("image", "inspect", "built:1");
        assertThat(inspect).contains("\"OnBuild\": [", "\"RUN echo child\"", "\"Test\": [", "\"CMD-SHELL\"",
                "\"Interval\": 5000000000", "\"Retries\": 2");
        assertThat(ok("history", "--no-trunc", "--format", "{{.CreatedBy}}", "built:1"))
                .contains("COPY", "ENTRYPOINT [\"sh\" \"-c\"", "HEALTHCHECK");
        // the intermediate images are cache, not list entries
        assertThat(ok("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList())
                .containsExactlyInAnyOrder("busybox:latest", "built:1");
    }

    @Test
    @Order(2)
    void theTargetStageHonoursDockerignoreChownAndBuildArgs() throws Exception {
        ok("build", "--target", "builder", "-t", "built:builder", "--build-arg", "GREETING=hello", ctx.toString());
        assertThat(ok("run", "--rm", "built:builder", "ls", "/src").lines().toList())
                .containsExactly("a.txt", "b.txt", "made.txt", "secret-ok.txt");
        assertThat(ok("run", "--rm", "built:builder", "stat", "-c", "%u:%g", "/src/a.txt")).isEqualTo("1000:1000");
        assertThat(ok("run", "--rm", "built:builder", "sh", "-c", "echo $MODE $APP_HOME $GREETING; pwd"))
                .as("ENV persists, ARG does not").isEqualTo("prod /app\n/src");
    }

    @Test
    @Order(3)
    void aRebuildReusesEveryStepAndAnEditedFileRebuildsFromItsCopy() throws Exception {
        String first = ok("image", "inspect", "--format", "{{.Id}}", "built:1");
        String out = ok("build", "-t", "built:1", "--build-arg", "GREETING=hello", ctx.toString());
        assertThat(count(out, " ---> Using cache")).isEqualTo(STEPS - UNCACHED);
        assertThat(ok("image", "inspect", "--format", "{{.Id}}", "built:1")).isEqualTo(first);

        Files.writeString(ctx.resolve("app/a.txt"), "alpha two\n");
        out = ok("build", "-t", "built:2", "--build-arg", "GREETING=hello", ctx.toString());
        assertThat(count(out, " ---> Using cache")).as(out).isEqualTo(5); // ARG, WORKDIR; LABEL, EXPOSE, VOLUME
        assertThat(ok("run", "--rm", "built:2")).startsWith("from the tar\nhello from build\nalpha two\n");
        assertThat(count(ok("build", "--no-cache", "-t", "built:3", ctx.toString()), "Using cache")).isZero();
    }

    @Test
    @Order(4)
    void aFailingRunStepFailsTheBuildNamingTheCommandAndItsExitCode() throws Exception {
        Path bad = Files.createDirectories(root.resolve("bad"));
        Files.writeString(bad.resolve("Dockerfile"), "FROM busybox\nRUN echo before\nRUN echo oops >&2; exit 7\n");
        ProcessRunner.Result r = docker.run("build", "--force-rm", "-t", "bad", bad.toString());
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).contains("Step 3/3 : RUN echo oops >&2; exit 7", "oops");
        assertThat(r.stderr()).contains("The command '/bin/sh -c echo oops >&2; exit 7' returned a non-zero code: 7");
        assertThat(ok("ps", "-a", "-q")).as("--force-rm removed the failed step's container").isEmpty();
        assertThat(docker.run("image", "inspect", "bad").exitCode()).isNotZero();

        Files.writeString(bad.resolve("Dockerfile"), "FROM busybox\nFROB something\n");
        r = docker.run("build", bad.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("line 2", "FROB");
    }

    @Test
    @Order(5)
    void podmansRemoteClientBuilds() throws Exception {
        Path p = Files.createDirectories(root.resolve("podman"));
        Files.writeString(p.resolve("Containerfile"), "FROM busybox\nRUN echo podman-built > /p.txt\n"
                + "CMD [\"cat\", \"/p.txt\"]\n");
        ProcessRunner.Result r = ProcessRunner.run(List.of("podman", "--url", daemon.dockerHost(), "build", "-t",
                "podbuilt", "-f", p.resolve("Containerfile").toString(), p.toString()), Duration.ofSeconds(120));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(ok("run", "--rm", "podbuilt")).isEqualTo("podman-built");
    }

    @Test
    @Order(6)
    void testcontainersBuildsFromADockerfile() throws Exception {
        TestcontainersClient.configure();
        ImageFromDockerfile image = new ImageFromDockerfile("tc-built", false)
                .withFileFromString("Dockerfile", "FROM busybox\nCOPY hello.txt /\nCMD [\"cat\", \"/hello.txt\"]\n")
                .withFileFromString("hello.txt", "from testcontainers\n");
        StringBuilder logs = new StringBuilder();
        try (GenericContainer<?> c = new GenericContainer<>(image)
                .withLogConsumer((OutputFrame f) -> logs.append(f.getUtf8String()))) {
            c.setStartupCheckStrategy(new org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy()
                    .withTimeout(Duration.ofSeconds(60)));
            c.start();
        }
        assertThat(logs.toString()).contains("from testcontainers");
    }

    @Test
    @Order(7)
    void systemDfCountsTheBuildCacheAndPruneClearsIt() throws Exception {
        String df = ok("system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Size}}");
        String cacheLine = df.lines().filter(l -> l.startsWith("Build Cache")).findFirst().orElseThrow();
        assertThat(Integer.parseInt(cacheLine.split(" ")[2])).as(df).isGreaterThan(10);
        assertThat(df.lines().filter(l -> l.startsWith("Images")).findFirst().orElseThrow()).doesNotContain(" 0B");
        ProcessRunner.Result podman = ProcessRunner.run(List.of("podman", "--url", daemon.dockerHost(), "system",
                "df"), Duration.ofSeconds(60));
        assertThat(podman.exitCode()).as(podman.stderr()).isZero();
        assertThat(podman.stdout()).contains("Images", "Containers", "Local Volumes");

        ok("builder", "prune", "-f");
        df = ok("system", "df", "--format", "{{.Type}} {{.TotalCount}}");
        assertThat(df).contains("Build Cache 0");
        String out = ok("build", "-t", "built:again", "--build-arg", "GREETING=hello", ctx.toString());
        assertThat(out).as("the cache is gone").doesNotContain("Using cache");
    }

    static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
