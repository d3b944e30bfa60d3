package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jpod.lock.LockOrder;
import io.jpod.testing.HostTraces;
import io.jpod.testing.RecordingClient;
import io.jpod.testing.RecordingClient.Exchange;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import io.jpod.testing.ThreadDump;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many clients at once on one overlapping set of real containers, pods, volumes and a network,
 * through the Docker and libpod APIs: {@value #DEFAULT_THREADS} threads × {@value #DEFAULT_OPERATIONS}
 * random operations (container create, start, stop, kill, restart, pause, unpause, rename, rm, rm -f,
 * exec, inspect, list, wait; pod create, start, stop, rm; network connect and disconnect; volume
 * create and rm while in use). Checked:
 * <ul>
 * <li>no 5xx, and no answer but a success or the conflict (409), not-found (404) or not-modified (304)
 * the race explains;
 * <li>no deadlock: every request is answered within {@link #CALL_BOUND} (else the JVM's threads, the
 * daemon's among them, are printed) and the daemon's lock-order check ({@link LockOrder}) saw no
 * inversion;
 * <li>no lost update: a container's final name, a volume's existence and a container's membership of
 * the network are what the last successful operation on it left (any of the successful ones that no
 * other successful one strictly followed); removed containers and pods are gone, and the containers
 * and pods listed are exactly the ones created minus the ones removed;
 * <li>consistent state afterwards: no transitional status, runc and conmon agree with every
 * container's state, one lock per container and pod (volumes take none), {@code PRAGMA
 * integrity_check} ok; after {@code rm -f} of everything, nothing left on the host.
 * </ul>
 * The seed is printed; {@code -Djpod.concurrency.seed=}, {@code .threads=} and {@code .operations=}
 * replay or enlarge a run (the interleaving differs from run to run). Replaces the earlier
 * ContainerRacesIT, whose checks it runs too.
 */
class ConcurrencyIT {

    static final int DEFAULT_THREADS = 32;
    static final int DEFAULT_OPERATIONS = 50;
    static final int THREADS = Integer.getInteger("jpod.concurrency.threads", DEFAULT_THREADS);
    static final int OPERATIONS = Integer.getInteger("jpod.concurrency.operations", DEFAULT_OPERATIONS);
    /** Container slots: 0-8 on their own (0-2 with a volume), 9-11 members of pods 0-2. */
    static final int CONTAINERS = 12;
    static final int PODS = 3;
    static final int FIRST_MEMBER = CONTAINERS - PODS;
    static final int VOLUMES = 3;
    static final String NETWORK = "conc-net";
    static final Duration RUN_BOUND = Duration.ofSeconds(Math.max(150, THREADS * OPERATIONS / 8));
    static final Duration CALL_BOUND = Duration.ofSeconds(60);
    static final Duration WAIT_BOUND = Duration.ofSeconds(1);
    static final Duration SETTLE_BOUND = Duration.ofSeconds(20);
    static final Set<Integer> FINE = Set.of(304, 404, 409, RecordingClient.GAVE_UP);
    static final Set<String> TRANSITIONAL = Set.of("stopping", "removing", "unknown");
    static final String NO_TIME = "0001-01-01T00:00:00Z";

    enum Op {
        CREATE, START, STOP, KILL, RESTART, PAUSE, UNPAUSE, RENAME, REMOVE, REMOVE_FORCE, EXEC, INSPECT, LIST, WAIT,
        POD_CREATE, POD_START, POD_STOP, POD_REMOVE, CONNECT, DISCONNECT, VOLUME_CREATE, VOLUME_REMOVE
    }

    /** One successful change of a register (a container's name, a volume's existence, a network membership). */
    record Write(long start, long end, String value) {}

    @TempDir
    Path root;

    final long seed = Long.getLong("jpod.concurrency.seed", 2L);
    final JsonMapper json = JsonMapper.builder().build();
    final AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(CONTAINERS);
    final AtomicReferenceArray<String> pods = new AtomicReferenceArray<>(PODS);
    final Set<String> created = ConcurrentHashMap.newKeySet();
    final Set<String> removed = ConcurrentHashMap.newKeySet();
    final Set<String> podsCreated = ConcurrentHashMap.newKeySet();
    final Set<String> podsRemoved = ConcurrentHashMap.newKeySet();
    /** Registers: the successful writes of each, by key. */
    final Map<String, ConcurrentLinkedQueue<Write>> writes = new ConcurrentHashMap<>();
    final Map<String, String> initial = new ConcurrentHashMap<>();
    final AtomicInteger operations = new AtomicInteger();
    final AtomicReference<String> firstHangDump = new AtomicReference<>();
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
        host = HostTraces.of(properties, runc);
        LockOrder.reset();
    }

    @AfterEach
    void stop() {
        if (daemon == null) {
            return;
        }
        RecordingClient cleanup = new RecordingClient(daemon, Duration.ofSeconds(20));
        podIds(cleanup).forEach(id -> cleanup.delete("/libpod/pods/" + id + "?force=true"));
        ids(cleanup).forEach(id -> cleanup.delete("/containers/" + id + "?force=true"));
        cleanup.delete("/networks/" + NETWORK);
        daemon.close();
        if (host != null) {
            Set<String> all = new HashSet<>(created);
            host.sweep(all);
        }
    }

    @Test
    void manyClientsOnOverlappingObjectsGetProperAnswersAndLeaveConsistentState() throws Exception {
        System.out.println("ConcurrencyIT: seed " + seed + " (replay with -Djpod.concurrency.seed=" + seed + "), "
                + THREADS + " threads x " + OPERATIONS + " operations on " + CONTAINERS + " containers, " + PODS
                + " pods, " + VOLUMES + " volumes");
        assertThat(api.post("/networks/create", "{\"Name\":\"" + NETWORK + "\"}").status()).isEqualTo(201);
        for (int v = 0; v < VOLUMES; v++) {
            assertThat(api.post("/volumes/create", "{\"Name\":\"" + volume(v) + "\"}").status()).isEqualTo(201);
            initial.put("volume " + volume(v), "present");
        }
        for (int p = 0; p < PODS; p++) {
            assertThat(createPod(p, System.nanoTime())).as("pod " + p).isNotNull();
        }
        for (int slot = 0; slot < CONTAINERS; slot++) {
            String id = create(slot, slot % 2 == 0, System.nanoTime());
            assertThat(id).as("creating container " + slot).isNotNull();
            assertThat(api.post("/containers/" + id + "/start").status()).as("starting " + id).isEqualTo(204);
        }
        long t0 = System.nanoTime();
        runClients(new Random(seed).nextLong());
        long t1 = System.nanoTime();

        int inconsistencies = checkAfterwards();
        long t2 = System.nanoTime();
        List<String> remaining = removeAll();
        record("traces of removed containers on the host", leftovers(remaining));
        long t3 = System.nanoTime();

        List<Exchange> fivexx = api.matching(e -> e.status() >= 500);
        List<Exchange> hung = api.matching(e -> e.status() == RecordingClient.NO_ANSWER);
        record("5xx answers", fivexx.stream().map(Exchange::toString).toList());
        record("requests without an answer within " + CALL_BOUND.toSeconds() + " s",
                hung.stream().map(Exchange::toString).toList());
        record("other answers than 2xx, 304, 404 and 409", api.outside(FINE).stream()
                .filter(e -> e.status() < 500 && e.status() != RecordingClient.NO_ANSWER).map(Exchange::toString)
                .toList());
        record("lock-order inversions in the daemon", LockOrder.violations());
        int deadlocks = hung.size() + LockOrder.violations().size();
        inconsistencies += findings.getOrDefault("traces of removed containers on the host", List.of()).size();
        System.out.println("ConcurrencyIT: seed " + seed + ": " + api.count() + " requests; clients "
                + millis(t0, t1) + " ms, checks " + millis(t1, t2) + " ms, removal " + millis(t2, t3)
                + " ms; statuses " + api.statusCounts());
        System.out.println("concurrency: threads=" + THREADS + " operations=" + operations.get() + " 5xx="
                + fivexx.size() + " deadlocks=" + deadlocks + " inconsistencies=" + inconsistencies);
        if (firstHangDump.get() != null) {
            System.out.println("ConcurrencyIT: threads when the first request went unanswered:\n" + firstHangDump.get());
        }
        if (!findings.isEmpty()) {
            StringBuilder report = new StringBuilder("seed " + seed + " (replay with -Djpod.concurrency.seed=" + seed
                    + ")");
            findings.forEach((kind, lines) -> report.append("\n").append(lines.size()).append(" ").append(kind)
                    .append(":\n  ").append(String.join("\n  ", lines)));
            fail(report.toString());
        }
    }

    static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    // ---- the clients ---------------------------------------------------------------------------

    void runClients(long clientSeed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Random rnd = new Random(clientSeed + i);
            clients.add(pool.submit(() -> {
                for (int n = 0; n < OPERATIONS; n++) {
                    operate(rnd);
                    operations.incrementAndGet();
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
            client.get();
        }
    }

    /** One random operation on a random slot, through the Docker or the libpod API. */
    void operate(Random rnd) {
        int slot = rnd.nextInt(CONTAINERS);
        int pod = rnd.nextInt(PODS);
        Op op = Op.values()[rnd.nextInt(Op.values().length)];
        boolean libpod = rnd.nextBoolean();
        String prefix = libpod ? "/libpod/containers/" : "/containers/";
        String id = slots.get(slot);
        String c = prefix + id;
        long t = System.nanoTime();
        switch (op) {
            case CREATE -> create(slot, libpod, t);
            case START -> call(api.post(c + "/start"));
            case STOP -> call(api.post(c + (libpod ? "/stop?timeout=1" : "/stop?t=1")));
            case RESTART -> call(api.post(c + (libpod ? "/restart?timeout=1" : "/restart?t=1")));
            case KILL -> call(api.post(c + "/kill?signal=" + (rnd.nextBoolean() ? "TERM" : "KILL")));
            case PAUSE -> call(api.post(c + "/pause"));
            case UNPAUSE -> call(api.post(c + "/unpause"));
            case RENAME -> {
                String name = name(slot) + List.of("", "-x", "-y").get(rnd.nextInt(3));
                Exchange e = call(api.post(c + "/rename?name=" + name));
                if (e.status() == 204 || e.status() == 200) {
                    write("name " + id, t, name);
                }
            }
            case REMOVE, REMOVE_FORCE -> {
                Exchange e = call(api.delete(c + (op == Op.REMOVE_FORCE ? "?force=true" : "")));
                if (e.status() == 204 || e.status() == 200) {
                    removed.add(id);
                    create(slot, libpod, System.nanoTime()); // the slot stays contended
                }
            }
            case EXEC -> exec(c, libpod);
            case INSPECT -> call(api.get(c + "/json"));
            case LIST -> call(api.get(libpod ? "/libpod/containers/json?all=true" : "/containers/json?all=1"));
            case WAIT -> call(api.postBounded(c + (libpod ? "/wait?condition=stopped" : "/wait?condition=not-running"),
                    WAIT_BOUND));
            case POD_CREATE -> createPod(pod, t);
            case POD_START -> call(api.post("/libpod/pods/" + pods.get(pod) + "/start"));
            case POD_STOP -> call(api.post("/libpod/pods/" + pods.get(pod) + "/stop?t=1"));
            case POD_REMOVE -> removePod(pod, rnd.nextBoolean());
            case CONNECT, DISCONNECT -> network(rnd.nextInt(FIRST_MEMBER), op == Op.CONNECT, t);
            case VOLUME_CREATE -> {
                int v = rnd.nextInt(VOLUMES);
                Exchange e = call(libpod ? api.post("/libpod/volumes/create", "{\"Name\":\"" + volume(v) + "\"}")
                        : api.post("/volumes/create", "{\"Name\":\"" + volume(v) + "\"}"));
                if (e.status() == 201) {
                    write("volume " + volume(v), t, "present");
                }
            }
            case VOLUME_REMOVE -> {
                int v = rnd.nextInt(VOLUMES);
                Exchange e = call(api.delete((libpod ? "/libpod/volumes/" : "/volumes/") + volume(v)));
                if (e.status() == 204) {
                    write("volume " + volume(v), t, "absent");
                }
            }
        }
    }

    /** Records the exchange; the first one left unanswered gets the threads of this JVM, the daemon's, dumped. */
    Exchange call(Exchange e) {
        if (e.status() == RecordingClient.NO_ANSWER && e.body().startsWith("no answer")) {
            firstHangDump.compareAndSet(null, ThreadDump.ofThisJvm());
        }
        return e;
    }

    void write(String register, long start, String value) {
        writes.computeIfAbsent(register, k -> new ConcurrentLinkedQueue<>()).add(new Write(start, System.nanoTime(),
                value));
    }

    static String name(int slot) {
        return "conc-" + slot;
    }

    static String podName(int pod) {
        return "conc-pod-" + pod;
    }

    static String volume(int v) {
        return "conc-vol-" + v;
    }

    /** Even slots exit by themselves within a second of each start; odd ones run until signalled (TERM ends them). */
    static List<String> command(int slot) {
        if (slot % 3 == 0) {
            return List.of("sh", "-c", "sleep 0.$RANDOM; exit " + (3 + slot));
        }
        return slot == 1 ? List.of("sleep", "1000") : List.of("sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait");
    }

    /**
     * Creates the slot's container under the slot's name (pod members in their pod, always through
     * libpod; the first slots with their volume mounted); its ID, or null when refused.
     */
    String create(int slot, boolean libpod, long t) {
        boolean member = slot >= FIRST_MEMBER;
        String vol = slot < VOLUMES ? volume(slot) : null;
        Exchange made;
        if (libpod || member) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", name(slot));
            spec.put("image", "busybox");
            spec.put("command", command(slot));
            if (member) {
                spec.put("pod", podName(slot - FIRST_MEMBER));
            }
            if (vol != null) {
                spec.put("volumes", List.of(Map.of("Name", vol, "Dest", "/data")));
            }
            made = call(api.post("/libpod/containers/create", json.writeValueAsString(spec)));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Image", "busybox");
            body.put("Cmd", command(slot));
            if (vol != null) {
                body.put("HostConfig", Map.of("Binds", List.of(vol + ":/data")));
            }
            made = call(api.post("/containers/create?name=" + name(slot), json.writeValueAsString(body)));
        }
        if (made.status() != 201) {
            return null;
        }
        String id = json.readTree(made.body()).path("Id").asString();
        created.add(id);
        slots.set(slot, id);
        initial.put("name " + id, name(slot));
        initial.put("network " + id, "absent");
        if (vol != null) {
            // a create auto-creates a missing volume: a write of its existence
            write("volume " + vol, t, "present");
        }
        return id;
    }

    String createPod(int pod, long t) {
        Exchange made = call(api.post("/libpod/pods/create", "{\"name\":\"" + podName(pod) + "\"}"));
        if (made.status() != 201) {
            return null;
        }
        String id = json.readTree(made.body()).path("Id").asString();
        podsCreated.add(id);
        pods.set(pod, id);
        return id;
    }

    void removePod(int pod, boolean force) {
        String id = pods.get(pod);
        Exchange e = call(api.delete("/libpod/pods/" + id + (force ? "?force=true" : "")));
        if (e.status() == 200) {
            podsRemoved.add(id);
            json.readTree(e.body()).path("RemovedCtrs").propertyNames().forEach(removed::add);
        }
    }

    void network(int slot, boolean connect, long t) {
        String id = slots.get(slot);
        Exchange e = call(api.post("/networks/" + NETWORK + (connect ? "/connect" : "/disconnect"),
                "{\"Container\":\"" + id + "\"}"));
        if (e.status() == 200 || e.status() == 204) {
            write("network " + id, t, connect ? "present" : "absent");
        }
    }

    /** A short detached exec: made, then started. */
    void exec(String c, boolean libpod) {
        Exchange made = call(api.post(c + "/exec", "{\"Cmd\":[\"echo\",\"hi\"]}"));
        if (made.status() == 201) {
            String exec = json.readTree(made.body()).path("Id").asString();
            call(api.post((libpod ? "/libpod/exec/" : "/exec/") + exec + "/start", "{\"Detach\":true}"));
        }
    }

    // ---- afterwards ----------------------------------------------------------------------------

    /** Every check of the state the clients left; returns how many inconsistencies were found. */
    int checkAfterwards() throws Exception {
        int before = findings.values().stream().mapToInt(List::size).sum();
        record("state that does not match runc and conmon (after waiting up to " + SETTLE_BOUND.toSeconds()
                + " s for it to settle)", settledMismatches());
        List<String> lost = new ArrayList<>();
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode c : json.readTree(api.get("/libpod/containers/json?all=true").body())) {
            listed.put(c.path("Id").asString(), c);
        }
        Set<String> podsListed = new TreeSet<>(podIds(api));
        // containers: exactly those created minus those removed (infra containers belong to listed pods)
        Set<String> expected = new TreeSet<>(created);
        expected.removeAll(removed);
        Set<String> actual = new TreeSet<>();
        for (var e : listed.entrySet()) {
            boolean infra = e.getValue().path("IsInfra").asBoolean(false);
            String pod = e.getValue().path("Pod").asString("");
            if (!pod.isEmpty() && !podsListed.contains(pod)) {
                lost.add("container " + e.getKey() + " belongs to pod " + pod + ", which is not listed");
            }
            if (!infra) {
                actual.add(e.getKey());
            }
        }
        compare("containers", expected, actual, lost);
        Set<String> expectedPods = new TreeSet<>(podsCreated);
        expectedPods.removeAll(podsRemoved);
        compare("pods", expectedPods, podsListed, lost);
        for (String id : removed) {
            int status = api.get("/containers/" + id + "/json").status();
            if (status != 404) {
                lost.add("container " + id + " was reported removed, inspect answers " + status);
            }
        }
        // registers: names, volume existence, network membership
        Set<String> volumes = new HashSet<>();
        json.readTree(api.get("/volumes").body()).path("Volumes").forEach(v -> volumes.add(v.path("Name").asString()));
        for (int v = 0; v < VOLUMES; v++) {
            check("volume " + volume(v), volumes.contains(volume(v)) ? "present" : "absent", lost);
        }
        for (String id : actual) {
            JsonNode inspected = json.readTree(api.get("/containers/" + id + "/json").body());
            check("name " + id, inspected.path("Name").asString().replaceFirst("^/", ""), lost);
            JsonNode nets = inspected.path("NetworkSettings").path("Networks");
            if (!writes.getOrDefault("network " + id, new ConcurrentLinkedQueue<>()).isEmpty()) {
                check("network " + id, nets.has(NETWORK) ? "present" : "absent", lost);
            }
            for (JsonNode m : inspected.path("Mounts")) {
                if (m.path("Type").asString().equals("volume") && !volumes.contains(m.path("Name").asString())) {
                    lost.add("container " + id + " mounts volume " + m.path("Name").asString() + ", which is gone");
                }
            }
        }
        record("lost updates", lost);
        List<String> other = new ArrayList<>();
        for (JsonNode p : json.readTree(api.get("/libpod/pods/json").body())) {
            String status = p.path("Status").asString();
            if (status.equals("Error")) {
                other.add("pod " + p.path("Id").asString() + " is in status Error");
            }
        }
        JsonNode health = json.readTree(api.get("/actuator/health").body());
        JsonNode used = health.path("components").path("locks").path("details").path("used");
        if (!used.isNumber() || used.asInt() != listed.size() + podsListed.size()) {
            other.add(used + " locks in use with " + podsListed.size() + " pods, " + listed.size()
                    + " containers and " + volumes.size() + " volumes (volumes take no lock)");
        }
        other.addAll(integrityCheck());
        record("inconsistent state", other);
        return findings.values().stream().mapToInt(List::size).sum() - before;
    }

    static void compare(String what, Set<String> expected, Set<String> actual, List<String> out) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        missing.forEach(id -> out.add(what + ": " + id + " was created and not removed, yet is not listed"));
        extra.forEach(id -> out.add(what + ": " + id + " is listed, yet was never created or was removed"));
    }

    /**
     * The register's final value must be one a successful write left that no other successful write
     * strictly followed (started after it answered); with no writes, its initial value.
     */
    void check(String register, String value, List<String> out) {
        List<Write> all = new ArrayList<>(writes.getOrDefault(register, new ConcurrentLinkedQueue<>()));
        Set<String> allowed = new TreeSet<>();
        if (all.isEmpty()) {
            allowed.add(initial.getOrDefault(register, value));
        }
        for (Write w : all) {
            if (all.stream().noneMatch(o -> o.start() > w.end())) {
                allowed.add(w.value());
            }
        }
        if (!allowed.contains(value)) {
            out.add(register + " is " + value + ", the last successful operations left " + allowed);
        }
    }

    List<String> integrityCheck() throws Exception {
        Path db;
        try (Stream<Path> files = Files.walk(root)) {
            db = files.filter(p -> p.getFileName().toString().equals("jpod.db")).findFirst().orElse(null);
        }
        if (db == null) {
            return List.of("no jpod.db under " + root);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
                ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            List<String> out = new ArrayList<>();
            while (r.next()) {
                if (!r.getString(1).equals("ok")) {
                    out.add("PRAGMA integrity_check: " + r.getString(1));
                }
            }
            return out;
        }
    }

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
        if (TRANSITIONAL.contains(status)) {
            return Optional.of("left in the transitional status " + status + " (runc says " + runcStatus + ")");
        }
        String expected = switch (status) {
            case "created" -> "absent";
            case "initialized" -> "created";
            case "running", "paused" -> status;
            case "stopped" -> runcStatus.equals("absent") ? "absent" : "stopped";
            case "exited" -> "absent";
            default -> "a settled state";
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

    /** rm -f of every pod and container left; those still listed afterwards are findings. */
    List<String> removeAll() {
        for (String id : podIds(api)) {
            api.delete("/libpod/pods/" + id + "?force=true");
        }
        for (String id : ids(api)) {
            api.delete("/containers/" + id + "?force=true");
        }
        List<String> remaining = ids(api);
        record("containers still listed after rm -f of each", remaining);
        return remaining;
    }

    /** Whatever the host still has of any container this test made, and locks held without an owner. */
    List<String> leftovers(List<String> remaining) {
        List<String> out = new ArrayList<>();
        Set<String> known = new HashSet<>(created);
        for (String id : ids(api)) {
            known.add(id);
        }
        for (String id : created) {
            List<String> left = remaining.contains(id) ? List.of() : host.leftovers(id);
            if (!left.isEmpty()) {
                out.add(id + ": " + String.join("; ", left).replace(id, "<id>"));
            }
        }
        host.runcContainers().stream().filter(id -> !remaining.contains(id))
                .forEach(id -> out.add(id + ": runc container of no container listed"));
        host.storageMounts().stream().filter(m -> remaining.stream().noneMatch(m::contains))
                .forEach(m -> out.add("mount under the storage: " + m));
        JsonNode used = json.readTree(api.get("/actuator/health").body()).path("components").path("locks")
                .path("details").path("used");
        int podCount = podIds(api).size();
        if (used.asInt(-1) != podCount + remaining.size()) {
            out.add(used + " locks in use with " + podCount + " pods and " + remaining.size() + " containers");
        }
        return out;
    }

    List<String> ids(RecordingClient client) {
        return idsOf(client.get("/libpod/containers/json?all=true"));
    }

    List<String> podIds(RecordingClient client) {
        return idsOf(client.get("/libpod/pods/json"));
    }

    List<String> idsOf(Exchange listed) {
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
