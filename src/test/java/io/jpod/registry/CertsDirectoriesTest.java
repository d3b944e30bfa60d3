package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.jpod.error.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * certs.d against real TLS: a CA, a server certificate and a client certificate made with openssl,
 * and JDK HTTPS servers on 127.0.0.1 (one of them demanding a client certificate).
 */
class CertsDirectoriesTest {

    @TempDir
    static Path pki;

    @TempDir
    Path tmp;

    static HttpsServer server;
    static HttpsServer clientAuthServer;

    static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    @BeforeAll
    static void makeCertificatesAndServers() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=jpod test CA");
        Files.writeString(pki.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        // the client key in SEC1 form (EC PRIVATE KEY), as openssl ecparam writes it
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "client.key");
        openssl("req", "-new", "-key", "client.key", "-out", "client.csr", "-subj", "/CN=jpod client");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.cert", "-days", "2");
        openssl("genrsa", "-traditional", "-out", "pkcs1.key", "2048");

        SSLContext serverTls = serverContext();
        server = start(serverTls, false);
        clientAuthServer = start(serverTls, true);
    }

    private static SSLContext serverContext() throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Certificate serverCert;
        Certificate ca;
        try (InputStream a = Files.newInputStream(pki.resolve("server.crt"));
                InputStream b = Files.newInputStream(pki.resolve("ca.crt"))) {
            serverCert = cf.generateCertificate(a);
            ca = cf.generateCertificate(b);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", CertsDirectories.privateKey(pki.resolve("server.key")), new char[0],
                new Certificate[] {serverCert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static HttpsServer start(SSLContext tls, boolean needClientAuth) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                // given SSLParameters, the server reads client auth from them, not from params' own flag
                var ssl = tls.getDefaultSSLParameters();
                ssl.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(ssl);
            }
        });
        s.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        s.start();
        return s;
    }

    @AfterAll
    static void stopServers() {
        server.stop(0);
        clientAuthServer.stop(0);
    }

    private static String host(HttpsServer s) {
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private static int get(HttpsServer s, SSLContext tls) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host(s) + "/")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Path hostDir(Path root, HttpsServer s, String... files) throws IOException {
        Path dir = Files.createDirectories(root.resolve(host(s)));
        for (String f : files) {
            Files.copy(pki.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void theHostsCaIsTrustedBesideTheSystemOnes() throws Exception {
        hostDir(tmp.resolve("containers"), server, "ca.crt");
        CertsDirectories certs = new CertsDirectories(List.of(tmp.resolve("containers"), tmp.resolve("docker")));
        assertThat(get(server, certs.forHost(host(server), false))).isEqualTo(200);
    }

    @Test
    void theDockerRootCountsToo() throws Exception {
        hostDir(tmp.resolve("docker"), server, "ca.crt");
        CertsDirectories certs = new CertsDirectories(List.of(tmp.resolve("containers"), tmp.resolve("docker")));
        assertThat(get(server, certs.forHost(host(server), false))).isEqualTo(200);
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        CertsDirectories certs = new CertsDirectories(List.of(tmp.resolve("containers")));
        assertThatThrownBy(() -> get(server, certs.forHost(host(server), false))).isInstanceOf(IOException.class);
    }

    @Test
    void anInsecureRegistryTrustsAnyCertificate() throws Exception {
        CertsDirectories certs = new CertsDirectories(List.of(tmp.resolve("containers")));
        assertThat(get(server, certs.forHost(host(server), true))).isEqualTo(200);
    }

    @Test
    void aCertAndKeyPairIsTheClientCertificate() throws Exception {
        Path root = tmp.resolve("containers");
        hostDir(root, clientAuthServer, "ca.crt", "client.cert", "client.key");
        assertThat(get(clientAuthServer, new CertsDirectories(List.of(root)).forHost(host(clientAuthServer), false)))
                .isEqualTo(200);
        Path bare = tmp.resolve("bare");
        hostDir(bare, clientAuthServer, "ca.crt");
        SSLContext noClientCert = new CertsDirectories(List.of(bare)).forHost(host(clientAuthServer), false);
        assertThatThrownBy(() -> get(clientAuthServer, noClientCert)).isInstanceOf(IOException.class);
    }

    @Test
    void aClientCertificateWithoutItsKeyIsAnError() throws Exception {
        Path dir = hostDir(tmp.resolve("containers"), server, "client.cert");
        CertsDirectories certs = new CertsDirectories(List.of(tmp.resolve("containers")));
        assertThatThrownBy(() -> certs.forHost(host(server), false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("client.cert").toString()).hasMessageContaining("client.key");
    }

    @Test
    void pemKeysInEachFormatParse() throws Exception {
        assertThat(CertsDirectories.privateKey(pki.resolve("server.key")).getAlgorithm()).isEqualTo("RSA"); // PKCS#8
        assertThat(CertsDirectories.privateKey(pki.resolve("pkcs1.key")).getAlgorithm()).isEqualTo("RSA");
        assertThat(CertsDirectories.privateKey(pki.resolve("client.key")).getAlgorithm()).isIn("EC", "ECDSA");
        Path notAKey = Files.writeString(tmp.resolve("x.key"), "hello\n");
        assertThatThrownBy(() -> CertsDirectories.privateKey(notAKey)).hasMessageContaining("x.key");
    }

    @Test
    void contextsAreCachedUntilTheDirectoryChanges() throws Exception {
        Path root = tmp.resolve("containers");
        CertsDirectories certs = new CertsDirectories(List.of(root));
        SSLContext first = certs.forHost(host(server), false);
        assertThat(certs.forHost(host(server), false)).isSameAs(first);
        assertThat(certs.forHost(host(server), true)).isNotSameAs(first);
        hostDir(root, server, "ca.crt");
        SSLContext second = certs.forHost(host(server), false);
        assertThat(second).isNotSameAs(first);
        assertThat(get(server, second)).isEqualTo(200);
    }
}
