package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code --log-driver} and {@code --log-opt} through the docker CLI and the libpod API; one daemon for the class. */
class LogOptionsIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-logs");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), ""); // keeps the host's out of the podman client
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "bounded", "silent", "json", "rotated", "followed", "restarted");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static String fails(String... args) throws Exception {
        return docker.fails(args).stderr();
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
    void severalFilesNeedASizeAndOtherOptionsAreRefused() throws Exception {
        assertThat(fails("create", "--log-opt", "max-file=2", "busybox")).contains("max-file=2 needs max-size");
        assertThat(fails("create", "--log-opt", "compress=true", "busybox")).contains("compress");
    }

    /** The files of a container's log: {@code ctr.log} and {@code ctr.log.<n>}, by name. */
    static List<String> logFiles(Path log) throws Exception {
        try (var s = Files.list(log.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("ctr\\.log(\\.\\d+)?"))
                    .sorted().toList();
        }
    }

    /** Asserts the lines are {@code prefix<first>} to {@code prefix<last>} with none missing or repeated. */
    static int consecutive(List<String> lines, String prefix, int last) {
        assertThat(lines).isNotEmpty().last().isEqualTo(prefix + last);
        int first = Integer.parseInt(lines.get(0).substring(prefix.length()));
        List<String> expected = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            expected.add(prefix + i);
        }
        assertThat(lines).isEqualTo(expected);
        return first;
    }

    @Test
    void maxFileKeepsTheNewestFilesAndLogsReadAcrossThem() throws Exception {
        ok("run", "--name", "rotated", "--log-opt", "max-size=8k", "--log-opt", "max-file=3", "busybox", "sh", "-c",
                // a short pause every 50 lines (a file holds about 150): the engine must see each swap
                // before conmon fills the next file, which an unpaced loop on a loaded machine outruns
                "i=1; while [ $i -le 2000 ]; do echo line-$i; [ $((i % 50)) -eq 0 ] && sleep 0.02; i=$((i+1)); done");
        Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "rotated"));
        assertThat(logFiles(log)).containsExactly("ctr.log", "ctr.log.1", "ctr.log.2");
        for (String f : logFiles(log)) {
            assertThat(Files.size(log.resolveSibling(f))).as(f).isLessThanOrEqualTo(8192);
        }
        List<String> all = ok("logs", "rotated").lines().toList();
        if (!all.get(0).startsWith("line-")) {
            all = all.subList(1, all.size()); // the end of a line whose start was in a dropped file
        }
        int first = consecutive(all, "line-", 2000);
        assertThat(first).isGreaterThan(1000); // the oldest files are gone
        long records = 0;
        for (String f : logFiles(log)) {
            // a line conmon read in two pieces is a P record and an F record
            records += Files.readAllLines(log.resolveSibling(f)).stream().filter(r -> r.split(" ")[2].equals("F"))
                    .count();
        }
        assertThat(all.size()).as("every line of the three files, once").isBetween((int) records - 1, (int) records);
        List<String> last200 = all.subList(all.size() - 200, all.size());
        assertThat(ok("logs", "--tail", "200", "rotated").lines().toList()).isEqualTo(last200);
        assertThat(podman.ok("logs", "--tail", "200", "rotated").lines().toList()).isEqualTo(last200);
        assertThat(ok("inspect", "-f", "{{json .HostConfig.LogConfig.Config}}", "rotated"))
                .isEqualTo("{\"max-file\":\"3\",\"max-size\":\"8k\"}");
        ok("rm", "rotated");
        assertThat(log.getParent()).doesNotExist();
    }

    /**
     * A container that writes ten lines {@code <name>-<n>-<i>} (about 500 bytes of log) each time
     * the test creates {@code /ctl/<n>}, for n = 1 to {@code bursts}: rotations happen when the
     * test says, one at most per burst with a max-size of 1k.
     */
    static Path paced(String name, int maxFile, int bursts) throws Exception {
        Path ctl = Files.createDirectories(root.resolve("ctl-" + name));
        ok("run", "-d", "--name", name, "-v", ctl + ":/ctl", "--log-opt", "max-size=1k", "--log-opt",
                "max-file=" + maxFile, "busybox", "sh", "-c", "n=1; while [ $n -le " + bursts + " ]; do "
                + "while [ ! -e /ctl/$n ]; do sleep 0.02; done; i=1; while [ $i -le 10 ]; do "
                + "echo " + name + "-$((n * 10 + i)); i=$((i+1)); done; n=$((n+1)); done");
        return ctl;
    }

    /** Lets the paced container write burst {@code n}, and gives the engine time to take a rotation in. */
    static void burst(Path ctl, int n) throws Exception {
        Files.createFile(ctl.resolve(Integer.toString(n)));
        Thread.sleep(250);
    }

    @Test
    void aFollowStartedBeforeRotationsSeesEveryLineAfterThem() throws Exception {
        Path ctl = paced("followed", 2, 8);
        ProcessBuilder pb = new ProcessBuilder("docker", "-H", daemon.dockerHost(), "logs", "-f", "followed")
                .redirectErrorStream(true);
        pb.environment().put("DOCKER_CONFIG", root.resolve("docker-config").toString());
        Process follow = pb.start();
        Thread.sleep(1000); // following, before the first line
        for (int n = 1; n <= 8; n++) {
            burst(ctl, n);
        }
        assertThat(follow.waitFor(30, TimeUnit.SECONDS)).as("logs -f ends with the container").isTrue();
        List<String> seen = new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(consecutive(seen, "followed-", 90)).isEqualTo(11); // every line, once
        Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "followed"));
        assertThat(logFiles(log)).containsExactly("ctr.log", "ctr.log.1");
        assertThat(consecutive(ok("logs", "followed").lines().toList(), "followed-", 90))
                .as("the first lines were rotated out while it followed").isGreaterThan(11);
    }

    @Test
    void rotationGoesOnAfterADaemonRestart() throws Exception {
        Path ctl = paced("restarted", 3, 10);
        for (int n = 1; n <= 3; n++) {
            burst(ctl, n);
        }
        daemon.close(); // the container and its conmon keep running
        burst(ctl, 4); // at most one rotation while no daemon watches
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        for (int n = 5; n <= 10; n++) {
            burst(ctl, n); // three rotations or so, with nobody reading the log in between
        }
        assertThat(ok("wait", "restarted")).isEqualTo("0");
        Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "restarted"));
        assertThat(logFiles(log)).containsExactly("ctr.log", "ctr.log.1", "ctr.log.2");
        assertThat(consecutive(ok("logs", "restarted").lines().toList(), "restarted-", 110))
                .isGreaterThan(11).isLessThan(80);
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
