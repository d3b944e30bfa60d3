package io.jpod.testing;

import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A real distribution registry (Debian's {@code /usr/bin/docker-registry}, 2.8) on a free 127.0.0.1 port, for
 * pull and push tests. Each instance writes its own config.yml and storage directory under a temporary
 * directory (never the package's /etc/docker/registry/config.yml, never its system service) and removes them on
 * {@link #close()}. Start-up waits until {@code /v2/} answers.
 *
 * <pre>{@code
 * try (LocalRegistry reg = LocalRegistry.plain()) { ... reg.host() ... }                 // HTTP, no auth
 * try (LocalRegistry reg = LocalRegistry.tlsHtpasswd("alice", "s3cret")) { ... }         // HTTPS + basic auth
 * try (LocalRegistry reg = LocalRegistry.tokenAuth("alice", "s3cret")) {                 // bearer tokens
 *     reg.tokenServer().scopesSeen() ...
 * }
 * LocalRegistry.builder().tls().htpasswd(u, p).start();                                   // any combination
 * }</pre>
 *
 * With TLS, {@link #caCertificate()} is the CA's PEM, {@link #certDir()} a directory holding it as ca.crt (for
 * skopeo's {@code --cert-dir}) and {@link #writeCertsD(Path)} lays out {@code certs.d/HOST:PORT/ca.crt}.
 */
public final class LocalRegistry implements AutoCloseable {

    /** How to start a registry. */
    public static final class Builder {
        private boolean tls;
        private String user;
        private String password;
        private boolean token;
        private boolean anonymousPull;

        private Builder() {}

        /** Serve HTTPS with a certificate signed by a CA made for this registry. */
        public Builder tls() {
            tls = true;
            return this;
        }

        /** Basic authentication against an htpasswd file (bcrypt) holding this one user. */
        public Builder htpasswd(String user, String password) {
            this.user = user;
            this.password = password;
            this.token = false;
            return this;
        }

        /**
         * Bearer-token authentication through a {@link TokenServer} started with (and closed with) the
         * registry; it knows this one user. {@code anonymousPull} lets clients without credentials pull.
         */
        public Builder tokenAuth(String user, String password, boolean anonymousPull) {
            this.user = user;
            this.password = password;
            this.token = true;
            this.anonymousPull = anonymousPull;
            return this;
        }

        public LocalRegistry start() throws IOException {
            return new LocalRegistry(this);
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Path storage;
    private final Path log;
    private final boolean tls;
    private final String user;
    private final String password;
    private final TokenServer tokenServer;
    private final HttpClient client;
    private Process process;
    private int port;

    public static Builder builder() {
        return new Builder();
    }

    /** Plain HTTP, no authentication. */
    public static LocalRegistry plain() throws IOException {
        return builder().start();
    }

    /** HTTPS (own CA) with htpasswd basic authentication. */
    public static LocalRegistry tlsHtpasswd(String user, String password) throws IOException {
        return builder().tls().htpasswd(user, password).start();
    }

    /** Plain HTTP with bearer tokens from a {@link TokenServer}; anonymous clients get nothing. */
    public static LocalRegistry tokenAuth(String user, String password) throws IOException {
        return builder().tokenAuth(user, password, false).start();
    }

    private LocalRegistry(Builder b) throws IOException {
        dir = Files.createTempDirectory("jpod-registry");
        storage = Files.createDirectories(dir.resolve("storage"));
        log = dir.resolve("registry.log");
        tls = b.tls;
        user = b.user;
        password = b.password;
        TokenServer ts = null;
        try {
            if (tls) {
                Certificates.caAndServer(dir.resolve("tls"));
                Files.createDirectories(dir.resolve("certdir"));
                Files.copy(caCertificate(), dir.resolve("certdir/ca.crt"));
            }
            if (user != null && !b.token) {
                ProcessRunner.Result r = ProcessRunner.run(List.of("htpasswd", "-Bbn", user, password),
                        Duration.ofSeconds(30));
                if (!r.ok()) {
                    throw new IOException("htpasswd failed: " + r.stderr());
                }
                Files.writeString(dir.resolve("htpasswd"), r.stdout());
            }
            if (b.token) {
                ts = new TokenServer(dir.resolve("token"), user, password);
                ts.allowAnonymousPull(b.anonymousPull);
            }
            tokenServer = ts;
            HttpClient.Builder cb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2));
            if (tls) {
                cb.sslContext(sslContext());
            }
            client = cb.build();
            start();
        } catch (IOException | RuntimeException e) {
            if (ts != null) {
                ts.close();
            }
            stopProcess();
            deleteTree(dir);
            throw e;
        }
    }

    /** Picks a free port and starts; a port taken between the probe and the bind is retried. */
    private void start() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path config = dir.resolve("config.yml");
            Files.writeString(config, config());
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // REGISTRY_* variables override the config file: none of the caller's may leak in
            pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
            process = pb.start();
            try {
                awaitReady();
                return;
            } catch (IOException e) {
                last = e;
                stopProcess();
            }
        }
        throw last;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + logText());
            }
            try {
                int status = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the registry", e);
            }
            sleep(20);
        }
        throw new IOException("docker-registry did not answer /v2/ within " + START_TIMEOUT.toSeconds() + "s: "
                + logText());
    }

    private String config() {
        StringBuilder y = new StringBuilder();
        y.append("version: 0.1\n");
        y.append("log:\n  level: info\n  accesslog:\n    disabled: false\n");
        y.append("storage:\n  filesystem:\n    rootdirectory: ").append(q(storage)).append('\n');
        y.append("  delete:\n    enabled: true\n");
        // background purging of old uploads only adds noise to a short-lived test registry
        y.append("  maintenance:\n    uploadpurging:\n      enabled: false\n");
        y.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        y.append("  secret: jpod-test-registry-secret\n");
        if (tls) {
            y.append("  tls:\n    certificate: ").append(q(dir.resolve("tls/server.crt"))).append('\n');
            y.append("    key: ").append(q(dir.resolve("tls/server.key"))).append('\n');
        }
        if (tokenServer != null) {
            y.append("auth:\n  token:\n    realm: ").append(tokenServer.realm()).append('\n');
            y.append("    service: ").append(TokenServer.SERVICE).append('\n');
            y.append("    issuer: ").append(TokenServer.ISSUER).append('\n');
            y.append("    rootcertbundle: ").append(q(tokenServer.certificate())).append('\n');
        } else if (user != null) {
            y.append("auth:\n  htpasswd:\n    realm: jpod-test-registry\n    path: ")
                    .append(q(dir.resolve("htpasswd"))).append('\n');
        }
        return y.toString();
    }

    private static String q(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code 127.0.0.1:PORT}, as an image reference's registry part. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} or {@code https://...}, without a trailing slash. */
    public String url() {
        return (tls ? "https://" : "http://") + host();
    }

    public boolean tlsEnabled() {
        return tls;
    }

    /** The user name with access, or null for a registry without authentication. */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The token server of a token-auth registry, else null. */
    public TokenServer tokenServer() {
        return tokenServer;
    }

    /** The filesystem driver's root directory. */
    public Path storageDir() {
        return storage;
    }

    /** The registry's log (stdout and stderr), for debugging a failing test. */
    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Where the registry keeps a blob's bytes, e.g. to corrupt it: digest is {@code sha256:HEX}. */
    public Path blobFile(String digest) {
        if (!digest.startsWith("sha256:") || digest.length() != 71) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        String hex = digest.substring(7);
        return storage.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data");
    }

    /** The CA certificate (PEM) that signed the server certificate; TLS registries only. */
    public Path caCertificate() {
        requireTls();
        return dir.resolve("tls/ca.crt");
    }

    /** A directory holding only ca.crt: skopeo's {@code --cert-dir} / {@code --dest-cert-dir}. */
    public Path certDir() {
        requireTls();
        return dir.resolve("certdir");
    }

    /**
     * Writes {@code root/HOST:PORT/ca.crt}, the layout of /etc/containers/certs.d and /etc/docker/certs.d,
     * and returns that host directory.
     */
    public Path writeCertsD(Path root) throws IOException {
        Path hostDir = Files.createDirectories(root.resolve(host()));
        Files.copy(caCertificate(), hostDir.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return hostDir;
    }

    /** A TLS context trusting this registry's CA (for the JDK HttpClient). */
    public SSLContext sslContext() {
        return Certificates.trusting(caCertificate());
    }

    /**
     * skopeo's options to write to this registry: credentials and TLS trust, or {@code --dest-tls-verify=false}
     * for plain HTTP. {@code prefix} is "dest" or "src" ("" for inspect's {@code --creds}/{@code --cert-dir}).
     */
    public List<String> skopeoArgs(String prefix) {
        String p = prefix.isEmpty() ? "--" : "--" + prefix + "-";
        List<String> args = new ArrayList<>();
        if (tls) {
            args.add(p + "cert-dir=" + certDir());
        } else {
            args.add(p + "tls-verify=false");
        }
        if (user != null) {
            args.add(p + "creds=" + user + ":" + password);
        }
        return args;
    }

    private void requireTls() {
        if (!tls) {
            throw new IllegalStateException("this registry serves plain HTTP");
        }
    }

    private void stopProcess() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the registry and its token server and removes its files. */
    @Override
    public void close() {
        stopProcess();
        if (tokenServer != null) {
            tokenServer.close();
        }
        deleteTree(dir);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory is not worth failing a test for
        }
    }
}
