package io.jpod.testing;

import io.jpod.JpodApplication;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A real jpod daemon in a process of its own, confined to one root as {@link TestDaemon#isolated}
 * confines an in-JVM one, so that a test can SIGKILL it mid-operation and start another on the same
 * roots. It serves loopback TCP on a port chosen once (the same across restarts) with the bearer
 * token from the root's token file; {@link #main} is the child's entry point.
 */
public final class ForkedDaemon implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final int port;
    private Process process;
    private String bearer;

    private ForkedDaemon(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    /**
     * The child: a daemon with the isolated properties of {@code args[0]} (its root) on port {@code args[1]},
     * with lock segment {@code args[2]}: named for the test JVM, whose clean-up removes it after the run.
     */
    public static void main(String[] args) {
        List<String> options = new ArrayList<>();
        Map<String, Object> p = properties(Path.of(args[0]), Integer.parseInt(args[1]));
        p.put("libpod.shm-lock-path", args[2]);
        for (Map.Entry<String, Object> e : p.entrySet()) {
            options.add("--" + e.getKey() + "=" + e.getValue());
        }
        new SpringApplicationBuilder(JpodApplication.class).run(options.toArray(String[]::new));
    }

    private static Map<String, Object> properties(Path root, int port) {
        Map<String, Object> p = TestDaemon.isolated(root);
        p.put("server.port", Integer.toString(port));
        p.put("jpod.api.tcp", "true");
        p.put("jpod.api.tcp-insecure", "false");
        return p;
    }

    /** A daemon on {@code root} (not started yet), on a free loopback port. */
    public static ForkedDaemon on(Path root) throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new ForkedDaemon(root, s.getLocalPort());
        }
    }

    /** Starts the daemon process and waits until it answers {@code /_ping}; returns how long that took. */
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        long t0 = System.nanoTime();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx768m",
                "-cp", System.getProperty("java.class.path"), ForkedDaemon.class.getName(),
                root.toAbsolutePath().toString(), Integer.toString(port), TestDaemon.shmPath(root));
        File log = root.resolve("daemon.log").toFile();
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the daemon ended with " + process.exitValue() + " at start: see " + log);
            }
            if (bearer == null) {
                Path tokenFile = root.resolve("etc/jpod/access-token");
                if (Files.isRegularFile(tokenFile) && Files.readString(tokenFile).strip().length() >= 32) {
                    bearer = "Bearer " + Files.readString(tokenFile).strip();
                }
            }
            if (bearer != null) {
                try {
                    if (send("GET", "/_ping", null, Duration.ofSeconds(2)).statusCode() == 200) {
                        return Duration.ofNanos(System.nanoTime() - t0);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the daemon did not answer within " + timeout + ": see " + log);
    }

    /** SIGKILL, as a crash or an OOM kill would end it: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path root() {
        return root;
    }

    /** A request with the bearer token; {@code body} is JSON or null. */
    public HttpResponse<String> send(String method, String path, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout).header("Authorization", bearer);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a binary body (a tar: an import, a build context). */
    public HttpResponse<String> sendBytes(String method, String path, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
                .header("Authorization", bearer).header("Content-Type", "application/x-tar")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the daemon as a person would (SIGTERM), so it closes its state cleanly. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
