package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code --log-driver} and {@code --log-opt} through the docker CLI and the libpod API; one daemon for the class. */
class LogOptionsIT {

    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-logs");
        daemon = TestDaemon.start(root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker("rm", "-f", "bounded", "silent", "json");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static ProcessRunner.Result docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", daemon.dockerHost()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("DOCKER_CONFIG", root.resolve("docker-config").toString()),
                Duration.ofSeconds(60));
    }

    static String ok(String... args) throws Exception {
        ProcessRunner.Result r = docker(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout().strip();
    }

    static String fails(String... args) throws Exception {
        ProcessRunner.Result r = docker(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " should fail: " + r.stdout()).isNotZero();
        return r.stderr();
    }

    @Test
    void maxSizeBoundsTheLogAndKeepsTheNewestLinesInOrder() throws Exception {
        ok("run", "--name", "bounded", "--log-opt", "max-size=2k", "--log-opt", "max-file=1", "busybox", "sh", "-c",
                "i=1; while [ $i -le 300 ]; do echo line-$i; i=$((i+1)); done");
        Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "bounded"));
        assertThat(Files.size(log)).isLessThanOrEqualTo(2048);
        List<String> lines = ok("logs", "bounded").lines().toList();
        assertThat(lines).isNotEmpty().last().isEqualTo("line-300");
        int first = Integer.parseInt(lines.get(0).substring("line-".length()));
        assertThat(first).isGreaterThan(1); // the oldest lines are gone
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo("line-" + (first + i));
        }
        assertThat(ok("inspect", "-f", "{{json .HostConfig.LogConfig}}", "bounded"))
                .contains("\"Type\":\"k8s-file\"").contains("\"max-size\":\"2k\"");
    }

    @Test
    void moreThanOneFileIsRefusedClearly() throws Exception {
        assertThat(fails("create", "--log-opt", "max-size=1m", "--log-opt", "max-file=2", "busybox"))
                .contains("max-file=2 is not supported");
        assertThat(fails("create", "--log-opt", "compress=true", "busybox")).contains("compress");
    }

    @Test
    void noneKeepsNoLogAndRefusesReadingIt() throws Exception {
        ok("run", "-d", "--name", "silent", "--log-driver", "none", "busybox", "sh", "-c", "echo hi; sleep 60");
        assertThat(ok("inspect", "-f", "{{.State.Running}} {{.HostConfig.LogConfig.Type}}", "silent"))
                .isEqualTo("true none");
        assertThat(fails("logs", "silent")).contains("configured logging driver does not support reading");
        assertThat(ok("inspect", "-f", "{{.State.Running}}", "silent")).isEqualTo("true");
    }

    @Test
    void jsonFileIsTheDefaultNameAndIsShownAsAsked() throws Exception {
        ok("run", "--name", "json", "--log-driver", "json-file", "--log-opt", "max-size=1m", "busybox", "echo",
                "hello");
        assertThat(ok("logs", "json")).isEqualTo("hello");
        assertThat(ok("inspect", "-f", "{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "
                + "\"max-size\"}}", "json")).isEqualTo("json-file 1m");
    }

    @Test
    void otherDriversAreRefused() throws Exception {
        assertThat(fails("create", "--log-driver", "journald", "busybox")).contains("journald")
                .contains("not supported");
        assertThat(fails("create", "--log-driver", "syslog", "busybox")).contains("syslog");
        HttpResponse<String> libpod = daemon.send(HttpRequest.newBuilder(
                daemon.uri("/v4.0.0/libpod/containers/create")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"busybox\", \"log_configuration\": "
                        + "{\"driver\": \"journald\"}}")).build());
        assertThat(libpod.statusCode()).isEqualTo(400);
        assertThat(libpod.body()).contains("journald");
    }
}
