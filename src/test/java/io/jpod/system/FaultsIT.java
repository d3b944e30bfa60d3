package io.jpod.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import io.jpod.testing.TestDaemon;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faults under one running daemon, each answered with a clear JSON error (never a stack trace), state
 * left consistent, and the daemon still serving what it can: the disk filling up during a pull, a build
 * and a container write (the graph root is a 48 MB tmpfs); a read-only state directory; the database
 * locked by another process; the runtime binary removed after start; conmon killed under a running
 * container; a second daemon started on the same roots (in this JVM and in another process).
 */
class FaultsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;
    static Path graphRoot;
    static Path stateDir;
    static Path runc;
    static LocalRegistry reg;
    static String big;
    static String busybox;
    static TestDaemon daemon;
    static Map<String, Object> props;
    static final List<String> faults = new ArrayList<>();
    static long readsUnderLock;
    static long writeRefusedAfter;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-faults");
        graphRoot = root.resolve("storage");
        stateDir = root.resolve("state");
        Files.createDirectories(graphRoot);
        Files.createDirectories(stateDir);
        sh("mount", "-t", "tmpfs", "-o", "size=48m", "jpod-faults", graphRoot.toString());
        runc = root.resolve("bin/runc");
        Files.createDirectories(runc.getParent());
        Files.copy(Path.of("/usr/sbin/runc").toRealPath(), runc, StandardCopyOption.COPY_ATTRIBUTES);

        reg = LocalRegistry.plain();
        busybox = RegistrySeed.pushBusybox(reg, "busybox:latest", RegistrySeed.Format.V2S2).reference();
        big = RegistrySeed.pushBig(reg, "big:latest").reference();
        Path conf = root.resolve("etc/containers/registries.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "[[registry]]\nlocation = \"" + reg.host() + "\"\ninsecure = true\n");
        Files.createDirectories(root.resolve("docker-config"));

        props = TestDaemon.isolated(root);
        props.put("libpod.static-dir", stateDir.toString());
        props.put("libpod.runtime", runc.toString());
        props.put("jpod.state.busy-timeout", "2s");
        daemon = TestDaemon.start(props);
        ok("pull", busybox);
        ok("tag", busybox, "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("FaultsIT: " + faults.size() + " faults covered " + faults);
        if (daemon != null) {
            docker("rm", "-f", "-a");
            try {
                daemon.close();
            } catch (RuntimeException e) {
                // the mounts still go
            }
        }
        if (reg != null) {
            reg.close();
        }
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream().map(l -> l.split(" ")[1])
                .filter(m -> m.startsWith(root.toString())).sorted(java.util.Comparator.reverseOrder()).toList();
        for (String m : mounts) {
            ProcessRunner.run(List.of("umount", "-l", m), Duration.ofSeconds(20));
        }
        FileSystemUtils.deleteRecursively(root);
    }

    // ---- disk full -----------------------------------------------------------------------------------------

    @Test
    void aPullThatFillsTheDiskFailsClearlyAndLeavesNoPartialImage() throws Exception {
        long before = usedBytes();
        HttpResponse<String> r = post("/images/create?fromImage=" + enc(big.replace(":latest", "")) + "&tag=latest");
        String error = streamError(r);
        assertThat(error).as("pull of a 100 MB image into 48 MB: %s", r.body()).isNotNull()
                .containsIgnoringCase("no space left on device");
        assertThat(error).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(daemon.get("/images/" + big + "/json").statusCode()).isEqualTo(404);
        awaitTrue("the failed pull's space is given back", () -> usedBytes() <= before + (2 << 20));
        assertThat(tmpEntries()).as("storage/tmp").isEmpty();
        // the store still works once there is space
        ok("rmi", busybox);
        ok("pull", busybox);
        ok("tag", busybox, "busybox");
        assertThat(ok("run", "--rm", "busybox", "echo", "works")).isEqualTo("works");
        faults.add("disk full during a pull");
    }

    @Test
    void aBuildThatFillsTheDiskFailsClearlyAndLeavesNothingBehind() throws Exception {
        long before = usedBytes();
        int containers = containerCount();
        Path ctx = root.resolve("build-ctx");
        Files.createDirectories(ctx);
        Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox\nRUN dd if=/dev/zero of=/fill bs=1M count=80\n");
        // --force-rm: without it Docker (and jpod) keep a failed step's container for a look inside
        ProcessRunner.Result b = dockerEnv(Map.of("DOCKER_BUILDKIT", "0"), "build", "--force-rm", "-t", "filler",
                ctx.toString());
        assertThat(b.exitCode()).as(b.stdout()).isNotZero();
        // dd's own "No space left on device" went to the step's log, on the full disk too: the step's code remains
        assertThat(b.stdout() + b.stderr()).contains("returned a non-zero code: 1").doesNotContain("Exception");
        assertThat(daemon.get("/images/filler/json").statusCode()).isEqualTo(404);
        assertThat(containerCount()).as("the build's container is gone").isEqualTo(containers);
        awaitTrue("the failed build's space is given back", () -> usedBytes() <= before + (2 << 20));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox\nRUN echo small > /small\n");
        b = dockerEnv(Map.of("DOCKER_BUILDKIT", "0"), "build", "-t", "small", ctx.toString());
        assertThat(b.exitCode()).as(b.stdout() + b.stderr()).isZero();
        ok("rmi", "small");
        faults.add("disk full during a build");
    }

    @Test
    void aContainerFillingTheDiskGetsEnospcInsideAndTheDaemonSurvives() throws Exception {
        long before = usedBytes();
        // the container's log lives on the same full disk: the exit code tells what dd met
        ProcessRunner.Result r = docker("run", "--name", "filler", "busybox", "sh", "-c",
                "dd if=/dev/zero of=/fill bs=1M count=80 2>/dev/null || exit 42");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(42);
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "filler")).isEqualTo("exited 42");
        // full disk, and the daemon still serves
        assertThat(daemon.get("/_ping").statusCode()).isEqualTo(200);
        assertThat(ok("ps", "-a", "--format", "{{.Names}}")).contains("filler");
        HttpResponse<String> create = send("POST", "/containers/create?name=no-room",
                "{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}");
        if (create.statusCode() >= 300) { // a create may or may not find room for its files: if not, clearly
            assertThat(message(create)).containsIgnoringCase("no space left on device");
            assertThat(daemon.get("/containers/no-room/json").statusCode()).as("no half-created container")
                    .isEqualTo(404);
        } else {
            ok("rm", "no-room");
        }
        ok("rm", "filler");
        awaitTrue("the container's writes are given back", () -> usedBytes() <= before + (2 << 20));
        assertThat(ok("run", "--rm", "busybox", "echo", "works")).isEqualTo("works");
        faults.add("disk full from a container's write");
    }

    // ---- the runtime binary removed ------------------------------------------------------------------------

    @Test
    void aRemovedRuntimeBinaryFailsCreateAndStartClearlyButListInspectAndRmWork() throws Exception {
        ok("run", "-d", "--name", "rt-running", "busybox", "sleep", "1000");
        ok("run", "--name", "rt-exited", "busybox", "sh", "-c", "exit 0");
        ok("create", "--name", "rt-created", "busybox", "sh", "-c", "exit 0");
        Path away = root.resolve("runc.away");
        Files.move(runc, away);
        try {
            ProcessRunner.Result create = docker("run", "-d", "--name", "rt-new", "busybox", "sh", "-c", "exit 0");
            assertThat(create.exitCode()).isNotZero();
            assertThat(create.stderr()).contains(runc.toString()).doesNotContain("Exception");
            HttpResponse<String> start = post("/containers/rt-created/start");
            assertThat(start.statusCode()).isEqualTo(503);
            assertThat(message(start)).contains(runc.toString());
            assertThat(daemon.get("/actuator/health/readiness").statusCode()).isEqualTo(503);

            assertThat(ok("ps", "-a", "--format", "{{.Names}}").lines().toList())
                    .contains("rt-running", "rt-exited", "rt-created");
            assertThat(ok("inspect", "--format", "{{.State.Status}}", "rt-running")).isEqualTo("running");
            assertThat(ok("inspect", "--format", "{{.State.Status}}", "rt-exited")).isEqualTo("exited");
            ok("rm", "rt-exited");
            ok("rm", "rt-created");
            ok("rm", "rt-new"); // created by the run above, which then could not start it
        } finally {
            Files.move(away, runc);
        }
        assertThat(daemon.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        ok("rm", "-f", "rt-running");
        assertThat(ok("ps", "-a", "--format", "{{.Names}}")).doesNotContain("rt-");
        faults.add("runtime binary removed after start");
    }

    // ---- conmon killed -------------------------------------------------------------------------------------

    @Test
    void conmonKilledUnderARunningContainerLeavesItExitedWithoutOrphans() throws Exception {
        String id = ok("run", "-d", "--name", "orphaned", "busybox", "sleep", "1000");
        JsonNode state = json(daemon.get("/v4.3.1/libpod/containers/orphaned/json")).path("State");
        long conmonPid = state.path("ConmonPid").asLong();
        long pid = state.path("Pid").asLong();
        assertThat(conmonPid).isPositive();
        ProcessHandle.of(conmonPid).orElseThrow().destroyForcibly();
        awaitTrue("conmon is gone", () -> ProcessHandle.of(conmonPid).isEmpty());

        awaitTrue("the container is seen exited", () -> {
            try {
                return ok("inspect", "--format", "{{.State.Status}}", "orphaned").equals("exited");
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode after = json(daemon.get("/v4.3.1/libpod/containers/orphaned/json")).path("State");
        assertThat(after.path("ExitCode").asInt()).isEqualTo(-1);
        assertThat(after.path("Error").asString()).contains("conmon");
        awaitTrue("the container's process is gone too", () -> ProcessHandle.of(pid).isEmpty());
        ProcessRunner.Result list = ProcessRunner.run(List.of("runc", "--root",
                root.resolve("run/libpod/oci/runc").toString(), "list", "-q"), Duration.ofSeconds(10));
        assertThat(list.stdout()).doesNotContain(id);
        ok("rm", "orphaned");
        faults.add("conmon killed under a running container");
    }

    // ---- database locked -----------------------------------------------------------------------------------

    @Test
    void aDatabaseLockedByAnotherProcessMakesWritesWaitThenFailClearly() throws Exception {
        ok("create", "--name", "db-before", "busybox", "true");
        int locksFree = daemon.locks().available().orElseThrow();
        Process sqlite = new ProcessBuilder("sqlite3", stateDir.resolve("jpod.db").toString())
                .redirectErrorStream(true).start();
        try (OutputStream in = sqlite.getOutputStream()) {
            in.write("PRAGMA busy_timeout=5000;\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(sqlite.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("locked")) {
                // the PRAGMA's answer first
            }
            assertThat(line).as("sqlite3 holds the database").contains("locked");

            long t0 = System.nanoTime();
            HttpResponse<String> create = send("POST", "/containers/create?name=db-during",
                    "{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
            assertThat(message(create)).contains("locked").contains("jpod.db").doesNotContain("\tat ");
            assertThat(waited).as("waited for the busy timeout").isGreaterThanOrEqualTo(1500);
            // in WAL mode a reader takes no write lock: reads are served at once, not after the busy timeout
            long r0 = System.nanoTime();
            assertThat(ok("ps", "-a", "--format", "{{.Names}}")).contains("db-before").doesNotContain("db-during");
            assertThat(ok("inspect", "--format", "{{.State.Status}}", "db-before")).isEqualTo("created");
            assertThat(daemon.get("/info").statusCode()).isEqualTo(200);
            long read = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0);
            assertThat(read).as("three reads while the database is locked").isLessThan(1500);
            readsUnderLock = read;
            writeRefusedAfter = waited;

            in.write("ROLLBACK;\n.quit\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        } finally {
            sqlite.waitFor(10, TimeUnit.SECONDS);
            sqlite.destroyForcibly();
        }
        assertThat(daemon.get("/containers/db-during/json").statusCode()).isEqualTo(404);
        assertThat(daemon.locks().available().orElseThrow()).as("the refused create's lock is free").isEqualTo(locksFree);
        ok("create", "--name", "db-after", "busybox", "true");
        ok("rm", "db-before", "db-after");
        ProcessRunner.Result check = ProcessRunner.run(List.of("sqlite3", stateDir.resolve("jpod.db").toString(),
                "PRAGMA integrity_check;"), Duration.ofSeconds(20));
        assertThat(check.stdout().strip()).isEqualTo("ok");
        faults.add("database locked by another process (writes refused after " + writeRefusedAfter + " ms, ps+inspect+info "
                + "served in " + readsUnderLock + " ms)");
    }

    // ---- read-only state directory --------------------------------------------------------------------------

    /**
     * The state directory becomes read-only under the daemon (a read-only bind mount over it). SQLite
     * connections opened before keep writing through their descriptors to the file system under the
     * mount, so the daemon's are renewed first, as after any connection loss: they then open through it.
     * Afterwards nothing of the test renews them: the daemon has to find out by itself that it may write again.
     */
    @Test
    void aReadOnlyStateDirectoryRefusesWritesClearlyServesReadsAndRecoversByItself() throws Exception {
        ok("run", "-d", "--name", "ro-running", "busybox", "sh", "-c", "echo hello from ro-running; sleep 1000");
        long pid = json(daemon.get("/containers/ro-running/json")).path("State").path("Pid").asLong();
        String before = ok("create", "--name", "ro-before", "busybox", "sh", "-c", "exit 0");
        String host = ok("create", "--name", "ro-host", "--network", "host", "busybox", "sh", "-c", "exit 0");
        var traces = io.jpod.testing.HostTraces.of(props, runc.toString());
        List<String> storageBefore = containerDirs();
        int locksFree = daemon.locks().available().orElseThrow();
        Path db = stateDir.resolve("jpod.db");
        sh("mount", "--bind", stateDir.toString(), stateDir.toString());
        try {
            sh("mount", "-o", "remount,bind,ro", stateDir.toString());
            daemon.bean(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();

            HttpResponse<String> create = send("POST", "/containers/create?name=ro-during",
                    "{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}");
            assertThat(create.statusCode()).as(create.body()).isEqualTo(503);
            assertThat(message(create)).contains("read-only").contains(db.toString());
            HttpResponse<String> rm = send("DELETE", "/containers/ro-before", null);
            assertThat(rm.statusCode()).as(rm.body()).isEqualTo(503);
            assertThat(message(rm)).contains("read-only").contains(db.toString());
            HttpResponse<String> start = post("/containers/ro-before/start");
            assertThat(start.statusCode()).as(start.body()).isEqualTo(503);
            assertThat(message(start)).contains("read-only").contains(db.toString());
            // its network is set up and recorded first: that record fails, and the network goes again
            assertThat(traces.leftovers(before).stream().filter(l -> !l.startsWith("file ")))
                    .as("the refused start set nothing up").isEmpty();
            // no network: the first record is the runtime's created container, which goes again
            HttpResponse<String> startHost = post("/containers/ro-host/start");
            assertThat(startHost.statusCode()).as(startHost.body()).isEqualTo(503);
            assertThat(traces.leftovers(host).stream().filter(l -> !l.startsWith("file ")))
                    .as("the refused start of a host-network container set nothing up").isEmpty();

            // what does not write goes on
            assertThat(ok("ps", "-a", "--format", "{{.Names}}").lines().toList())
                    .contains("ro-before", "ro-host", "ro-running")
                    .doesNotContain("ro-during");
            assertThat(ok("inspect", "--format", "{{.State.Status}}", "ro-before")).isEqualTo("created");
            assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "ro-running"))
                    .isEqualTo("running " + pid);
            assertThat(ok("logs", "ro-running")).contains("hello from ro-running");
            assertThat(daemon.get("/_ping").statusCode()).isEqualTo(200);
            assertThat(daemon.get("/info").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = daemon.get("/actuator/health/readiness");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains(db + " cannot be written");
        } finally {
            // lazily: the connections opened through it hold it until they go
            sh("umount", "-l", stateDir.toString());
        }
        assertThat(containerDirs()).as("no storage left by the refused create").isEqualTo(storageBefore);
        assertThat(daemon.locks().available().orElseThrow()).as("the refused create's lock is free").isEqualTo(locksFree);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the running container still runs")
                .contains(true);
        assertThat(daemon.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        // writable again: writes work with no restart and no help
        ok("start", "ro-before");
        ok("start", "ro-host");
        ok("rm", "ro-before", "ro-host");
        ok("create", "--name", "ro-after", "busybox", "true");
        ok("rm", "ro-after");
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "ro-running")).isEqualTo("running " + pid);
        ok("rm", "-f", "ro-running");
        ProcessRunner.Result check = ProcessRunner.run(List.of("sqlite3", db.toString(), "PRAGMA integrity_check;"),
                Duration.ofSeconds(20));
        assertThat(check.stdout().strip()).isEqualTo("ok");
        faults.add("read-only state directory");
    }

    static List<String> containerDirs() throws IOException {
        Path dir = graphRoot.resolve("containers");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- two daemons on the same roots ---------------------------------------------------------------------

    @Test
    void aSecondDaemonOnTheSameRootsRefusesAtStartInThisProcessAndInAnother() throws Exception {
        ok("create", "--name", "first-daemon", "busybox", "sh", "-c", "exit 0");
        String self = Long.toString(ProcessHandle.current().pid());

        Throwable inJvm = null;
        // its own socket: the socket's own check would refuse first, and the roots are what is tested here
        Map<String, Object> secondProps = new java.util.LinkedHashMap<>(props);
        secondProps.put("jpod.api.socket", root.resolve("run/second.sock").toString());
        try (TestDaemon second = TestDaemon.start(secondProps)) {
            // started: the assertion below fails
        } catch (RuntimeException e) {
            inJvm = e;
        }
        assertThat(inJvm).as("a second daemon in this JVM").isNotNull();
        assertThat(rootCause(inJvm)).contains("another jpod daemon (pid " + self)
                .contains(stateDir.resolve("jpod.lock").toString());

        // roots of its own but the first one's tmp dir, whose runtime entries and conmons its start-up sweep would take
        Path own = Files.createTempDirectory("jpod-faults-own");
        Map<String, Object> sharedTmp = TestDaemon.isolated(own);
        sharedTmp.put("libpod.tmp-dir", props.get("libpod.tmp-dir"));
        Throwable tmpShared = null;
        try (TestDaemon third = TestDaemon.start(sharedTmp)) {
            // started: the assertion below fails
        } catch (RuntimeException e) {
            tmpShared = e;
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(own);
        }
        assertThat(tmpShared).as("a daemon sharing only the tmp dir").isNotNull();
        assertThat(rootCause(tmpShared)).contains("another jpod daemon (pid " + self)
                .contains(Path.of(props.get("libpod.tmp-dir").toString()).resolve("jpod.lock").toString());
        ok("start", "first-daemon"); // the first daemon's containers still run after both refusals

        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.jpod.testing.DaemonProcessMain", root.toString()));
        props.forEach((k, v) -> {
            if (k.startsWith("libpod.static-dir") || k.equals("libpod.runtime")) {
                argv.add(k + "=" + v);
            }
        });
        argv.add("jpod.api.socket=" + root.resolve("run/third.sock"));
        ProcessRunner.Result other = ProcessRunner.run(argv, Duration.ofSeconds(90));
        assertThat(other.exitCode()).as(other.stdout() + other.stderr()).isEqualTo(3);
        assertThat(other.stdout()).contains("FAILED: another jpod daemon (pid " + self)
                .contains(stateDir.resolve("jpod.lock").toString());

        // the first daemon never noticed: its socket, its state
        assertThat(ok("ps", "-a", "--format", "{{.Names}}")).contains("first-daemon");
        ok("start", "first-daemon");
        ok("rm", "first-daemon");
        faults.add("a second daemon on the same roots");
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static long usedBytes() {
        try {
            var store = Files.getFileStore(graphRoot);
            return store.getTotalSpace() - store.getUnallocatedSpace();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Path> tmpEntries() {
        try (Stream<Path> s = Files.list(graphRoot.resolve("tmp"))) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static int containerCount() throws Exception {
        return json(daemon.get("/containers/json?all=true")).size();
    }

    static void sh(String... argv) throws IOException {
        ProcessRunner.Result r = ProcessRunner.run(List.of(argv), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(String.join(" ", argv) + ": " + r.stderr()).isZero();
    }

    static ProcessRunner.Result docker(String... args) throws IOException {
        return dockerEnv(Map.of(), args);
    }

    static ProcessRunner.Result dockerEnv(Map<String, String> env, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", daemon.dockerHost()));
        argv.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("DOCKER_CONFIG", root.resolve("docker-config").toString());
        return ProcessRunner.run(argv, all, Duration.ofSeconds(120));
    }

    static String ok(String... args) throws IOException {
        ProcessRunner.Result r = docker(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return r.stdout().strip();
    }

    static HttpResponse<String> post(String path) throws Exception {
        return send("POST", path, null);
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(daemon.uri(path)).timeout(Duration.ofSeconds(120));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return daemon.send(b.build());
    }

    static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isLessThan(300);
        return JSON.readTree(r.body());
    }

    /** The JSON error's message; fails on a body that is not a JSON object with one. */
    static String message(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("json");
        String m = JSON.readTree(r.body()).path("message").asString(null);
        assertThat(m).as(r.body()).isNotNull().doesNotContain("\tat ");
        return m;
    }

    /** The error a streamed answer (a pull's progress lines) ends with, or its JSON message when not 200. */
    static String streamError(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return message(r);
        }
        String error = null;
        for (String l : r.body().split("\n")) {
            if (!l.isBlank()) {
                JsonNode n = JSON.readTree(l);
                if (n.has("error")) {
                    error = n.path("error").asString();
                }
            }
        }
        return error;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void awaitTrue(String what, BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            Thread.sleep(100);
        }
    }

    static void writeAll(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
