package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jpod.testing.HostTraces;
import io.jpod.testing.RecordingClient;
import io.jpod.testing.RecordingClient.Exchange;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import io.jpod.testing.ThreadDump;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many clients at once on one shared set of real containers, through the Docker and libpod APIs:
 * 16 clients × 25 random lifecycle operations on 10 containers, half of which exit by themselves
 * soon after each start while the others run until signalled. No answer may be a 5xx, the run must
 * end within its bound (else the threads of this JVM, the daemon's, are printed), and afterwards
 * every container's state must agree with runc and conmon, and nothing of a removed container may
 * be left on the host. The seed is printed; {@code -Djpod.races.seed=<seed>} replays the same
 * choices (their interleaving differs from run to run).
 */
class ContainerRacesIT {

    static final int CONTAINERS = 10;
    static final int CLIENTS = Integer.getInteger("jpod.races.clients", 16);
    static final int OPERATIONS = Integer.getInteger("jpod.races.operations", 25);
    static final Duration RUN_BOUND = Duration.ofSeconds(150);
    static final Duration CALL_BOUND = Duration.ofSeconds(60);
    static final Duration WAIT_BOUND = Duration.ofSeconds(2);
    static final Duration SETTLE_BOUND = Duration.ofSeconds(20);
    /** Docker's and podman's answers to a request that does not fit the container's state, name or existence. */
    static final Set<Integer> FINE = Set.of(304, 404, 409, RecordingClient.GAVE_UP);
    static final String NO_TIME = "0001-01-01T00:00:00Z";

    enum Op { CREATE, START, STOP, RESTART, KILL, REMOVE, PAUSE, UNPAUSE, EXEC, WAIT, RENAME, INSPECT }

    @TempDir
    Path root;

    final long seed = Long.getLong("jpod.races.seed", new SecureRandom().nextLong());
    final JsonMapper json = JsonMapper.builder().build();
    /** Each slot's current container ID: a removal re-creates the slot's container under its name. */
    final AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(CONTAINERS);
    final Set<String> everCreated = ConcurrentHashMap.newKeySet();
    /** What went wrong, by kind, in the order found. */
    final Map<String, List<String>> findings = new LinkedHashMap<>();

    TestDaemon daemon;
    RecordingClient api;
    HostTraces host;

    @BeforeEach
    void start() throws Exception {
        Map<String, Object> properties = TestDaemon.isolated(root);
        daemon = TestDaemon.start(properties);
        api = new RecordingClient(daemon, CALL_BOUND);
        assertThat(daemon.send(HttpRequest.newBuilder(daemon.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build()).statusCode())
                .isEqualTo(200);
        String runc = json.readTree(daemon.get("/libpod/info").body()).path("host").path("ociRuntime").path("path")
                .asString();
        assertThat(runc).as("the daemon's OCI runtime").endsWith("runc");
        host = HostTraces.of(properties, runc);
    }

    @AfterEach
    void stop() {
        if (daemon == null) {
            return;
        }
        // best effort, bounded: a daemon that hangs must not hang the build too
        RecordingClient cleanup = new RecordingClient(daemon, Duration.ofSeconds(20));
        ids(cleanup).forEach(id -> cleanup.delete("/containers/" + id + "?force=true"));
        daemon.close();
        // what the daemon failed to remove must not outlive the test on a shared machine
        if (host != null) {
            host.sweep(everCreated);
        }
    }

    @Test
    void concurrentLifecycleOperationsAnswerNo5xxAndLeaveStateThatMatchesTheHost() throws Exception {
        System.out.println("ContainerRacesIT: seed " + seed + " (replay with -Djpod.races.seed=" + seed + "), "
                + CLIENTS + " clients x " + OPERATIONS + " operations on " + CONTAINERS + " containers");
        for (int slot = 0; slot < CONTAINERS; slot++) {
            String id = create(slot, false);
            assertThat(id).as("creating container " + slot).isNotNull();
            assertThat(api.post("/containers/" + id + "/start").status()).as("starting " + id).isEqualTo(204);
        }
        long t0 = System.nanoTime();
        runClients(new Random(seed).nextLong());
        long t1 = System.nanoTime();
        record("state that does not match runc and conmon (after waiting up to " + SETTLE_BOUND.toSeconds()
                + " s for it to settle)", settledMismatches());
        long t2 = System.nanoTime();
        List<String> remaining = removeAll();
        record("traces of removed containers on the host", leftovers(remaining));
        long t3 = System.nanoTime();
        record("5xx answers", api.matching(e -> e.status() >= 500).stream().map(Exchange::toString).toList());
        record("requests without an answer within " + CALL_BOUND.toSeconds() + " s",
                api.matching(e -> e.status() == RecordingClient.NO_ANSWER).stream().map(Exchange::toString).toList());
        record("other answers than 2xx, 304, 404 and 409", api.outside(FINE).stream()
                .filter(e -> e.status() < 500 && e.status() != RecordingClient.NO_ANSWER).map(Exchange::toString)
                .toList());
        System.out.println("ContainerRacesIT: seed " + seed + ": " + api.count() + " requests, " + everCreated.size()
                + " containers; clients " + millis(t0, t1) + " ms, settling " + millis(t1, t2) + " ms, removal "
                + millis(t2, t3) + " ms; statuses " + api.statusCounts() + " (" + RecordingClient.GAVE_UP
                + ": waits given up after " + WAIT_BOUND.toSeconds() + " s)");
        if (!findings.isEmpty()) {
            StringBuilder report = new StringBuilder("seed " + seed + " (replay with -Djpod.races.seed=" + seed + ")");
            findings.forEach((kind, lines) -> report.append("\n").append(lines.size()).append(" ").append(kind)
                    .append(":\n  ").append(String.join("\n  ", lines)));
            fail(report.toString());
        }
    }

    static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    // ---- the clients ---------------------------------------------------------------------------

    /** All clients at once; fails with every thread's stack when they do not finish within the bound. */
    void runClients(long clientSeed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Random rnd = new Random(clientSeed + i);
            clients.add(pool.submit(() -> {
                for (int n = 0; n < OPERATIONS; n++) {
                    operate(rnd);
                }
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            String threads = ThreadDump.ofThisJvm();
            pool.shutdownNow();
            fail("seed " + seed + ": the clients did not finish within " + RUN_BOUND.toSeconds()
                    + " s (a deadlock?); the threads of this JVM, the daemon's:\n" + threads);
        }
        for (Future<?> client : clients) {
            client.get(); // a client that threw is a fault of this test: show it
        }
    }

    /** One random operation on a random slot's container, through the Docker or the libpod API. */
    void operate(Random rnd) {
        int slot = rnd.nextInt(CONTAINERS);
        Op op = Op.values()[rnd.nextInt(Op.values().length)];
        boolean libpod = rnd.nextBoolean();
        String prefix = libpod ? "/libpod/containers/" : "/containers/";
        String c = prefix + slots.get(slot);
        switch (op) {
            case CREATE -> create(slot, libpod);
            case START -> api.post(c + "/start");
            case STOP -> api.post(c + (libpod ? "/stop?timeout=1" : "/stop?t=1"));
            case RESTART -> api.post(c + (libpod ? "/restart?timeout=1" : "/restart?t=1"));
            case KILL -> api.post(c + "/kill?signal=" + (rnd.nextBoolean() ? "TERM" : "KILL"));
            case REMOVE -> {
                api.delete(c + "?force=true");
                String fresh = create(slot, libpod);
                if (fresh != null) {
                    api.post(prefix + fresh + "/start");
                }
            }
            case PAUSE -> api.post(c + "/pause");
            case UNPAUSE -> api.post(c + "/unpause");
            case EXEC -> exec(c, libpod);
            case WAIT -> api.postBounded(c + (libpod ? "/wait?condition=stopped" : "/wait?condition=not-running"),
                    WAIT_BOUND);
            case RENAME -> api.post(c + "/rename?name=" + name(slot) + (rnd.nextBoolean() ? "" : "-" + rnd.nextInt(3)));
            case INSPECT -> api.get(c + "/json");
        }
    }

    static String name(int slot) {
        return "race-" + slot;
    }

    /**
     * The slot's command: even slots exit by themselves within a second of each start (each with
     * its own code), odd ones run until signalled: {@code sleep} as PID 1 ignores TERM (so stop
     * ends in KILL), the trap exits 0 on TERM.
     */
    static List<String> command(int slot) {
        if (slot % 2 == 0) {
            return List.of("sh", "-c", "sleep 0.$RANDOM; exit " + (3 + slot));
        }
        return slot % 4 == 1 ? List.of("sleep", "1000") : List.of("sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait");
    }

    /** Creates the slot's container under the slot's name; its ID, or null when the name is taken. */
    String create(int slot, boolean libpod) {
        Exchange made = libpod
                ? api.post("/libpod/containers/create", json.writeValueAsString(Map.of("name", name(slot),
                        "image", "busybox", "command", command(slot))))
                : api.post("/containers/create?name=" + name(slot), json.writeValueAsString(Map.of("Image", "busybox",
                        "Cmd", command(slot))));
        if (made.status() != 201) {
            return null;
        }
        String id = json.readTree(made.body()).path("Id").asString();
        everCreated.add(id);
        slots.set(slot, id);
        return id;
    }

    /** A short detached exec: made, then started. */
    void exec(String c, boolean libpod) {
        Exchange made = api.post(c + "/exec", "{\"Cmd\":[\"echo\",\"hi\"]}");
        if (made.status() == 201) {
            String exec = json.readTree(made.body()).path("Id").asString();
            api.post((libpod ? "/libpod/exec/" : "/exec/") + exec + "/start", "{\"Detach\":true}");
        }
    }

    // ---- afterwards ----------------------------------------------------------------------------

    /**
     * Mismatches between the API and the host, once every container has settled: polled until
     * there are none (an exit just happening is handled within moments) or the bound has passed.
     */
    List<String> settledMismatches() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
        List<String> found = mismatches();
        while (!found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            found = mismatches();
        }
        return found;
    }

    List<String> mismatches() {
        List<String> out = new ArrayList<>();
        for (String id : ids(api)) {
            Exchange inspected = api.get("/libpod/containers/" + id + "/json");
            if (inspected.status() != 200) {
                out.add(id + ": inspect answered " + inspected);
                continue;
            }
            JsonNode state = json.readTree(inspected.body()).path("State");
            mismatch(id, state, host.runcState(id)).ifPresent(m -> out.add(id + ": " + m));
        }
        return out;
    }

    /** What is wrong with the API's {@code state} of a container, given runc's state and conmon's exit file. */
    Optional<String> mismatch(String id, JsonNode state, Optional<HostTraces.RuncState> runc) {
        String status = state.path("Status").asString();
        String runcStatus = runc.map(HostTraces.RuncState::status).orElse("absent");
        String expected = switch (status) {
            case "created" -> "absent";         // configured: nothing in runc yet
            case "initialized" -> "created";    // created in runc, not started
            case "running", "paused" -> status;
            case "stopped" -> runcStatus.equals("absent") ? "absent" : "stopped";
            case "exited" -> "absent";          // cleaned up: deleted from runc
            default -> "a settled state";       // stopping, removing, unknown
        };
        if (!expected.equals(runcStatus)) {
            return Optional.of("the API says " + status + ", runc says " + runcStatus);
        }
        if (runc.isPresent() && (status.equals("running") || status.equals("paused"))
                && runc.get().pid() != state.path("Pid").asInt()) {
            return Optional.of("the API says " + status + " with PID " + state.path("Pid").asInt() + ", runc says PID "
                    + runc.get().pid());
        }
        if (status.equals("exited") || status.equals("stopped")) {
            int code = state.path("ExitCode").asInt();
            String finished = state.path("FinishedAt").asString("");
            var file = host.exitFile(id);
            if (file.isPresent() && file.getAsInt() != code) {
                return Optional.of("exited with code " + code + " in the API, " + file.getAsInt()
                        + " in conmon's exit file");
            }
            if (finished.isEmpty() || finished.startsWith(NO_TIME.substring(0, 5))) {
                return Optional.of("exited (code " + code + ") without FinishedAt (" + finished + ")");
            }
        }
        return Optional.empty();
    }

    /** {@code rm -f} of every container left; those the API still lists afterwards are findings. */
    List<String> removeAll() {
        for (String id : ids(api)) {
            api.delete("/containers/" + id + "?force=true");
        }
        List<String> remaining = ids(api);
        record("containers still listed after rm -f of each", remaining);
        return remaining;
    }

    /**
     * Whatever the host still has of any container this test made and removed, and locks held
     * beyond one per pod and per container still listed.
     */
    List<String> leftovers(List<String> remaining) {
        List<String> out = new ArrayList<>();
        for (String id : everCreated) {
            List<String> left = remaining.contains(id) ? List.of() : host.leftovers(id);
            if (!left.isEmpty()) {
                out.add(id + ": " + String.join("; ", left).replace(id, "<id>"));
            }
        }
        // most traces first: a container with only its persist file left is the common case
        out.sort(Comparator.comparingInt((String line) -> line.split("; ").length).reversed());
        host.runcContainers().stream().filter(id -> !everCreated.contains(id))
                .forEach(id -> out.add(id + ": runc container of no container this test made"));
        host.storageMounts().stream().filter(m -> everCreated.stream().noneMatch(m::contains))
                .forEach(m -> out.add("mount under the storage: " + m));
        JsonNode health = json.readTree(api.get("/actuator/health").body());
        JsonNode used = health.path("components").path("locks").path("details").path("used");
        int pods = json.readTree(api.get("/libpod/pods/json").body()).size();
        if (!used.isNumber()) {
            out.add("the health has no lock count (components.locks.details.used): " + health);
        } else if (used.asInt() != pods + remaining.size()) {
            out.add(used.asInt() + " locks in use with " + pods + " pods and " + remaining.size() + " containers");
        }
        return out;
    }

    /** The IDs of every container the daemon lists. */
    List<String> ids(RecordingClient client) {
        Exchange listed = client.get("/libpod/containers/json?all=true");
        if (listed.status() != 200) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        json.readTree(listed.body()).forEach(c -> ids.add(c.path("Id").asString()));
        return ids;
    }

    void record(String kind, List<String> lines) {
        if (!lines.isEmpty()) {
            findings.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(lines);
        }
    }
}
