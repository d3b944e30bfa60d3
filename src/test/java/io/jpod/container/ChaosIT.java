package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.lock.ShmLockManager;
import io.jpod.testing.ForkedDaemon;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SIGKILL chaos: a real daemon in a process of its own serves four clients running a stream of mixed
 * operations (containers, {@code run --rm}, exec, pods, volumes, networks, pulls, builds) and is
 * killed at random moments, restarted on the same roots, and checked with the clients held: what the
 * state says against what runc, conmon, the mount table, the network namespaces, the CNI leases, the
 * resolvers, the lock segment, the image store and SQLite say. Only this daemon's roots are looked at.
 * {@code -Djpod.chaos.rounds=100} and {@code -Djpod.chaos.seed=N} ask for more or another run.
 */
class ChaosIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int CLIENTS = 4;
    static final int ROUNDS = Integer.getInteger("jpod.chaos.rounds", 30);
    static final long SEED = Long.getLong("jpod.chaos.seed", 16L);

    static Path root;
    static LocalRegistry registry;
    static String pullRef;
    static ForkedDaemon daemon;
    static Path runcRoot;

    final AtomicLong operations = new AtomicLong();
    final List<String> inconsistencies = Collections.synchronizedList(new ArrayList<>());
    /** Every container ID any listing showed: netns names carry only 12 characters of it. */
    final Set<String> seenIds = Collections.synchronizedSet(new HashSet<>());
    volatile boolean hold;
    volatile boolean done;
    final AtomicInteger idle = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-chaos");
        runcRoot = root.resolve("run/libpod/oci/runc");
        registry = LocalRegistry.plain();
        pullRef = RegistrySeed.pushBusybox(registry, "chaos/busybox:latest", RegistrySeed.Format.V2S2).reference();
        Path conf = root.resolve("etc/containers/registries.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "[[registry]]\nlocation = \"" + registry.host() + "\"\ninsecure = true\n");
        daemon = ForkedDaemon.on(root);
        daemon.start(Duration.ofSeconds(120));
        HttpResponse<String> imported = daemon.sendBytes("POST", "/images/create?fromSrc=-&repo=busybox&tag=latest",
                TarBuilder.busyboxRootfs(), Duration.ofSeconds(60));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            try {
                for (JsonNode c : JSON.readTree(daemon.send("GET", "/libpod/containers/json?all=true", null,
                        Duration.ofSeconds(30)).body())) {
                    daemon.send("DELETE", "/libpod/containers/" + c.path("Id").asString() + "?force=true&t=0", null,
                            Duration.ofSeconds(30));
                }
                for (JsonNode p : JSON.readTree(daemon.send("GET", "/libpod/pods/json", null,
                        Duration.ofSeconds(30)).body())) {
                    daemon.send("DELETE", "/libpod/pods/" + p.path("Id").asString() + "?force=true", null,
                            Duration.ofSeconds(30));
                }
                for (JsonNode n : JSON.readTree(daemon.send("GET", "/networks", null, Duration.ofSeconds(30)).body())) {
                    if (n.path("Name").asString().startsWith("chaos")) {
                        daemon.send("DELETE", "/networks/" + n.path("Name").asString(), null, Duration.ofSeconds(30));
                    }
                }
            } catch (Exception e) {
                System.err.println("chaos: cleaning up: " + e);
            }
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (Files.isRegularFile(root.resolve("daemon.log"))) { // every restart's log, for a failure's story
            Files.createDirectories(Path.of("target"));
            Files.copy(root.resolve("daemon.log"), Path.of("target/chaos-daemon.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ShmLockManager.unlink(TestDaemon.shmPath(root));
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(root.toString()))
                .sorted(java.util.Comparator.reverseOrder()).toList();
        for (String m : mounts) {
            ProcessRunner.run(List.of("umount", "-l", m), Duration.ofSeconds(20));
        }
        FileSystemUtils.deleteRecursively(root);
    }

    @Test
    void killedAtRandomMomentsTheDaemonComesBackConsistent() throws Exception {
        System.out.println("chaos: seed=" + SEED + " rounds=" + ROUNDS + " clients=" + CLIENTS
                + " (-Djpod.chaos.seed / -Djpod.chaos.rounds)");
        Random coordinator = new Random(SEED);
        List<Thread> clients = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
            Client c = new Client(k, new Random(SEED * 31 + k));
            Thread t = new Thread(c, "chaos-client-" + k);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        List<Long> restarts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int round = 1; round <= ROUNDS; round++) {
            Thread.sleep(500 + coordinator.nextInt(2000));
            hold = true; // requests in flight go on: the kill meets them
            Thread.sleep(coordinator.nextInt(40));
            daemon.kill();
            awaitIdle();
            restarts.add(daemon.start(Duration.ofSeconds(120)).toMillis());
            check(round);
            hold = false;
        }
        done = true;
        hold = false;
        for (Thread t : clients) {
            t.join(30_000);
        }
        // the last word: a clean restart after the clients are done
        hold = true;
        daemon.kill();
        restarts.add(daemon.start(Duration.ofSeconds(120)).toMillis());
        check(ROUNDS + 1);
        Collections.sort(restarts);
        System.out.println("chaos: rounds=" + ROUNDS + " operations=" + operations.get() + " inconsistencies="
                + inconsistencies.size() + " restart_median_ms=" + restarts.get(restarts.size() / 2)
                + " elapsed_s=" + (System.nanoTime() - t0) / 1_000_000_000L);
        assertThat(inconsistencies).as("inconsistencies after SIGKILL and restart").isEmpty();
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (idle.get() < CLIENTS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    // ---- the clients ---------------------------------------------------------------------------------

    /** One client: its own containers, pods, volumes and networks (prefix c<k>-), in a random stream. */
    final class Client implements Runnable {
        final int k;
        final Random random;
        final List<String> containers = new ArrayList<>();
        final List<String> pods = new ArrayList<>();
        final List<String> volumes = new ArrayList<>();
        final List<String> networks = new ArrayList<>();
        int n;

        Client(int k, Random random) {
            this.k = k;
            this.random = random;
        }

        @Override
        public void run() {
            while (!done) {
                if (hold) {
                    idle.incrementAndGet();
                    while (hold && !done) {
                        sleep(5);
                    }
                    idle.decrementAndGet();
                    continue;
                }
                try {
                    step();
                } catch (IOException | RuntimeException e) {
                    sleep(20); // the daemon is down: wait for it
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void step() throws IOException, InterruptedException {
            String name = "c" + k + "-" + (n++);
            switch (random.nextInt(14)) {
                case 0, 1 -> {
                    String id = create(name, "[\"sleep\",\"1000\"]", false, random.nextInt(3) == 0 ? "chaosnet" + k : "");
                    if (id != null && random.nextBoolean()) {
                        call("POST", "/containers/" + id + "/start", null);
                    }
                }
                case 2 -> pick(containers).ifPresent(id -> call("POST", "/containers/" + id + "/start", null));
                case 3 -> pick(containers).ifPresent(id -> call("POST", "/containers/" + id + "/stop?t="
                        + random.nextInt(2), null));
                case 4 -> pick(containers).ifPresent(id -> call("POST", "/containers/" + id + "/kill", null));
                case 5 -> pick(containers).ifPresent(id -> {
                    if (call("DELETE", "/containers/" + id + "?force=true", null) != null) {
                        containers.remove(id);
                    }
                });
                case 6 -> { // run --rm, and a short run that exits with its own code (maybe while the daemon is down)
                    boolean rm = random.nextBoolean();
                    String id = create((rm ? "rm-" : "ex-") + name, rm ? "[\"true\"]" : "[\"sh\",\"-c\",\"sleep 0.3; exit 7\"]",
                            rm, "");
                    if (id != null) {
                        call("POST", "/containers/" + id + "/start", null);
                    }
                }
                case 7 -> pick(containers).ifPresent(id -> {
                    JsonNode exec = json(call("POST", "/containers/" + id + "/exec", "{\"Cmd\":[\"true\"]}"));
                    if (exec != null) {
                        call("POST", "/exec/" + exec.path("Id").asString() + "/start", "{\"Detach\":true}");
                    }
                });
                case 8 -> {
                    JsonNode pod = json(call("POST", "/libpod/pods/create", "{\"name\":\"pod-" + name + "\"}"));
                    if (pod != null) {
                        pods.add("pod-" + name);
                        call("POST", "/libpod/pods/pod-" + name + "/start", null);
                    }
                }
                case 9 -> pick(pods).ifPresent(p -> {
                    if (call("DELETE", "/libpod/pods/" + p + "?force=true", null) != null) {
                        pods.remove(p);
                    }
                });
                case 10 -> {
                    if (random.nextBoolean() || volumes.isEmpty()) {
                        if (call("POST", "/volumes/create", "{\"Name\":\"vol-" + name + "\"}") != null) {
                            volumes.add("vol-" + name);
                        }
                    } else {
                        String v = volumes.remove(0);
                        call("DELETE", "/volumes/" + v, null);
                    }
                }
                case 11 -> {
                    String net = "chaosnet" + k;
                    if (random.nextBoolean()) {
                        call("POST", "/networks/create", "{\"Name\":\"" + net + "\"}");
                    } else {
                        call("DELETE", "/networks/" + net, null);
                    }
                }
                case 12 -> {
                    call("POST", "/images/create?fromImage=" + pullRef.substring(0, pullRef.lastIndexOf(':'))
                            + "&tag=latest", null);
                    if (random.nextBoolean()) {
                        call("DELETE", "/images/" + pullRef + "?force=true", null);
                    }
                }
                default -> build(name);
            }
        }

        private String create(String name, String cmd, boolean autoRemove, String network) {
            String host = "\"HostConfig\":{\"AutoRemove\":" + autoRemove
                    + (network.isEmpty() ? "" : ",\"NetworkMode\":\"" + network + "\"") + "}";
            JsonNode r = json(call("POST", "/containers/create?name=" + name, "{\"Image\":\"busybox\",\"Cmd\":" + cmd
                    + "," + host + "}"));
            if (r == null) {
                return null;
            }
            String id = r.path("Id").asString();
            if (!name.startsWith("rm-") && !name.startsWith("ex-")) { // those run to their own end
                containers.add(id);
            }
            return id;
        }

        /** A one-line build: a label on busybox, no container needed. */
        private void build(String name) throws IOException, InterruptedException {
            byte[] context = new TarBuilder().file("Dockerfile", "FROM busybox\nLABEL chaos=" + name + "\n").build();
            operations.incrementAndGet();
            daemon.sendBytes("POST", "/build?t=chaos-built:" + k + "&rm=true", context, Duration.ofSeconds(30));
        }

        /** One request; null on an error answer or a lost connection (the daemon was killed). */
        private String call(String method, String path, String body) {
            if (hold) {
                throw new IllegalStateException("held");
            }
            operations.incrementAndGet();
            try {
                HttpResponse<String> r = daemon.send(method, path, body, Duration.ofSeconds(30));
                if (r.statusCode() == 404 && method.equals("POST") && path.startsWith("/containers/")) {
                    containers.removeIf(path::contains);
                }
                return r.statusCode() < 300 ? r.body() : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private java.util.Optional<String> pick(List<String> from) {
            return from.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(from.get(random.nextInt(from.size())));
        }
    }

    static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the consistency check -----------------------------------------------------------------------

    private void problem(int round, String what) {
        inconsistencies.add("round " + round + ": " + what);
    }

    private void check(int round) throws Exception {
        JsonNode list = JSON.readTree(daemon.send("GET", "/libpod/containers/json?all=true", null,
                Duration.ofSeconds(60)).body());
        JsonNode podList = JSON.readTree(daemon.send("GET", "/libpod/pods/json", null, Duration.ofSeconds(60)).body());
        Map<String, JsonNode> known = new HashMap<>();
        Set<String> active = new HashSet<>(); // a process, or about to have one: runc and conmon hold it
        for (JsonNode c : list) {
            String id = c.path("Id").asString();
            known.put(id, c);
            seenIds.add(id);
            String st = c.path("State").asString();
            if (st.equals("running") || st.equals("paused") || st.equals("initialized")) {
                active.add(id);
            }
        }
        Map<String, String> runc = runcList();
        Map<String, Long> conmons = new HashMap<>();
        Set<String> execConmons = new HashSet<>();
        conmonProcesses(conmons, execConmons);
        for (JsonNode c : list) {
            String id = c.path("Id").asString();
            String st = c.path("State").asString();
            String what = "container " + id.substring(0, 12) + " " + c.path("Names").path(0).asString() + " (" + st + ")";
            switch (st) {
                case "running", "paused" -> {
                    if (!st.equals(runc.get(id))) {
                        problem(round, what + " is " + runc.get(id) + " to runc");
                    }
                    if (!conmons.containsKey(id)) {
                        problem(round, what + " has no conmon");
                    }
                }
                case "initialized" -> {
                    if (!"created".equals(runc.get(id)) || !conmons.containsKey(id)) {
                        problem(round, what + " is " + runc.get(id) + " to runc, conmon " + conmons.containsKey(id));
                    }
                }
                case "created", "exited" -> {
                    if (runc.containsKey(id)) {
                        problem(round, what + " is " + runc.get(id) + " to runc");
                    }
                    if (conmons.containsKey(id)) {
                        problem(round, what + " still has conmon " + conmons.get(id));
                    }
                    String name = c.path("Names").path(0).asString();
                    if (st.equals("exited") && name.startsWith("ex-") && c.path("ExitCode").asInt() != 7) {
                        problem(round, what + " exited with " + c.path("ExitCode").asInt() + ", not its own 7");
                    }
                }
                default -> problem(round, what + " is left in a transitional state");
            }
        }
        for (var e : runc.entrySet()) {
            if (!active.contains(e.getKey())) {
                problem(round, "runc holds " + e.getKey().substring(0, 12) + " (" + e.getValue() + "), which the "
                        + "engine does not run");
            }
        }
        for (var e : conmons.entrySet()) {
            if (!active.contains(e.getKey())) {
                problem(round, "orphan conmon " + e.getValue() + " for " + e.getKey().substring(0, 12));
            }
        }
        for (String id : execConmons) {
            if (!active.contains(id)) {
                problem(round, "orphan exec conmon for " + id.substring(0, 12));
            }
        }
        for (JsonNode p : podList) {
            String infra = p.path("InfraId").asString("");
            if (infra.isEmpty() || !known.containsKey(infra)) {
                problem(round, "pod " + p.path("Name").asString() + " has no infra container (" + infra + ")");
            }
        }
        checkMounts(round, active);
        checkBundles(round, known.keySet());
        Map<String, Set<String>> netnsByPrefix = checkNetns(round, active);
        checkLeases(round, active, netnsByPrefix);
        checkLocks(round, list.size() + podList.size());
        checkImages(round);
        checkDatabase(round);
        checkStillManaged(round, list);
    }

    private Map<String, String> runcList() throws IOException {
        ProcessRunner.Result r = ProcessRunner.run(List.of("runc", "--root", runcRoot.toString(), "list",
                "--format", "json"), Duration.ofSeconds(30));
        Map<String, String> out = new HashMap<>();
        String body = r.stdout().strip();
        if (!body.isEmpty() && !body.equals("null")) {
            for (JsonNode c : JSON.readTree(body)) {
                out.put(c.path("id").asString(), c.path("status").asString());
            }
        }
        return out;
    }

    /** conmon processes driving this daemon's runc root: container ones by ID, exec ones by their container's. */
    private void conmonProcesses(Map<String, Long> conmons, Set<String> execConmons) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                List<String> argv;
                try {
                    argv = List.of(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .split("\0"));
                } catch (IOException gone) {
                    continue;
                }
                if (argv.isEmpty() || !argv.get(0).endsWith("conmon") || !argv.contains(runcRoot.toString())) {
                    continue;
                }
                String id = argv.get(argv.indexOf("-c") + 1);
                if (argv.contains("-e")) {
                    execConmons.add(id);
                } else {
                    conmons.put(id, Long.parseLong(p.getFileName().toString()));
                }
            }
        }
    }

    private void checkMounts(int round, Set<String> active) throws IOException {
        Path containers = root.resolve("storage/containers");
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            Path m = Path.of(line.split(" ")[4]);
            if (m.startsWith(containers) && m.getNameCount() > containers.getNameCount()) {
                String id = m.getName(containers.getNameCount()).toString();
                if (!active.contains(id)) {
                    problem(round, "mount " + m + " of a container not running");
                }
            }
        }
    }

    private void checkBundles(int round, Set<String> known) throws IOException {
        Path containers = root.resolve("storage/containers");
        if (!Files.isDirectory(containers)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(containers)) {
            for (Path d : dirs.toList()) {
                if (!known.contains(d.getFileName().toString())) {
                    problem(round, "container directory " + d.getFileName() + " of no container");
                }
            }
        }
    }

    /** Network namespaces of this daemon's containers (by the 12-character ID they are named with). */
    private Map<String, Set<String>> checkNetns(int round, Set<String> active) throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        Map<String, String> byPrefix = new HashMap<>();
        synchronized (seenIds) {
            seenIds.forEach(id -> byPrefix.put(id.substring(0, 12), id));
        }
        try (Stream<Path> all = Files.list(dir)) {
            for (Path ns : all.toList()) {
                String[] parts = ns.getFileName().toString().split("-");
                if (parts.length != 3 || !parts[0].equals("jpod") || !byPrefix.containsKey(parts[1])) {
                    continue; // another daemon's
                }
                String id = byPrefix.get(parts[1]);
                out.computeIfAbsent(id, x -> new HashSet<>()).add(ns.getFileName().toString());
                if (!active.contains(id)) {
                    problem(round, "network namespace " + ns.getFileName() + " of a container not running");
                }
            }
        }
        out.forEach((id, names) -> {
            if (names.size() > 1) {
                problem(round, "container " + id.substring(0, 12) + " has " + names.size() + " network namespaces");
            }
        });
        return out;
    }

    /** CNI leases (host-local) and resolver entries (dnsname) for containers that are not running. */
    private void checkLeases(int round, Set<String> active, Map<String, Set<String>> netns) throws IOException {
        Path leases = root.resolve("run/libpod/cni/networks");
        Map<String, Set<String>> leasedIps = new HashMap<>();
        if (Files.isDirectory(leases)) {
            try (Stream<Path> nets = Files.list(leases)) {
                for (Path net : nets.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> files = Files.list(net)) {
                        for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9a-f.:]+")).toList()) {
                            String holder = Files.readString(f).lines().findFirst().orElse("").strip();
                            leasedIps.computeIfAbsent(net.getFileName().toString(), x -> new HashSet<>())
                                    .add(f.getFileName().toString());
                            if (!active.contains(holder)) {
                                problem(round, "CNI lease " + net.getFileName() + "/" + f.getFileName() + " held by "
                                        + (holder.length() >= 12 ? holder.substring(0, 12) : holder)
                                        + ", which does not run");
                            }
                        }
                    }
                }
            }
        }
        Path dns = root.resolve("run/libpod/cni/dns/containers/cni/dnsname");
        if (Files.isDirectory(dns)) {
            try (Stream<Path> nets = Files.list(dns)) {
                for (Path net : nets.filter(Files::isDirectory).toList()) {
                    Path hosts = net.resolve("addnhosts");
                    if (!Files.isRegularFile(hosts)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(hosts)) {
                        String ip = line.strip().split("\\s+")[0];
                        if (!ip.isEmpty() && !leasedIps.getOrDefault(net.getFileName().toString(), Set.of()).contains(ip)) {
                            problem(round, "resolver entry \"" + line.strip() + "\" on " + net.getFileName()
                                    + " for an address nobody holds");
                        }
                    }
                }
            }
        }
    }

    private void checkLocks(int round, int objects) {
        ShmLockManager locks = ShmLockManager.openOrCreate(TestDaemon.shmPath(root), 2048, false);
        try {
            int allocated = locks.total() - locks.available().orElse(0);
            if (allocated != objects) {
                problem(round, allocated + " locks allocated for " + objects + " containers and pods");
            }
        } finally {
            locks.close();
        }
    }

    /** Every image the store lists is whole (inspectable, its layers there); no staging left behind. */
    private void checkImages(int round) throws Exception {
        for (JsonNode img : JSON.readTree(daemon.send("GET", "/images/json?all=true", null, Duration.ofSeconds(30))
                .body())) {
            String id = img.path("Id").asString();
            HttpResponse<String> r = daemon.send("GET", "/images/" + id + "/json", null, Duration.ofSeconds(30));
            if (r.statusCode() != 200) {
                problem(round, "image " + id + " is listed but answers " + r.statusCode());
                continue;
            }
            for (JsonNode layer : JSON.readTree(r.body()).path("RootFS").path("Layers")) {
                Path dir = root.resolve("storage/layers").resolve(layer.asString().substring(7));
                if (!Files.isRegularFile(dir.resolve("layer.json"))) {
                    problem(round, "image " + id + " misses its layer " + layer.asString());
                }
            }
        }
        Path images = root.resolve("storage/images");
        if (Files.isDirectory(images)) {
            try (Stream<Path> dirs = Files.list(images)) {
                for (Path d : dirs.filter(Files::isDirectory).toList()) {
                    if (!Files.isRegularFile(d.resolve("image.json"))) {
                        problem(round, "partial image directory " + d.getFileName());
                    }
                }
            }
        }
    }

    private void checkDatabase(int round) throws Exception {
        Path db = root.resolve("storage/libpod/jpod.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            String result = rs.next() ? rs.getString(1) : "(none)";
            if (!result.equals("ok")) {
                problem(round, "integrity_check: " + result);
            }
        }
    }

    /** A running container is still managed: a stop ends it and records its exit. */
    private void checkStillManaged(int round, JsonNode list) throws Exception {
        for (JsonNode c : list) {
            if (c.path("State").asString().equals("running") && !c.path("IsInfra").asBoolean()) {
                String id = c.path("Id").asString();
                HttpResponse<String> r = daemon.send("POST", "/containers/" + id + "/stop?t=0", null,
                        Duration.ofSeconds(30));
                JsonNode after = json(daemon.send("GET", "/libpod/containers/" + id + "/json", null,
                        Duration.ofSeconds(30)).body());
                String st = after == null ? "gone" : after.path("State").path("Status").asString();
                if (r.statusCode() != 204 || !(st.equals("exited") || st.equals("gone"))) {
                    problem(round, "stopping running " + id.substring(0, 12) + ": " + r.statusCode() + " " + r.body()
                            + ", then " + st);
                }
                return; // one per round is enough
            }
        }
    }
}
