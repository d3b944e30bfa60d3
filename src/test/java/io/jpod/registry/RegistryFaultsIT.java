package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.FlakyProxy;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import io.jpod.testing.TestDaemon;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pulls through the Docker API ({@code POST /images/create}) from a real registry behind a {@link FlakyProxy}:
 * injected 503s, a connection cut mid-blob, a registry that stalls or goes away mid-pull, a tampered blob, two
 * pulls of one image at once, a client that hangs up, layers already there; and the events and metrics a pull
 * leaves. One daemon for the class, with a 2 s stall timeout so a stalled pull fails in seconds.
 */
class RegistryFaultsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static Path root;
    static LocalRegistry reg;
    static FlakyProxy proxy;
    static TestDaemon daemon;
    static RegistrySeed.Pushed busybox;
    static RegistrySeed.Pushed busyboxOci;
    static RegistrySeed.Pushed big;
    static final Set<String> insecure = new LinkedHashSet<>();

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("jpod-reg-faults");
        reg = LocalRegistry.plain();
        proxy = new FlakyProxy(reg);
        busybox = RegistrySeed.pushBusybox(reg, "busybox:latest", RegistrySeed.Format.V2S2);
        busyboxOci = RegistrySeed.pushBusybox(reg, "busybox-oci:latest", RegistrySeed.Format.OCI);
        big = RegistrySeed.pushBig(reg, "big:latest");
        markInsecure(proxy.host());
        Map<String, Object> props = TestDaemon.isolated(root);
        props.put("jpod.registry.stall-timeout", "2s");
        daemon = TestDaemon.start(props);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {daemon, proxy, reg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the others still close
            }
        }
        if (root != null) {
            FileSystemUtils.deleteRecursively(root.toFile());
        }
    }

    /** Every test starts from an empty store, and a proxy without faults or history. */
    @BeforeEach
    void clean() throws Exception {
        proxy.reset();
        for (JsonNode img : JSON.readTree(ok(daemon.get("/images/json")))) {
            send("DELETE", "/images/" + img.path("Id").asString() + "?force=true");
        }
        // layers a failed pull left pinned survive this (see tamperedBlobIsRefused): tests count relative to here
        send("POST", "/images/prune?filters=" + enc("{\"dangling\":[\"false\"]}"));
    }

    // ---- the cases -----------------------------------------------------------------------------------------

    @Test
    void transient503sAreRetried() throws Exception {
        proxy.failNext(2, 503);
        Pull p = pull(proxy.host() + "/busybox", "latest");
        assertThat(p.error()).as("pull with two 503s first: %s", p).isNull();
        assertThat(imageId(proxy.host() + "/busybox:latest")).isEqualTo(configDigest(busybox));
        assertThat(proxy.requests()).as("the injected failures were seen").hasSizeGreaterThan(2);
    }

    @Test
    void transient503sOnLayersAreRetried() throws Exception {
        try (StreamedPull p = StreamedPull.start(proxy.host() + "/big", "latest")) {
            // manifest and config are in: what the registry is asked from now on are layers (5, 3 at a time)
            p.awaitLine(l -> "Pulling fs layer".equals(l.path("status").asString()), Duration.ofSeconds(60));
            proxy.failNext(2, 503);
            Pull done = p.finish(Duration.ofSeconds(60));
            assertThat(done.error()).as("%s", done).isNull();
            assertThat(done.lines()).as("a layer was retried: %s", done)
                    .anyMatch(l -> "Retrying".equals(l.path("status").asString()));
        }
        assertThat(imageId(proxy.host() + "/big:latest")).isEqualTo(configDigest(big));
    }

    @Test
    void connectionCutMidBlobResumesWithRange() throws Exception {
        long layerSize = Files.size(reg.blobFile(RegistrySeed.busyboxLayout().layerDigests().get(0)));
        assertThat(layerSize).as("the busybox layer is long enough to cut").isGreaterThan(200_000);
        proxy.cutAfterBytes(100_000);
        Pull p = pull(proxy.host() + "/busybox", "latest");
        assertThat(p.error()).as("%s", p).isNull();
        assertThat(proxy.rangeRequestCount()).as("a resumed download: %s", proxy.requests()).isPositive();
        assertThat(proxy.requests()).anyMatch(s -> "bytes=100000-".equals(s.range()));
        assertThat(imageId(proxy.host() + "/busybox:latest")).isEqualTo(configDigest(busybox));
        JsonNode inspect = JSON.readTree(ok(daemon.get("/images/" + proxy.host() + "/busybox:latest/json")));
        assertThat(inspect.path("RepoDigests").toString()).contains(proxy.host() + "/busybox@" + busybox.digest());
    }

    @Test
    void stalledRegistryFailsAfterRetriesAndLeavesNothing() throws Exception {
        String before = ok(daemon.get("/images/json"));
        long layersBefore = layerCount();
        Instant start = Instant.now();
        try (StreamedPull p = StreamedPull.start(proxy.host() + "/big", "latest")) {
            p.awaitLine(l -> "Downloading".equals(l.path("status").asString())
                    && l.path("progressDetail").path("current").asLong() > 0, Duration.ofSeconds(60));
            proxy.stall();
            Pull done = p.finish(Duration.ofSeconds(60));
            String error = done.error();
            assertThat(error).as("a stalled pull fails: %s", done).isNotNull();
            assertThat(error).contains("downloading sha256:").contains("failed " + 5 + " times")
                    .contains(proxy.host()).contains("no data for 2 s");
        }
        assertThat(Duration.between(start, Instant.now())).as("five attempts of ~2 s, then the error")
                .isLessThan(Duration.ofSeconds(45));
        proxy.resume();
        assertThat(daemon.get("/images/" + proxy.host() + "/big:latest/json").statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(ok(daemon.get("/images/json")))).isEqualTo(JSON.readTree(before));
        awaitTrue("the store's tmp dir empties", () -> tmpEntries().isEmpty(), Duration.ofSeconds(10));
        ok(send("POST", "/images/prune"));
        assertThat(layerCount()).as("prune removed the verified layers the failed pull left").isEqualTo(layersBefore);

        proxy.reset();
        Pull again = pull(proxy.host() + "/big", "latest");
        assertThat(again.error()).as("%s", again).isNull();
        assertThat(imageId(proxy.host() + "/big:latest")).isEqualTo(configDigest(big));
    }

    @Test
    void registryGoneMidPullIsAClearErrorAndNoHalfImage() throws Exception {
        String before = ok(daemon.get("/images/json"));
        FlakyProxy doomed = new FlakyProxy(reg);
        try {
            markInsecure(doomed.host());
            try (StreamedPull p = StreamedPull.start(doomed.host() + "/big", "latest")) {
                p.awaitLine(l -> "Downloading".equals(l.path("status").asString())
                        && l.path("progressDetail").path("current").asLong() > 0, Duration.ofSeconds(60));
                doomed.close();
                Pull done = p.finish(Duration.ofSeconds(60));
                assertThat(done.error()).as("%s", done).isNotNull().contains(doomed.host());
                assertThat(done.error()).containsAnyOf("failed 5 times", "Connection refused", "connect");
            }
        } finally {
            doomed.close();
        }
        assertThat(daemon.get("/images/" + doomed.host() + "/big:latest/json").statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(ok(daemon.get("/images/json")))).isEqualTo(JSON.readTree(before));
        awaitTrue("the store's tmp dir empties", () -> tmpEntries().isEmpty(), Duration.ofSeconds(10));
    }

    @Test
    void tamperedBlobIsRefused() throws Exception {
        try (LocalRegistry bad = LocalRegistry.plain()) {
            RegistrySeed.pushBusybox(bad, "busybox:latest", RegistrySeed.Format.V2S2);
            markInsecure(bad.host());
            String layer = RegistrySeed.busyboxLayout().layerDigests().get(0);
            Path data = bad.blobFile(layer);
            byte[] bytes = Files.readAllBytes(data);
            for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
                bytes[i] ^= 0x5a; // same size, other content: only the digest can tell
            }
            Files.write(data, bytes);
            long layersBefore = layerCount();

            Pull p = pull(bad.host() + "/busybox", "latest");
            assertThat(p.error()).as("%s", p).isNotNull().contains(layer).contains("does not match its digest");
            assertThat(daemon.get("/images/" + bad.host() + "/busybox:latest/json").statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(ok(daemon.get("/images/json")))).isEmpty();
            // the two good layers, downloaded beside the bad one, are verified leftovers: a prune removes them
            awaitTrue("the store's tmp dir empties", () -> tmpEntries().isEmpty(), Duration.ofSeconds(10));
            ok(send("POST", "/images/prune"));
            assertThat(layerCount()).as("layers after prune (the failed pull's must go)").isEqualTo(layersBefore);
        }
    }

    @Test
    void concurrentPullsShareOneDownloadPerBlob() throws Exception {
        String name = proxy.host() + "/big";
        // held at the proxy until both have asked for the manifest: the two pulls then really overlap
        proxy.stall();
        CompletableFuture<Pull> a = CompletableFuture.supplyAsync(() -> pullUnchecked(name, "latest"));
        CompletableFuture<Pull> b = CompletableFuture.supplyAsync(() -> pullUnchecked(name, "latest"));
        awaitTrue("both pulls ask for the manifest", () -> proxy.requests().stream()
                .filter(s -> s.path().contains("/manifests/")).count() == 2, Duration.ofSeconds(30));
        proxy.resume();
        Pull pa = a.get(120, TimeUnit.SECONDS);
        Pull pb = b.get(120, TimeUnit.SECONDS);
        assertThat(pa.error()).as("%s", pa).isNull();
        assertThat(pb.error()).as("%s", pb).isNull();
        for (String layer : RegistrySeed.bigLayout().layerDigests().subList(1, 5)) {
            String id = layer.substring(7, 19);
            for (Pull p : List.of(pa, pb)) {
                assertThat(p.lines()).as("both pulls saw 25 MB layer %s come: %s", id, p)
                        .anyMatch(l -> id.equals(l.path("id").asString()) && "Pull complete".equals(
                                l.path("status").asString()));
            }
        }
        assertThat(pa.digest()).isEqualTo(big.digest()).isEqualTo(pb.digest());
        assertThat(imageId(name + ":latest")).isEqualTo(configDigest(big));
        for (String layer : RegistrySeed.bigLayout().layerDigests()) {
            long gets = proxy.requests().stream()
                    .filter(s -> s.method().equals("GET") && s.path().endsWith("/blobs/" + layer)).count();
            assertThat(gets).as("GETs of layer %s: %s", layer, proxy.requests()).isEqualTo(1);
        }
    }

    @Test
    void clientHangingUpCancelsItsPull() throws Exception {
        String opsBefore = metric("jpod_operations_seconds_count", "operation=\"pull\"", "outcome=\"error\"");
        double errorsBefore = opsBefore == null ? 0 : Double.parseDouble(opsBefore);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /images/create?fromImage=" + enc(proxy.host() + "/big") + "&tag=latest HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: " + daemon.bearer() + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"Downloading\"")) {
                // headers, chunk sizes and the first lines of progress
            }
            assertThat(line).as("the pull got as far as downloading").isNotNull();
        } // hung up mid-pull
        awaitTrue("the pull ends as an error", () -> {
            String now = metric("jpod_operations_seconds_count", "operation=\"pull\"", "outcome=\"error\"");
            return now != null && Double.parseDouble(now) > errorsBefore;
        }, Duration.ofSeconds(30));
        Thread.sleep(1000);
        assertThat(daemon.get("/images/" + proxy.host() + "/big:latest/json").statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(ok(daemon.get("/images/json")))).isEmpty();
        awaitTrue("the store's tmp dir empties", () -> tmpEntries().isEmpty(), Duration.ofSeconds(10));

        Pull again = pull(proxy.host() + "/big", "latest");
        assertThat(again.error()).as("%s", again).isNull();
        assertThat(imageId(proxy.host() + "/big:latest")).isEqualTo(configDigest(big));
    }

    @Test
    void layersAlreadyThereAreNotFetched() throws Exception {
        assertThat(pull(proxy.host() + "/busybox", "latest").error()).isNull();
        proxy.reset();
        // the same layers under another name and manifest format
        Pull p = pull(proxy.host() + "/busybox-oci", "latest");
        assertThat(p.error()).as("%s", p).isNull();
        assertThat(p.lines().stream().filter(l -> "Already exists".equals(l.path("status").asString())).count())
                .as("%s", p).isEqualTo(3);
        String config = configDigest(busyboxOci);
        for (FlakyProxy.Seen s : proxy.requests()) {
            assertThat(s.path().contains("/manifests/") || s.path().endsWith("/blobs/" + config))
                    .as("only manifest and config: %s", proxy.requests()).isTrue();
        }
        assertThat(proxy.requests()).anyMatch(s -> s.path().endsWith("/blobs/" + config));
    }

    @Test
    void pullAndPushLeaveEventsAndMetrics() throws Exception {
        long since = Instant.now().getEpochSecond() - 1;
        assertThat(pull(proxy.host() + "/busybox", "latest").error()).isNull();
        String pushed = proxy.host() + "/pushed";
        assertThat(send("POST", "/images/" + proxy.host() + "/busybox:latest/tag?repo=" + enc(pushed) + "&tag=1")
                .statusCode()).isEqualTo(201);
        Pull push = streamed(send("POST", "/images/" + pushed + "/push?tag=1"));
        assertThat(push.error()).as("%s", push).isNull();

        long until = Instant.now().getEpochSecond() + 1;
        List<JsonNode> events = new ArrayList<>();
        for (String l : ok(daemon.get("/events?since=" + since + "&until=" + until)).split("\n")) {
            if (!l.isBlank()) {
                events.add(JSON.readTree(l));
            }
        }
        assertThat(events).as("%s", events).anyMatch(e -> e.path("Type").asString().equals("image")
                && e.path("Action").asString().equals("pull")
                && e.path("Actor").path("Attributes").path("name").asString().contains(proxy.host() + "/busybox"));
        assertThat(events).as("%s", events).anyMatch(e -> e.path("Type").asString().equals("image")
                && e.path("Action").asString().equals("push")
                && e.path("Actor").path("Attributes").path("name").asString().contains(pushed));

        String pulled = metric("jpod_registry_bytes_total", "direction=\"pull\"");
        assertThat(pulled).as("bytes pulled").isNotNull();
        assertThat(Double.parseDouble(pulled)).isPositive();
        String pulls = metric("jpod_operations_seconds_count", "operation=\"pull\"", "outcome=\"success\"");
        assertThat(pulls).as("the pull timer").isNotNull();
        assertThat(Double.parseDouble(pulls)).isPositive();
        assertThat(metric("jpod_operations_seconds_count", "operation=\"push\"", "outcome=\"success\"")).isNotNull();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A finished pull (or push): its progress lines and, if it failed, the error (a line's or the HTTP one). */
    record Pull(int status, List<JsonNode> lines, String error) {
        String digest() {
            return lines.stream().map(l -> l.path("status").asString(""))
                    .filter(s -> s.startsWith("Digest: ")).map(s -> s.substring(8)).findFirst().orElse(null);
        }
    }

    static Pull pull(String image, String tag) throws IOException, InterruptedException {
        return streamed(send("POST", "/images/create?fromImage=" + enc(image) + "&tag=" + enc(tag)));
    }

    static Pull pullUnchecked(String image, String tag) {
        try {
            return pull(image, tag);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Pull streamed(HttpResponse<String> r) {
        return parse(r.statusCode(), r.body());
    }

    static Pull parse(int status, String body) {
        if (status != 200) {
            String message = body;
            try {
                message = JSON.readTree(body).path("message").asString(body);
            } catch (RuntimeException notJson) {
                // the raw body then
            }
            return new Pull(status, List.of(), "HTTP " + status + ": " + message);
        }
        List<JsonNode> lines = new ArrayList<>();
        String error = null;
        for (String l : body.split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(l);
            lines.add(n);
            if (n.has("errorDetail")) {
                error = n.path("errorDetail").path("message").asString();
            }
        }
        return new Pull(status, lines, error);
    }

    /** A pull whose lines the test reads as they come, to act mid-pull. */
    static final class StreamedPull implements AutoCloseable {
        private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
        private final StringBuilder body = new StringBuilder();
        private final CompletableFuture<Integer> done;
        private volatile InputStream stream;

        private StreamedPull(String image, String tag) {
            HttpRequest req = HttpRequest.newBuilder(daemon.uri("/images/create?fromImage=" + enc(image) + "&tag="
                    + enc(tag))).header("Authorization", daemon.bearer()).POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            done = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream()).thenApplyAsync(r -> {
                stream = r.body();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = in.readLine()) != null) {
                        synchronized (body) {
                            body.append(l).append('\n');
                        }
                        if (r.statusCode() == 200 && !l.isBlank()) {
                            lines.add(JSON.readTree(l));
                        }
                    }
                } catch (IOException e) {
                    // closed by the test
                }
                return r.statusCode();
            });
        }

        static StreamedPull start(String image, String tag) {
            return new StreamedPull(image, tag);
        }

        void awaitLine(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.stream().noneMatch(wanted)) {
                assertThat(done.isDone() && lines.stream().noneMatch(wanted)).as("pull ended first: %s", lines)
                        .isFalse();
                assertThat(System.nanoTime()).as("no such line within %s: %s", timeout, lines).isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        Pull finish(Duration timeout) throws Exception {
            int status = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (body) {
                return parse(status, body.toString());
            }
        }

        @Override
        public void close() throws IOException {
            InputStream s = stream;
            if (s != null) {
                s.close();
            }
        }
    }

    static HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(daemon.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", daemon.bearer()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("%s %s", r.request().uri(), r.body()).isBetween(200, 299);
        return r.body();
    }

    static String imageId(String name) throws IOException, InterruptedException {
        return JSON.readTree(ok(daemon.get("/images/" + name + "/json"))).path("Id").asString();
    }

    /** The config digest (so the image ID) of a seeded image, from the manifest the registry serves for it. */
    static String configDigest(RegistrySeed.Pushed pushed) throws IOException, InterruptedException {
        String repo = pushed.reference().substring(pushed.reference().indexOf('/') + 1).replaceFirst(":[^:]*$", "");
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(reg.url() + "/v2/" + repo + "/manifests/"
                + pushed.digest())).header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                + "application/vnd.docker.distribution.manifest.v2+json").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(io.jpod.testing.TarBuilder.sha256(r.body())).isEqualTo(pushed.digest());
        return JSON.readTree(r.body()).path("config").path("digest").asString();
    }

    /** The value of a Prometheus sample of {@code name} whose labels contain all of {@code labels}, or null. */
    static String metric(String name, String... labels) throws IOException, InterruptedException {
        String text = ok(daemon.get("/actuator/prometheus"));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String l = m.group(1);
            if (Stream.of(labels).allMatch(l::contains)) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? Double.toString(sum) : null;
    }

    static long layerCount() throws IOException {
        Path layers = root.resolve("storage/layers");
        if (!Files.isDirectory(layers)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(layers)) {
            return s.count();
        }
    }

    static List<Path> tmpEntries() {
        try (Stream<Path> s = Files.list(root.resolve("storage/tmp"))) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(String what, Check check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("%s within %s", what, timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Rewrites registries.conf (re-read on each pull) marking every host so far insecure: plain HTTP. */
    static synchronized void markInsecure(String host) throws IOException {
        insecure.add(host);
        StringBuilder conf = new StringBuilder();
        for (String h : insecure) {
            conf.append("[[registry]]\nlocation = \"").append(h).append("\"\ninsecure = true\n\n");
        }
        Path file = root.resolve("etc/containers/registries.conf");
        Files.createDirectories(file.getParent());
        Files.writeString(file, conf);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
