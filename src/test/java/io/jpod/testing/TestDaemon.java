package io.jpod.testing;

import io.jpod.JpodApplication;
import io.jpod.api.access.AccessToken;
import io.jpod.lock.LockManager;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.runtime.ObjectRegistry;
import io.jpod.state.State;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real jpod daemon in this JVM: full Spring context, SQLite state file, HTTP on a random loopback
 * port. Every path it uses lives under one root directory, so it never touches the host's /etc,
 * /var/lib/jpod or /run/jpod, and two daemons can share a root to act as restarts of one another.
 * It listens on its own Unix socket ({@link #socket()}; CLI clients use {@link #dockerHost()}) and on
 * loopback TCP that, like a production daemon's, takes no request without a credential: the bearer
 * token {@link #send} adds ({@link #bearer()}), or a dashboard session ({@link #dashboardLoginUrl()}).
 */
public final class TestDaemon implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ConfigurableApplicationContext context;

    private TestDaemon(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Properties that confine a daemon to {@code root}; all explicit, so the DB never overrides them. */
    public static Map<String, Object> isolated(Path root) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("spring.main.banner-mode", "off");
        p.put("libpod.system-config-file", root.resolve("etc/containers/libpod.conf").toString());
        p.put("libpod.vendor-config-file", root.resolve("usr/share/containers/libpod.conf").toString());
        p.put("libpod.registries-config-file", root.resolve("etc/containers/registries.conf").toString());
        p.put("libpod.registries-certs-dirs", root.resolve("etc/containers/certs.d") + ","
                + root.resolve("etc/docker/certs.d"));
        p.put("libpod.storage.config-file", root.resolve("etc/jpod/storage.conf").toString());
        p.put("libpod.storage.graph-root", root.resolve("storage").toString());
        p.put("libpod.storage.run-root", root.resolve("run/storage").toString());
        p.put("libpod.tmp-dir", root.resolve("run/libpod").toString());
        p.put("libpod.cni-config-dir", root.resolve("etc/cni/net.d").toString());
        p.put("jpod.host.home", root.resolve("home").toString());
        p.put("libpod.shm-lock-path", shmPath(root));
        p.put("jpod.api.token-file", root.resolve("etc/jpod/access-token").toString());
        Path socket = root.resolve("run/jpod.sock").toAbsolutePath();
        if (socket.toString().length() < 100) { // a Unix socket path has at most 107 bytes
            p.put("jpod.api.socket", socket.toString());
        }
        return p;
    }

    /** A lock segment of this root's own; {@link ShmSegmentCleanup} removes them after the run. */
    public static String shmPath(Path root) {
        return ShmSegmentCleanup.PREFIX + Integer.toHexString(root.toAbsolutePath().hashCode());
    }

    public static TestDaemon start(Map<String, Object> properties) {
        // As command-line options: Spring's "default properties" would rank below jpod's own defaults.
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.putIfAbsent("jpod.api.tcp", "true");
        all.putIfAbsent("jpod.api.tcp-insecure", "false");
        if (!all.containsKey("jpod.api.socket") || !all.containsKey("jpod.api.token-file")) {
            try {
                Path dir = Files.createTempDirectory("jpod-sock");
                all.putIfAbsent("jpod.api.socket", dir.resolve("jpod.sock").toString());
                all.putIfAbsent("jpod.api.token-file", dir.resolve("access-token").toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(JpodApplication.class).run(args);
        return new TestDaemon(ctx);
    }

    public static TestDaemon start(Path root) {
        return start(isolated(root));
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public LibpodRuntime runtime() {
        return context.getBean(LibpodRuntime.class);
    }

    /** The daemon's state, as the services use it. */
    public State state() {
        return context.getBean(State.class);
    }

    public LockManager locks() {
        return context.getBean(LockManager.class);
    }

    /** Where the daemon records new containers and pods (names, locks). */
    public ObjectRegistry registry() {
        return context.getBean(ObjectRegistry.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Sends {@code request}, with the bearer token unless it carries an Authorization header already. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        if (request.headers().firstValue("Authorization").isEmpty()) {
            request = HttpRequest.newBuilder(request, (n, v) -> true).header("Authorization", bearer()).build();
        }
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The daemon's Unix socket. */
    public Path socket() {
        return Path.of(context.getEnvironment().getRequiredProperty("jpod.api.socket"));
    }

    /** The daemon's socket as a client's host URL: {@code docker -H}, {@code podman --url}, docker.host. */
    public String dockerHost() {
        return "unix://" + socket();
    }

    /** The {@code Authorization} header value that authenticates on TCP. */
    public String bearer() {
        return "Bearer " + bean(AccessToken.class).value();
    }

    /** The URL that logs a browser into the dashboard (as {@code config/jpod-up.sh} prints it). */
    public String dashboardLoginUrl() {
        return "http://127.0.0.1:" + port() + "/login?token=" + bean(AccessToken.class).value();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        context.close();
    }
}
