package io.jpod.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proves the registry fixtures with real tools only (skopeo, curl, the JDK HttpClient), no jpod code: each mode
 * of {@link LocalRegistry} serves what {@link RegistrySeed} pushed, credentials are checked, the token flow runs,
 * and {@link FlakyProxy} forwards, cuts, fails and stalls on demand.
 */
class LocalRegistryIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalRegistry plain;
    private static LocalRegistry tls;
    private static LocalRegistry token;
    private static FlakyProxy proxy;
    private static RegistrySeed.Seeded seeded;

    @BeforeAll
    static void start() throws IOException {
        plain = LocalRegistry.plain();
        tls = LocalRegistry.tlsHtpasswd("alice", "wonder land");
        token = LocalRegistry.tokenAuth("bob", "b0b-pass");
        proxy = new FlakyProxy(plain);
        seeded = RegistrySeed.seedAll(plain);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {proxy, token, tls, plain}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the others still close
            }
        }
    }

    @BeforeEach
    void resetProxy() {
        proxy.reset();
    }

    private static ProcessRunner.Result skopeo(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of(), Duration.ofSeconds(60));
    }

    private static JsonNode rawManifest(RegistrySeed.Pushed pushed, List<String> opts) throws IOException {
        String ref = pushed.reference();
        List<String> args = new ArrayList<>(List.of("inspect", "--raw"));
        args.addAll(opts);
        args.add("docker://" + ref);
        ProcessRunner.Result r = skopeo(args.toArray(String[]::new));
        assertThat(r.ok()).as("skopeo inspect %s: %s", ref, r.stderr()).isTrue();
        assertThat(TarBuilder.sha256(r.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .as("the raw manifest hashes to the digest the seed returned").isEqualTo(pushed.digest());
        return JSON.readTree(r.stdout());
    }

    @Test
    void plainRegistryServesSeededImagesInBothFormats() throws IOException {
        JsonNode v2 = rawManifest(seeded.busybox(), List.of("--tls-verify=false"));
        assertThat(v2.path("mediaType").asText()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(v2.path("layers").size()).isEqualTo(3);

        JsonNode oci = rawManifest(seeded.busyboxOci(), List.of("--tls-verify=false"));
        assertThat(oci.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");

        // by digest: the digest the seed returned is the one the registry serves
        ProcessRunner.Result byDigest = skopeo("inspect", "--tls-verify=false",
                "docker://" + seeded.busybox().byDigest());
        assertThat(byDigest.ok()).as(byDigest.stderr()).isTrue();
        JsonNode info = JSON.readTree(byDigest.stdout());
        assertThat(info.path("Digest").asText()).isEqualTo(seeded.busybox().digest());
        assertThat(info.path("Env").get(0).asText()).startsWith("PATH=");

        ProcessRunner.Result config = skopeo("inspect", "--config", "--tls-verify=false",
                "docker://" + seeded.busyboxOci().reference());
        assertThat(JSON.readTree(config.stdout()).path("config").path("Cmd").get(0).asText()).isEqualTo("sh");
    }

    @Test
    void multiArchIndexHasTwoPlatforms() throws IOException {
        JsonNode index = rawManifest(seeded.multi(), List.of("--tls-verify=false"));
        assertThat(index.path("manifests").size()).isEqualTo(2);
        List<String> arches = new ArrayList<>();
        index.path("manifests").forEach(m -> arches.add(m.path("platform").path("architecture").asText()));
        assertThat(arches).containsExactly("amd64", "arm64");
        String armDigest = RegistrySeed.multiLayout().platformManifests().get("arm64");
        assertThat(index.path("manifests").get(1).path("digest").asText()).isEqualTo(armDigest);

        ProcessRunner.Result arm = skopeo("inspect", "--config", "--tls-verify=false", "--override-arch", "arm64",
                "docker://" + plain.host() + "/multi:latest");
        assertThat(arm.ok()).as(arm.stderr()).isTrue();
        assertThat(JSON.readTree(arm.stdout()).path("architecture").asText()).isEqualTo("arm64");
    }

    @Test
    void blobFileIsWhereTheRegistryKeepsTheLayer() throws IOException {
        String layer = RegistrySeed.busyboxLayout().layerDigests().get(1);
        Path data = plain.blobFile(layer);
        assertThat(data).exists();
        assertThat(TarBuilder.sha256(Files.readAllBytes(data))).isEqualTo(layer);
    }

    @Test
    void tlsRegistryChecksThePassword() throws IOException {
        RegistrySeed.Pushed pushed = RegistrySeed.pushBusybox(tls, "secure/busybox:1", RegistrySeed.Format.V2S2);
        String ref = "docker://" + pushed.reference();
        String certDir = "--cert-dir=" + tls.certDir();

        ProcessRunner.Result wrong = skopeo("inspect", certDir, "--creds=alice:nope", ref);
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.stderr()).containsIgnoringCase("unauthorized");

        ProcessRunner.Result none = skopeo("inspect", certDir, "--no-creds", ref);
        assertThat(none.ok()).isFalse();

        ProcessRunner.Result right = skopeo("inspect", certDir, "--creds=alice:wonder land", ref);
        assertThat(right.ok()).as(right.stderr()).isTrue();
        assertThat(JSON.readTree(right.stdout()).path("Digest").asText()).isEqualTo(pushed.digest());

        // the server certificate is really checked: without the CA, TLS verification fails
        ProcessRunner.Result untrusted = skopeo("inspect", "--creds=alice:wonder land", ref);
        assertThat(untrusted.ok()).isFalse();
        assertThat(untrusted.stderr()).contains("certificate");
    }

    @Test
    void tlsRegistryWritesCertsDAndTrustsItsCaInJava(@TempDir Path tmp) throws Exception {
        Path hostDir = tls.writeCertsD(tmp.resolve("certs.d"));
        assertThat(hostDir).isEqualTo(tmp.resolve("certs.d/" + tls.host()));
        assertThat(Files.readString(hostDir.resolve("ca.crt"))).isEqualTo(Files.readString(tls.caCertificate()));

        HttpClient client = HttpClient.newBuilder().sslContext(tls.sslContext()).build();
        for (String host : List.of("127.0.0.1", "localhost")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://" + host + ":" + tls.port() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        }
    }

    @Test
    void tokenRegistryRunsTheBearerFlow() throws IOException {
        TokenServer ts = token.tokenServer();
        RegistrySeed.Pushed pushed = RegistrySeed.pushBusybox(token, "team/busybox:latest", RegistrySeed.Format.OCI);
        assertThat(ts.scopesSeen()).anyMatch(s -> s.startsWith("repository:team/busybox:") && s.contains("push"));

        ts.clearRequests();
        ProcessRunner.Result ok = skopeo("inspect", "--tls-verify=false", "--creds=bob:b0b-pass",
                "docker://" + pushed.reference());
        assertThat(ok.ok()).as(ok.stderr() + "\n" + token.logText()).isTrue();
        assertThat(JSON.readTree(ok.stdout()).path("Digest").asText()).isEqualTo(pushed.digest());
        assertThat(ts.requests()).anyMatch(r -> "bob".equals(r.user()) && r.status() == 200
                && r.scopes().contains("repository:team/busybox:pull"));

        ProcessRunner.Result wrong = skopeo("inspect", "--tls-verify=false", "--creds=bob:wrong",
                "docker://" + pushed.reference());
        assertThat(wrong.ok()).isFalse();
        ProcessRunner.Result anonymous = skopeo("inspect", "--tls-verify=false", "--no-creds",
                "docker://" + pushed.reference());
        assertThat(anonymous.ok()).isFalse();
        assertThat(ts.requests()).anyMatch(r -> r.user() == null && r.status() == 401);
    }

    @Test
    void tokenFlowWorksFromJavaWithGetAndPost() throws Exception {
        RegistrySeed.Pushed pushed = RegistrySeed.pushBusybox(token, "java/busybox:latest", RegistrySeed.Format.OCI);
        URI manifest = URI.create(token.url() + "/v2/java/busybox/manifests/latest");
        HttpResponse<String> challenge = HTTP.send(HttpRequest.newBuilder(manifest).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("Bearer realm=\"" + token.tokenServer().realm() + "\"")
                .contains("service=\"" + TokenServer.SERVICE + "\"")
                .contains("scope=\"repository:java/busybox:pull\"");

        String basic = java.util.Base64.getEncoder().encodeToString("bob:b0b-pass".getBytes());
        HttpResponse<String> viaGet = HTTP.send(HttpRequest.newBuilder(URI.create(token.tokenServer().realm()
                + "?service=" + TokenServer.SERVICE + "&scope=repository:java/busybox:pull"))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> viaPost = HTTP.send(HttpRequest.newBuilder(URI.create(token.tokenServer().realm()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=bob&password=b0b-pass"
                        + "&service=" + TokenServer.SERVICE + "&scope=repository%3Ajava%2Fbusybox%3Apull"))
                .build(), HttpResponse.BodyHandlers.ofString());
        for (HttpResponse<String> answer : List.of(viaGet, viaPost)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode t = JSON.readTree(answer.body());
            assertThat(t.path("expires_in").asInt()).isEqualTo(300);
            HttpResponse<String> got = HTTP.send(HttpRequest.newBuilder(manifest)
                    .header("Authorization", "Bearer " + t.path("access_token").asText())
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
            assertThat(got.headers().firstValue("Docker-Content-Digest")).contains(pushed.digest());
        }
        // a pull token does not let the client push
        String pullToken = JSON.readTree(viaGet.body()).path("token").asText();
        HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(
                URI.create(token.url() + "/v2/java/busybox/blobs/uploads/"))
                .header("Authorization", "Bearer " + pullToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(401);
    }

    @Test
    void tokenServerCanAllowAnonymousPullsOnly() throws IOException {
        TokenServer ts = token.tokenServer();
        RegistrySeed.Pushed pushed = RegistrySeed.pushBusybox(token, "public/busybox:latest", RegistrySeed.Format.OCI);
        ts.allowAnonymousPull(true);
        try {
            ts.clearRequests();
            ProcessRunner.Result pull = skopeo("inspect", "--tls-verify=false", "--no-creds",
                    "docker://" + pushed.reference());
            assertThat(pull.ok()).as(pull.stderr()).isTrue();
            assertThat(ts.requests()).anyMatch(r -> r.user() == null && r.status() == 200
                    && r.scopes().contains("repository:public/busybox:pull"));

            // the anonymous token carries pull only: the registry refuses the push
            Path layout = RegistrySeed.busyboxLayout().dir();
            ProcessRunner.Result push = skopeo("copy", "--dest-tls-verify=false", "--dest-no-creds",
                    "oci:" + layout + ":latest", "docker://" + token.host() + "/public/other:latest");
            assertThat(push.ok()).isFalse();
            assertThat(push.stderr()).containsIgnoringCase("unauthorized");
        } finally {
            ts.allowAnonymousPull(false);
        }
    }

    @Test
    void startsFastAndStopsForGood() throws Exception {
        long t0 = System.nanoTime();
        LocalRegistry extra = LocalRegistry.plain();
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        Path storage = extra.storageDir();
        URI v2 = URI.create(extra.url() + "/v2/");
        assertThat(HTTP.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(200);
        extra.close();
        System.out.println("LocalRegistry.plain() started in " + startMillis + " ms");
        assertThat(startMillis).as("start-up time").isLessThan(5000);
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(v2).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(IOException.class);
        assertThat(storage).doesNotExist();
    }

    @Test
    void bigImageHoldsAHundredMegabytes() throws IOException {
        RegistrySeed.Pushed big = RegistrySeed.pushBig(plain, "big:latest");
        JsonNode manifest = rawManifest(big, List.of("--tls-verify=false"));
        long total = 0;
        for (JsonNode layer : manifest.path("layers")) {
            total += layer.path("size").asLong();
        }
        assertThat(manifest.path("layers").size()).isEqualTo(5);
        assertThat(total).isGreaterThan(100L << 20);
    }

    @Test
    void proxyForwardsAndCountsRanges() throws Exception {
        HttpResponse<String> v2 = get("/v2/", Map.of());
        assertThat(v2.statusCode()).isEqualTo(200);

        String layer = RegistrySeed.busyboxLayout().layerDigests().get(0);
        HttpResponse<byte[]> whole = HTTP.send(request("/v2/busybox/blobs/" + layer, Map.of()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(TarBuilder.sha256(whole.body())).isEqualTo(layer);

        HttpResponse<byte[]> tail = HTTP.send(request("/v2/busybox/blobs/" + layer, Map.of("Range", "bytes=100-"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body().length).isEqualTo(whole.body().length - 100);

        assertThat(proxy.requestCount()).as("%s", proxy.requests()).isEqualTo(3);
        assertThat(proxy.rangeRequestCount()).isEqualTo(1);
        assertThat(proxy.requests().get(2).range()).isEqualTo("bytes=100-");
    }

    @Test
    void proxyCutsABlobDownload() throws Exception {
        String layer = RegistrySeed.busyboxLayout().layerDigests().get(0);
        proxy.cutAfterBytes(1000);
        assertThatThrownBy(() -> HTTP.send(request("/v2/busybox/blobs/" + layer, Map.of()).build(),
                HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
        // once only: the next download is whole
        HttpResponse<byte[]> again = HTTP.send(request("/v2/busybox/blobs/" + layer, Map.of()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(TarBuilder.sha256(again.body())).isEqualTo(layer);
    }

    @Test
    void proxyCutLeavesExactlyNBytesOnTheWire() throws Exception {
        String layer = RegistrySeed.busyboxLayout().layerDigests().get(0);
        proxy.cutAfterBytes(4321);
        ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-s", "-o", "/dev/null", "-w",
                "%{size_download}", proxy.url() + "/v2/busybox/blobs/" + layer), Duration.ofSeconds(30));
        assertThat(curl.exitCode()).as("curl reports a transfer closed early").isEqualTo(18);
        assertThat(curl.stdout().trim()).isEqualTo("4321");
    }

    @Test
    void proxyFailsTheNextRequests() throws Exception {
        proxy.failNext(2, 503);
        assertThat(get("/v2/", Map.of()).statusCode()).isEqualTo(503);
        assertThat(get("/v2/", Map.of()).statusCode()).isEqualTo(503);
        assertThat(get("/v2/", Map.of()).statusCode()).isEqualTo(200);
        assertThat(proxy.requestCount()).as("%s", proxy.requests()).isEqualTo(3);
    }

    @Test
    void proxyStallsUntilResumed() throws Exception {
        proxy.stall();
        assertThatThrownBy(() -> HTTP.send(request("/v2/", Map.of()).timeout(Duration.ofMillis(300)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        proxy.resume();
        assertThat(get("/v2/", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void skopeoPullsAndPushesThroughTheProxy() throws IOException {
        ProcessRunner.Result r = skopeo("inspect", "--tls-verify=false", "docker://" + proxy.host() + "/busybox:latest");
        assertThat(r.ok()).as(r.stderr()).isTrue();
        assertThat(JSON.readTree(r.stdout()).path("Digest").asText()).isEqualTo(seeded.busybox().digest());
        assertThat(proxy.requests()).anyMatch(s -> s.path().startsWith("/v2/busybox/manifests/latest"));

        // uploads (POST, PATCH with a streamed body, PUT) pass too, and their Locations lead back to the proxy
        proxy.reset();
        RegistrySeed.Pushed pushed = RegistrySeed.push(RegistrySeed.busyboxLayout(), proxy.host() + "/via-proxy:1",
                List.of("--dest-tls-verify=false"), RegistrySeed.Format.OCI, false);
        assertThat(proxy.requests()).anyMatch(s -> s.method().equals("PUT") && s.path().contains("/blobs/uploads/"));
        assertThat(pushed.digest()).isEqualTo(RegistrySeed.busyboxLayout().manifestDigest());
        JsonNode direct = JSON.readTree(skopeo("inspect", "--tls-verify=false",
                "docker://" + plain.host() + "/via-proxy:1").stdout());
        assertThat(direct.path("Digest").asText()).isEqualTo(pushed.digest());
    }

    private static HttpRequest.Builder request(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(proxy.url() + path)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return b;
    }

    private static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        return HTTP.send(request(path, headers).build(), HttpResponse.BodyHandlers.ofString());
    }
}
