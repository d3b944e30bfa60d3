package io.jpod.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live stats of real containers, checked against their cgroup files read directly, through the
 * Docker and libpod APIs and the docker and podman CLIs. One daemon, one busybox image and one
 * busy-looping container for the class.
 */
class StatsIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;
    static String busyId;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-stats");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
        busyId = ok("run", "-d", "--name", "busy", "busybox", "sh", "-c", "while :; do :; done");
    }

    @AfterAll
    static void stop() throws Exception {
        podman.run("pod", "rm", "-f", "statspod");
        docker.run("rm", "-f", "busy", "web", "idle");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = daemon.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The container's cgroup file, where runc put it for jpod's cgroupsPath (v1 hybrid here, or v2). */
    static long cgroupFile(String id, String v1Controller, String v1File, String v2File, String v2Key)
            throws Exception {
        Path v1 = Path.of("/sys/fs/cgroup", v1Controller, "jpod_parent", "jpod-" + id, v1File);
        if (Files.exists(v1)) {
            return Long.parseLong(Files.readString(v1).trim());
        }
        String text = Files.readString(Path.of("/sys/fs/cgroup/jpod_parent", "jpod-" + id, v2File)).trim();
        if (v2Key == null) {
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(v2Key + " ")) {
                return Long.parseLong(line.split(" ")[1]) * 1000; // usec
            }
        }
        throw new AssertionError(v2Key + " not in " + v2File);
    }

    static long cpuFile(String id) throws Exception {
        return cgroupFile(id, "cpuacct", "cpuacct.usage", "cpu.stat", "usage_usec");
    }

    static long hostMemory() throws Exception {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElseThrow();
    }

    @Test
    void aBusyLoopsCpuRisesAndTheNumbersAreTheCgroups() throws Exception {
        long before = cpuFile(busyId);
        JsonNode s = getJson("/v1.41/containers/busy/stats?stream=false");
        long after = cpuFile(busyId);
        long cpu = s.path("cpu_stats").path("cpu_usage").path("total_usage").asLong();
        long pre = s.path("precpu_stats").path("cpu_usage").path("total_usage").asLong();
        // two reads a second apart, both from the cgroup: the loop used CPU in between
        assertThat(pre).isGreaterThan(0).isLessThan(cpu);
        assertThat(cpu).isBetween(before, after);
        assertThat(cpu - pre).as("a busy loop keeps most of a CPU busy for a second").isGreaterThan(300_000_000L);
        assertThat(s.path("cpu_stats").path("system_cpu_usage").asLong())
                .isGreaterThan(s.path("precpu_stats").path("system_cpu_usage").asLong());
        long cpus = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
        assertThat(s.path("cpu_stats").path("online_cpus").asLong()).isEqualTo(cpus);
        if (Files.exists(Path.of("/sys/fs/cgroup/cpuacct"))) { // v2 keeps no per-CPU times
            assertThat(s.path("cpu_stats").path("cpu_usage").path("percpu_usage").size())
                    .isEqualTo((int) cpus);
        }
        assertThat(s.path("name").asString()).isEqualTo("/busy");
        assertThat(s.path("id").asString()).isEqualTo(busyId);
        assertThat(s.path("pids_stats").path("current").asLong()).isEqualTo(1);

        long usage = s.path("memory_stats").path("usage").asLong();
        long file = cgroupFile(busyId, "memory", "memory.usage_in_bytes", "memory.current", null);
        assertThat(usage).isPositive().isCloseTo(file, org.assertj.core.data.Offset.offset(1024L * 1024));
        // the cgroup's limit, or the host's memory when the cgroup has none (or a larger one)
        long limitFile = cgroupFile(busyId, "memory", "memory.limit_in_bytes", "memory.max", null);
        assertThat(s.path("memory_stats").path("limit").asLong()).isEqualTo(Math.min(limitFile, hostMemory()));
        assertThat(s.path("memory_stats").path("stats").isObject()).isTrue();
    }

    @Test
    void aStreamSendsASampleASecondEachAfterTheOneBefore() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(daemon.uri("/v1.41/containers/busy/stats"))
                .header("Authorization", daemon.bearer()).build();
        HttpClient client = HttpClient.newHttpClient();
        {
            HttpResponse<Stream<String>> r = client.send(req, HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                JsonNode first = JSON.readTree(it.next());
                JsonNode second = JSON.readTree(it.next());
                assertThat(first.path("preread").asString()).isEqualTo("0001-01-01T00:00:00Z");
                assertThat(second.path("preread").asString()).isEqualTo(first.path("read").asString());
                assertThat(second.path("precpu_stats")).isEqualTo(first.path("cpu_stats"));
                assertThat(second.path("cpu_stats").path("cpu_usage").path("total_usage").asLong())
                        .isGreaterThan(first.path("cpu_stats").path("cpu_usage").path("total_usage").asLong());
            }
        }
    }

    @Test
    void stoppedAndMissingContainers() throws Exception {
        ok("create", "--name", "idle", "busybox", "true");
        JsonNode s = getJson("/v1.41/containers/idle/stats?stream=false");
        assertThat(s.path("read").asString()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(s.path("memory_stats").isEmpty()).isTrue();
        assertThat(s.path("cpu_stats").path("cpu_usage").path("total_usage").asLong()).isZero();
        assertThat(s.path("name").asString()).isEqualTo("/idle");
        // podman answers a stopped container named in its stats with zeros too
        JsonNode libpod = getJson("/v4.3.1/libpod/containers/stats?stream=false&containers=idle");
        assertThat(libpod.path("Stats").get(0).path("Name").asString()).isEqualTo("idle");
        assertThat(libpod.path("Stats").get(0).path("CPUNano").asLong()).isZero();
        assertThat(daemon.get("/v4.3.1/libpod/containers/stats?stream=false&containers=nothing-here").statusCode())
                .isEqualTo(404);
        assertThat(daemon.get("/v4.3.1/libpod/pods/stats?namesOrIDs=nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> missing = daemon.get("/v1.41/containers/nothing-here/stats?stream=false");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"message\"");
        assertThat(daemon.get("/v1.41/containers/busy/stats?stream=true&one-shot=true").statusCode()).isEqualTo(400);
    }

    @Test
    void networkCountersGrowWithTraffic() throws Exception {
        ok("run", "-d", "--name", "web", "busybox", "sh", "-c",
                "mkdir /www && head -c 300000 /dev/zero > /www/big && exec httpd -f -p 8080 -h /www");
        String ip = ok("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "web");
        JsonNode before = getJson("/v1.41/containers/web/stats?stream=false&one-shot=true");
        assertThat(before.path("networks").isObject()).isTrue();
        String iface = before.path("networks").propertyNames().iterator().next();
        assertThat(iface).isNotEqualTo("lo");
        // httpd starts after the file is written: wget until it answers
        ok("run", "--rm", "busybox", "sh", "-c", "for i in $(seq 50); do wget -q -O /dev/null http://" + ip
                + ":8080/big && exit 0; sleep 0.2; done; exit 1");
        // the sampler serves one reading per 0.9 s to every client: ask until a newer one shows the traffic
        JsonNode after = getJson("/v1.41/containers/web/stats?stream=false&one-shot=true");
        for (int i = 0; i < 20 && after.path("read").asString().equals(before.path("read").asString()); i++) {
            Thread.sleep(250);
            after = getJson("/v1.41/containers/web/stats?stream=false&one-shot=true");
        }
        assertThat(after.path("networks").path(iface).path("tx_bytes").asLong()
                - before.path("networks").path(iface).path("tx_bytes").asLong()).isGreaterThanOrEqualTo(300_000);
        assertThat(after.path("networks").path(iface).path("rx_bytes").asLong())
                .isGreaterThan(before.path("networks").path(iface).path("rx_bytes").asLong());
        assertThat(after.path("networks").path(iface).path("tx_packets").asLong())
                .isGreaterThan(before.path("networks").path(iface).path("tx_packets").asLong());
    }

    @Test
    void dockerStatsNoStream() throws Exception {
        String out = ok("stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}", "busy");
        String[] f = out.split(" ");
        assertThat(f[0]).isEqualTo("busy");
        assertThat(Double.parseDouble(f[1].replace("%", ""))).as(out).isGreaterThan(20);
        assertThat(out).matches("busy [0-9.]+% [0-9.]+[KMG]?i?B / [0-9.]+[KMGT]iB 1");
    }

    @Test
    void podmanStatsAndPodStats() throws Exception {
        String out = podman.ok("stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDS}}",
                "busy");
        assertThat(out).as(out).matches("busy [0-9.]+% [0-9.]+[kMG]?B / [0-9.]+[kMGT]B 1");

        podman.ok("pod", "create", "--name", "statspod");
        podman.ok("run", "-d", "--pod", "statspod", "--name", "inpod", "busybox", "sleep", "300");
        JsonNode report = getJson("/v4.3.1/libpod/pods/stats?namesOrIDs=statspod");
        List<String> names = new ArrayList<>();
        report.forEach(r -> names.add(r.path("Name").asString()));
        assertThat(names).contains("inpod");
        JsonNode inpod = null;
        for (JsonNode r : report) {
            if (r.path("Name").asString().equals("inpod")) {
                inpod = r;
            }
        }
        assertThat(inpod.path("PIDS").asString()).isEqualTo("1");
        assertThat(inpod.path("CPU").asString()).matches("[0-9.]+%");
        assertThat(inpod.path("MemUsage").asString()).matches("[0-9.]+[kMG]?B / [0-9.]+[kMGT]B");
        assertThat(podman.ok("pod", "stats", "--no-stream", "--format", "{{.Name}} {{.PIDS}}", "statspod"))
                .contains("inpod 1");

        JsonNode libpod = getJson("/v4.3.1/libpod/containers/stats?stream=false&containers=busy");
        assertThat(libpod.has("Error")).isTrue();
        assertThat(libpod.path("Error").isNull()).isTrue();
        JsonNode busy = libpod.path("Stats").get(0);
        assertThat(busy.path("Name").asString()).isEqualTo("busy");
        assertThat(busy.path("CPUNano").asLong()).isPositive();
        assertThat(busy.path("MemLimit").asLong()).isPositive();
        assertThat(busy.path("PIDs").asLong()).isEqualTo(1);
    }
}
