package io.jpod.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jpod.error.ConfigException;
import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TCP with TLS and client certificates, Docker's {@code --tlsverify} model, driven with the docker
 * CLI; and the set-ups the daemon refuses to start with: beyond loopback without TLS, insecure beyond
 * loopback, an unreadable TLS file.
 */
class TlsListenerIT {

    static Path root;
    static Path pki;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-tls");
        pki = root.resolve("pki");
        Files.createDirectories(pki);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=jpod test CA", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        signed("server", "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        signed("client", "/CN=jpod client", "extendedKeyUsage=clientAuth\n");
        Map<String, Object> p = tls(TestDaemon.isolated(root));
        daemon = TestDaemon.start(p);
    }

    static Map<String, Object> tls(Map<String, Object> p) {
        p.put("jpod.api.tcp-insecure", "false");
        p.put("jpod.api.tls-ca", pki.resolve("ca.pem").toString());
        p.put("jpod.api.tls-cert", pki.resolve("server-cert.pem").toString());
        p.put("jpod.api.tls-key", pki.resolve("server-key.pem").toString());
        return p;
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    @Test
    void theDockerCliWithAClientCertificateGetsIn() throws Exception {
        ProcessRunner.Result r = docker("--tlsverify", "--tlscacert", pki.resolve("ca.pem").toString(),
                "--tlscert", pki.resolve("client-cert.pem").toString(), "--tlskey",
                pki.resolve("client-key.pem").toString(), "version", "--format", "{{.Server.Os}}");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("linux");
    }

    @Test
    void withoutAClientCertificateTheHandshakeFails() throws Exception {
        ProcessRunner.Result r = docker("--tlsverify", "--tlscacert", pki.resolve("ca.pem").toString(), "ps");
        assertThat(r.exitCode()).isNotZero();
        // not even the bearer token replaces the certificate
        ProcessRunner.Result curl = ProcessRunner.run(List.of("curl", "-sS", "--cacert", pki.resolve("ca.pem")
                .toString(), "-H", daemon.bearer(), "https://127.0.0.1:" + daemon.port() + "/_ping"),
                Duration.ofSeconds(30));
        assertThat(curl.exitCode()).isNotZero();
        assertThat(curl.stdout()).isEmpty();
    }

    @Test
    void openSetUpsAreRefusedAtStart() throws Exception {
        Path other = Files.createTempDirectory(root, "refused");
        Map<String, Object> wide = TestDaemon.isolated(other);
        wide.put("server.address", "0.0.0.0");
        wide.put("jpod.api.tcp-insecure", "false");
        assertThat(startFailure(wide)).contains("refusing to listen on 0.0.0.0").contains("without TLS")
                .contains("jpod.api.tls-cert");

        wide.put("jpod.api.tcp-insecure", "true");
        assertThat(startFailure(wide)).contains("tcp-insecure is allowed on loopback only");

        Map<String, Object> missing = tls(TestDaemon.isolated(other));
        Path key = other.resolve("no-such-key.pem");
        missing.put("jpod.api.tls-key", key.toString());
        assertThat(startFailure(missing)).contains("jpod.api.tls-key").contains(key.toString());
    }

    static String startFailure(Map<String, Object> properties) {
        Throwable t = catchThrowable(() -> TestDaemon.start(properties).close());
        assertThat(t).isNotNull();
        while (t != null && !(t instanceof ConfigException)) {
            t = t.getCause();
        }
        assertThat(t).as("a ConfigException in the cause chain").isNotNull();
        return t.getMessage();
    }

    static ProcessRunner.Result docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", "tcp://127.0.0.1:" + daemon.port()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("DOCKER_CONFIG", root.resolve("docker").toString()),
                Duration.ofSeconds(60));
    }

    static void signed(String name, String subject, String ext) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", subject,
                "-keyout", name + "-key.pem", "-out", name + ".csr");
        Files.writeString(pki.resolve(name + ".ext"), ext);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + "-cert.pem");
    }

    static void openssl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec openssl \"$@\"", pki.toString()));
        argv.addAll(List.of(args));
        ProcessRunner.Result r = ProcessRunner.run(argv, Duration.ofSeconds(30));
        assertThat(r.exitCode()).as("openssl " + String.join(" ", args) + ": " + r.stderr()).isZero();
    }
}
