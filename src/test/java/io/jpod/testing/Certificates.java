package io.jpod.testing;

import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test certificates made with the host's openssl: a throw-away CA and a server certificate for
 * 127.0.0.1/localhost that it signs, as a registry serving HTTPS needs. Package-private plumbing of
 * {@link LocalRegistry} and {@link TokenServer}.
 */
final class Certificates {

    private Certificates() {}

    /** Writes ca.crt, ca.key, server.crt and server.key into {@code dir}. */
    static void caAndServer(Path dir) throws IOException {
        Files.createDirectories(dir);
        // P-256 keys: generated in milliseconds, unlike RSA, and every TLS client here speaks ECDSA
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=jpod test CA", "-keyout", "ca.key", "-out", "ca.crt",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=serverAuth\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
    }

    /** Runs openssl in {@code dir}; fails with its stderr. */
    static void openssl(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("openssl");
        argv.addAll(List.of(args));
        // openssl resolves relative paths against its working directory: run it through sh -c cd
        List<String> sh = List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString());
        List<String> full = new ArrayList<>(sh);
        full.addAll(argv);
        ProcessRunner.Result r = ProcessRunner.run(full, Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new IOException("openssl " + String.join(" ", args) + ": " + r.stderr());
        }
    }

    /** The base64 body of the first PEM block of the given type. */
    static byte[] pemBody(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END " + type + "-----");
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("no " + type + " PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
    }

    /** A TLS context that trusts only the given PEM CA certificate. */
    static SSLContext trusting(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("trust store for " + caPem + ": " + e.getMessage(), e);
        }
    }
}
