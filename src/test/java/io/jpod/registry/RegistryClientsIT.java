package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.jpod.host.ProcessRunner;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import io.jpod.testing.RegistrySeed.Format;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The stock clients pulling and pushing through jpod: the docker CLI, podman's remote client and Testcontainers,
 * against real registries: plain HTTP (insecure in registries.conf, also the short-name search registry), HTTPS with
 * htpasswd (CA in certs.d), HTTPS whose CA nobody trusts, and bearer tokens. One daemon and the registries serve
 * the whole class; each test pulls repositories of its own where "not present locally" matters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryClientsIT {

    static final String USER = "alice";
    // distinctive, so a search of the daemon's log for them cannot match by accident
    static final String PASSWORD = "Basic-Pa55-7b1e";
    static final String TOKEN_PASSWORD = "Token-Pa55-c04f";
    static final String WRONG_PASSWORD = "Wrong-Pa55-99d2";

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient anonymousCli;
    static CliClient podman;
    static LocalRegistry plain;
    static LocalRegistry secure;
    static LocalRegistry untrusted;
    static LocalRegistry token;
    static RegistrySeed.Seeded seeded;
    static ListAppender<ILoggingEvent> daemonLog;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-registry-clients");
        plain = LocalRegistry.plain();
        secure = LocalRegistry.tlsHtpasswd(USER, PASSWORD);
        untrusted = LocalRegistry.tlsHtpasswd(USER, PASSWORD);
        token = LocalRegistry.tokenAuth(USER, TOKEN_PASSWORD);
        seeded = RegistrySeed.seedAll(plain);
        // the same image under names no client has pulled yet (same blobs: each push is cheap)
        for (String repo : List.of("dockerrun", "short", "podrun", "kube", "tc")) {
            RegistrySeed.pushBusybox(plain, repo + ":latest", Format.V2S2);
        }
        for (LocalRegistry reg : List.of(secure, untrusted, token)) {
            RegistrySeed.pushBusybox(reg, "busybox:latest", Format.V2S2);
        }
        token.tokenServer().clearRequests();

        Path etc = Files.createDirectories(root.resolve("etc/containers"));
        Files.writeString(etc.resolve("registries.conf"), """
                unqualified-search-registries = ["%1$s"]

                [[registry]]
                location = "%1$s"
                insecure = true

                [[registry]]
                location = "%2$s"
                insecure = true
                """.formatted(plain.host(), token.host()));
        secure.writeCertsD(etc.resolve("certs.d"));
        for (String dir : List.of("docker-config", "docker-anon", "xdg-run", "podman-docker-config")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("podman-docker-config/config.json"), "{}");
        Files.writeString(root.resolve("containers.conf"), "");

        daemon = TestDaemon.start(io.jpod.testing.TestcontainersClient.onSharedSocket(TestDaemon.isolated(root)));
        // timeout(1): a client that hangs fails its test (exit 124) instead of holding the suite for minutes
        docker = CliClient.docker(daemon, root.resolve("docker-config")).withTimeout(Duration.ofSeconds(90))
                .withDeadline(30);
        anonymousCli = CliClient.docker(daemon, root.resolve("docker-anon")).withTimeout(Duration.ofSeconds(90))
                .withDeadline(8);
        // no credentials of the host's user: an empty auth file location and docker config
        podman = CliClient.podman(daemon, root).withEnv("XDG_RUNTIME_DIR", root.resolve("xdg-run").toString())
                .withEnv("DOCKER_CONFIG", root.resolve("podman-docker-config").toString())
                .withTimeout(Duration.ofSeconds(90)).withDeadline(30);
        // the daemon logs through this JVM's logback, set up by Spring Boot as the context started
        daemonLog = new ListAppender<>();
        daemonLog.start();
        rootLogger().addAppender(daemonLog);
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemonLog != null) {
            rootLogger().detachAppender(daemonLog);
        }
        if (daemon != null) {
            podman.run("play", "kube", "--down", root.resolve("kube.yaml").toString());
            daemon.close();
        }
        for (LocalRegistry reg : new LocalRegistry[] {plain, secure, untrusted, token}) {
            if (reg != null) {
                reg.close();
            }
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    // --- the docker CLI and a plain-HTTP registry marked insecure ------------------------------------------

    @Test
    @Order(1)
    void dockerPullShowsProgressThenIsUpToDate() throws Exception {
        String ref = plain.host() + "/busybox:latest";
        String out = ok("pull", ref);
        assertThat(out).contains("Pulling fs layer", "Pull complete", "Digest: " + seeded.busybox().digest(),
                "Status: Downloaded newer image for " + ref);
        assertThat(out.lines().filter(l -> l.endsWith(": Pull complete")).count()).as(out).isEqualTo(3);

        assertThat(ok("pull", ref)).contains("Status: Image is up to date for " + ref)
                .doesNotContain("Pull complete");
        assertThat(ok("images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}}"))
                .contains(ref + " " + seeded.busybox().digest());
        // content of the second and third layer, on top of the first's busybox
        assertThat(ok("run", "--rm", ref, "sh", "-c", "cat /hello.txt /etc/seed-release"))
                .isEqualTo((RegistrySeed.HELLO + RegistrySeed.RELEASE).strip());
    }

    @Test
    @Order(2)
    void dockerPullsByDigestAndOciManifests() throws Exception {
        String byDigest = seeded.busybox().byDigest();
        assertThat(ok("pull", byDigest)).contains("Digest: " + seeded.busybox().digest());
        assertThat(ok("run", "--rm", byDigest, "cat", "/hello.txt")).isEqualTo(RegistrySeed.HELLO.strip());

        String oci = plain.host() + "/busybox-oci:latest";
        String out = ok("pull", oci);
        assertThat(out).contains("Pulling from busybox-oci", "Digest: " + seeded.busyboxOci().digest());
        assertThat(ok("image", "inspect", "--format", "{{json .RepoDigests}}", oci))
                .contains(seeded.busyboxOci().byDigest());
        assertThat(ok("run", "--rm", oci, "cat", "/etc/seed-release")).isEqualTo(RegistrySeed.RELEASE.strip());
        // same config as busybox:latest, so the same image, but a new tag: dockerd says "downloaded" then
        assertThat(out).contains("Status: Downloaded newer image for " + oci);
    }

    @Test
    @Order(3)
    void dockerPicksThePlatformOfAMultiArchImage() throws Exception {
        String ref = plain.host() + "/multi:latest";
        ok("pull", ref);
        String host = RegistrySeed.hostArch();
        assertThat(ok("image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", ref)).isEqualTo("linux/" + host);
        assertThat(ok("run", "--rm", ref, "cat", "/arch")).isEqualTo(host);
        // the other variant is pulled, not run (its busybox is the host's anyway, but its config says arm64)
        String other = host.equals("arm64") ? "amd64" : "arm64";
        ok("pull", "--platform", "linux/" + other, ref);
        assertThat(ok("image", "inspect", "--format", "{{.Architecture}}", ref)).isEqualTo(other);
    }

    @Test
    @Order(4)
    void dockerPullOfAMissingTagFailsClearly() throws Exception {
        ProcessRunner.Result r = docker.run("pull", plain.host() + "/busybox:nosuchtag");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("nosuchtag").containsAnyOf("not found", "manifest unknown")
                .doesNotContain("Exception");
    }

    @Test
    @Order(5)
    void dockerPushThenPullBackGivesTheSameDigest() throws Exception {
        long since = java.time.Instant.now().getEpochSecond() - 1;
        String pushed = plain.host() + "/pushed:v1";
        ok("tag", plain.host() + "/busybox:latest", pushed);
        String out = ok("push", pushed);
        Matcher m = Pattern.compile("v1: digest: (sha256:[0-9a-f]{64}) size: \\d+").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        String digest = m.group(1);
        // what the registry now serves under that tag is that manifest
        assertThat(registryDigest(plain, "pushed", "v1")).isEqualTo(digest);

        assertThat(ok("rmi", pushed)).contains("Untagged: " + pushed);
        assertThat(docker.run("image", "inspect", pushed).exitCode()).isNotZero();
        assertThat(ok("pull", pushed)).contains("Digest: " + digest);
        assertThat(ok("images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Digest}}"))
                .contains(pushed + " " + digest);
        Thread.sleep(1100); // the CLI sends "--until 0s" as whole seconds: let this one pass
        String events = ok("events", "--since", Long.toString(since), "--until", "0s", "--filter", "type=image",
                "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        assertThat(events.lines().filter(l -> l.contains(plain.host() + "/pushed")).map(l -> l.split(" ")[0]))
                .as(events).containsSubsequence("push", "pull");
    }

    @Test
    @Order(6)
    void dockerRunOfAnImageNotPresentPullsIt() throws Exception {
        String ref = plain.host() + "/dockerrun:latest";
        assertThat(docker.run("image", "inspect", ref).exitCode()).isNotZero();
        ProcessRunner.Result r = docker.run("run", "--rm", ref, "cat", "/etc/seed-release");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip()).isEqualTo(RegistrySeed.RELEASE.strip());
        // the CLI asked to create, got a 404, pulled and created again (its layers were all there already)
        assertThat(r.stderr()).contains("Unable to find image '" + ref + "' locally", "Pulling from dockerrun",
                "Digest: sha256:");
        assertThat(ok("image", "inspect", "--format", "{{json .RepoDigests}}", ref)).contains(ref.replace(":latest", "@"));
    }

    // --- the docker CLI and HTTPS with basic authentication ------------------------------------------------

    @Test
    @Order(10)
    void dockerPullWithoutLoginIsRefusedClearly() throws Exception {
        // the CLI asks for a user name on a 401 from the daemon and waits for ever, which dockerd never causes:
        // it answers a registry's refusal with a 500. The timeout turns such a hang into a failure here.
        ProcessRunner.Result r = anonymous("pull", secure.host() + "/busybox:latest");
        assertThat(r.stdout()).as("the CLI prompted for credentials").doesNotContain("Username:");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr().toLowerCase()).containsAnyOf("unauthorized", "requires authentication",
                "no basic auth credentials");
    }

    @Test
    @Order(10)
    void dockerPushWithoutLoginIsRefusedClearly() throws Exception {
        String target = secure.host() + "/anonymous:v1";
        ok("tag", plain.host() + "/busybox:latest", target);
        ProcessRunner.Result r = anonymous("push", target);
        assertThat(r.stdout()).as("the CLI prompted for credentials").doesNotContain("Username:");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr().toLowerCase()).containsAnyOf("unauthorized", "requires authentication",
                "no basic auth credentials");
        ok("rmi", target);
    }

    @Test
    @Order(11)
    void dockerLoginPullAndPushOverHttps() throws Exception {
        ProcessRunner.Result wrong = login(secure, WRONG_PASSWORD);
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr().toLowerCase()).containsAnyOf("unauthorized", "incorrect");
        assertThat(Files.exists(root.resolve("docker-config/config.json"))).isFalse();

        ProcessRunner.Result right = login(secure, PASSWORD);
        assertThat(right.exitCode()).as(right.stderr()).isZero();
        assertThat(right.stdout()).contains("Login Succeeded");
        assertThat(Files.readString(root.resolve("docker-config/config.json"))).contains(secure.host());

        // the CLI sends the stored credentials as X-Registry-Auth
        String ref = secure.host() + "/busybox:latest";
        assertThat(ok("pull", ref)).contains("Digest: " + registryDigest(secure, "busybox", "latest"));
        assertThat(ok("run", "--rm", ref, "cat", "/hello.txt")).isEqualTo(RegistrySeed.HELLO.strip());
        String pushed = secure.host() + "/pushed:v1";
        ok("tag", ref, pushed);
        assertThat(ok("push", pushed)).contains("v1: digest: sha256:");
        assertThat(registryDigest(secure, "pushed", "v1")).startsWith("sha256:");
    }

    // --- the docker CLI and bearer tokens --------------------------------------------------------------------

    @Test
    @Order(20)
    void dockerLoginPullAndPushWithTokens() throws Exception {
        ProcessRunner.Result login = login(token, TOKEN_PASSWORD);
        assertThat(login.exitCode()).as(login.stderr()).isZero();
        String ref = token.host() + "/busybox:latest";
        assertThat(ok("pull", ref)).contains("Digest: sha256:", "Status: ");
        assertThat(ok("image", "inspect", "--format", "{{json .RepoDigests}}", ref)).contains(token.host() + "/busybox@");
        String pushed = token.host() + "/tpushed:v1";
        ok("tag", ref, pushed);
        assertThat(ok("push", pushed)).contains("v1: digest: sha256:");

        List<String> scopes = token.tokenServer().scopesSeen();
        assertThat(scopes).as(scopes.toString()).contains("repository:busybox:pull");
        assertThat(scopes).as(scopes.toString())
                .anyMatch(s -> s.startsWith("repository:tpushed:") && s.contains("push"));
        assertThat(token.tokenServer().requests()).allMatch(r -> USER.equals(r.user()) || r.status() != 200);
    }

    // --- podman's remote client -------------------------------------------------------------------------------

    @Test
    @Order(30)
    void podmanPullsAShortNameFromTheSearchRegistry() throws Exception {
        String resolved = plain.host() + "/short:latest";
        assertThat(podman.run("image", "exists", resolved).exitCode()).isEqualTo(1);
        podman.ok("pull", "short");
        assertThat(podman.run("image", "exists", resolved).exitCode()).isZero();
        assertThat(podman.ok("images", "--format", "{{.Repository}}:{{.Tag}}")).contains(resolved);
    }

    @Test
    @Order(31)
    void podmanPullWithoutTlsVerificationAndCredentials() throws Exception {
        String ref = untrusted.host() + "/busybox:latest";
        String creds = USER + ":" + PASSWORD;
        podman.ok("pull", "--tls-verify=false", "--creds", creds, ref);
        assertThat(podman.run("image", "exists", ref).exitCode()).isZero();
        ProcessRunner.Result badCreds = podman.run("pull", "--tls-verify=false", "--creds", USER + ":" + WRONG_PASSWORD,
                ref);
        assertThat(badCreds.exitCode()).isNotZero();
        assertThat(badCreds.stderr().toLowerCase()).containsAnyOf("unauthorized", "authentication required");
        // its CA is in no certs.d and the registry is not insecure: verification fails, and says so
        ProcessRunner.Result verified = podman.run("pull", "--creds", creds, ref);
        assertThat(verified.exitCode()).isNotZero();
        assertThat(verified.stderr()).containsAnyOf("x509", "certificate");
    }

    @Test
    @Order(32)
    void podmanPushesToANewRepository() throws Exception {
        String pushed = plain.host() + "/podpushed:v1";
        podman.ok("tag", plain.host() + "/busybox:latest", pushed);
        podman.ok("push", pushed);
        assertThat(registryDigest(plain, "podpushed", "v1")).startsWith("sha256:");
        HttpResponse<String> tags = HTTP.send(HttpRequest.newBuilder(URI.create(plain.url()
                + "/v2/podpushed/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.body()).contains("\"v1\"");
    }

    @Test
    @Order(33)
    void podmanRunOfAMissingImagePullsIt() throws Exception {
        String ref = plain.host() + "/podrun:latest";
        assertThat(podman.run("image", "exists", ref).exitCode()).isEqualTo(1);
        assertThat(podman.ok("run", "--rm", ref, "cat", "/hello.txt")).isEqualTo(RegistrySeed.HELLO.strip());
        assertThat(podman.run("image", "exists", ref).exitCode()).isZero();
    }

    @Test
    @Order(34)
    void playKubePullsAnImageOnlyInTheRegistry() throws Exception {
        String ref = plain.host() + "/kube:latest";
        assertThat(podman.run("image", "exists", ref).exitCode()).isEqualTo(1);
        Path yaml = root.resolve("kube.yaml");
        Files.writeString(yaml, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: pulled
                spec:
                  containers:
                  - name: c
                    image: %s
                    command: ["sh", "-c", "cat /hello.txt; sleep 300"]
                """.formatted(ref));
        podman.ok("play", "kube", yaml.toString());
        assertThat(podman.run("image", "exists", ref).exitCode()).isZero();
        String logs = "";
        for (int i = 0; i < 50 && !logs.contains("hello"); i++, Thread.sleep(100)) {
            logs = podman.ok("logs", "pulled-c");
        }
        assertThat(logs).isEqualTo(RegistrySeed.HELLO.strip());
        podman.ok("play", "kube", "--down", yaml.toString());
    }

    // --- Testcontainers -----------------------------------------------------------------------------------

    @Test
    @Order(40)
    void testcontainersPullsAndRunsAGenericContainer() throws Exception {
        assertThat(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))
                .as("failsafe sets TESTCONTAINERS_RYUK_DISABLED: Ryuk's image is on no registry here")
                .isEqualTo("true");
        io.jpod.testing.TestcontainersClient.configure();
        String ref = plain.host() + "/tc:latest";
        String id;
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(ref))
                .withCommand("sh", "-c", "echo ready; sleep 30")
                .waitingFor(Wait.forLogMessage("ready\\n", 1).withStartupTimeout(Duration.ofSeconds(30)))) {
            c.start();
            id = c.getContainerId();
            assertThat(c.isRunning()).isTrue();
            assertThat(c.getLogs()).contains("ready");
            assertThat(ok("image", "inspect", "--format", "{{json .RepoDigests}}", ref)).contains("sha256:");
            c.stop();
        }
        assertThat(docker.run("inspect", id).exitCode()).as("removed on stop").isNotZero();
    }

    // --- credentials stay out of the log -----------------------------------------------------------------

    @Test
    @Order(99)
    void noCredentialReachedTheDaemonLog() {
        List<String> secrets = new ArrayList<>();
        for (String pw : List.of(PASSWORD, TOKEN_PASSWORD, WRONG_PASSWORD)) {
            secrets.add(pw);
            secrets.add(Base64.getEncoder().encodeToString((USER + ":" + pw).getBytes(StandardCharsets.UTF_8)));
        }
        List<ILoggingEvent> events = daemonLog.list;
        assertThat(events).as("the daemon logged through logback during the tests").isNotEmpty();
        for (ILoggingEvent e : List.copyOf(events)) {
            String line = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(line).doesNotContain(secrets);
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Without stored credentials; a client waiting for a user name gives up after a few seconds. */
    static ProcessRunner.Result anonymous(String... args) throws Exception {
        return anonymousCli.run(args);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static ProcessRunner.Result login(LocalRegistry reg, String password) throws Exception {
        return docker.run(password.getBytes(StandardCharsets.UTF_8), "login", "-u", USER, "--password-stdin",
                reg.host());
    }

    /** The manifest digest the registry serves for {@code repo:tag}, asked over HTTP with its credentials. */
    static String registryDigest(LocalRegistry reg, String repo, String tag) throws Exception {
        HttpClient client = reg.tlsEnabled()
                ? HttpClient.newBuilder().sslContext(reg.sslContext()).build()
                : HTTP;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(reg.url() + "/v2/" + repo + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                        + "application/vnd.oci.image.manifest.v1+json");
        if (reg.user() != null && reg.tokenServer() == null) {
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (reg.user() + ":" + reg.password()).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<Void> r = client.send(req.build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("HEAD manifest " + repo + ":" + tag).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
