package io.jpod.registry;

import io.jpod.error.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS per registry host from {@code certs.d} directories ({@code <root>/<host[:port]>/}), as the
 * containers tools and Docker lay them out: {@code *.crt} are CA certificates trusted on top of the
 * JDK's own, and a {@code name.cert} with its {@code name.key} is the client certificate. One
 * {@link SSLContext} per host, rebuilt when the host's files change.
 */
public final class CertsDirectories {

    private final List<Path> roots;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(List<String> stamp, SSLContext context) {}

    /** {@code roots} in order of precedence, e.g. {@code /etc/containers/certs.d}, {@code /etc/docker/certs.d}. */
    public CertsDirectories(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * The context for {@code host} ({@code host[:port]}): the system's trust plus the host's CAs,
     * with its client certificate. With {@code insecure}, any server certificate is accepted (and
     * the name not checked), for this host only.
     */
    public SSLContext forHost(String host, boolean insecure) {
        List<Path> dirs = roots.stream().map(r -> r.resolve(host)).filter(Files::isDirectory).toList();
        List<Path> files = dirs.stream().flatMap(CertsDirectories::list).toList();
        List<String> stamp = new ArrayList<>();
        for (Path f : files) {
            stamp.add(f + "@" + modified(f));
        }
        String key = host + (insecure ? " insecure" : "");
        Cached c = cache.get(key);
        if (c == null || !c.stamp().equals(stamp)) {
            c = new Cached(stamp, build(files, insecure));
            cache.put(key, c);
        }
        return c.context();
    }

    private static SSLContext build(List<Path> files, boolean insecure) {
        try {
            List<X509Certificate> cas = new ArrayList<>();
            KeyManager[] keys = null;
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".crt")) {
                    cas.addAll(certificates(f));
                } else if (name.endsWith(".cert") && keys == null) {
                    Path keyFile = f.resolveSibling(name.substring(0, name.length() - ".cert".length()) + ".key");
                    if (!Files.isRegularFile(keyFile)) {
                        throw new ConfigException("client certificate " + f + " has no key " + keyFile.getFileName());
                    }
                    keys = keyManagers(certificates(f), privateKey(keyFile));
                } else if (name.endsWith(".key")) {
                    Path certFile = f.resolveSibling(name.substring(0, name.length() - ".key".length()) + ".cert");
                    if (!Files.isRegularFile(certFile)) {
                        throw new ConfigException("client key " + f + " has no certificate " + certFile.getFileName());
                    }
                }
            }
            TrustManager trust = insecure ? new TrustAll() : new SystemAndExtra(system(), extra(cas));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("certs.d: " + e.getMessage(), e);
        }
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList().stream();
        } catch (IOException e) {
            throw new ConfigException("error reading " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<X509Certificate> certificates(Path f) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(f)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new ConfigException("no certificate in " + f);
            }
            return out;
        }
    }

    /** PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) PEM. */
    static PrivateKey privateKey(Path f) throws IOException {
        try (Reader r = Files.newBufferedReader(f); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new ConfigException("no unencrypted private key in " + f);
    }

    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, none);
        return kmf.getKeyManagers();
    }

    private static X509ExtendedTrustManager system() throws GeneralSecurityException {
        return trustManager(null);
    }

    private static X509ExtendedTrustManager extra(List<X509Certificate> cas)
            throws GeneralSecurityException, IOException {
        if (cas.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca" + i, cas.get(i));
        }
        return trustManager(store);
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    /**
     * Trusts what the system trusts, or else what the host's CAs sign. Extended, so the JDK still
     * checks the server's name in the extended calls.
     */
    private static final class SystemAndExtra extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager system;
        private final X509ExtendedTrustManager extra;

        SystemAndExtra(X509ExtendedTrustManager system, X509ExtendedTrustManager extra) {
            this.system = system;
            this.extra = extra;
        }

        private interface Check {
            void on(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.on(system);
            } catch (CertificateException e) {
                if (extra == null) {
                    throw e;
                }
                check.on(extra);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("registry clients do not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(Arrays.asList(system.getAcceptedIssuers()));
            if (extra != null) {
                all.addAll(Arrays.asList(extra.getAcceptedIssuers()));
            }
            return all.toArray(new X509Certificate[0]);
        }
    }

    private static volatile SSLContext trustingAll;

    /** TLS that accepts any certificate, without client certificates: {@code --tls-verify=false}. */
    static SSLContext trustingAll() {
        SSLContext c = trustingAll;
        if (c == null) {
            try {
                c = SSLContext.getInstance("TLS");
                c.init(null, new TrustManager[] {new TrustAll()}, null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            trustingAll = c;
        }
        return c;
    }

    /** For insecure registries only: accepts any certificate and, being extended, skips the name check. */
    private static final class TrustAll extends X509ExtendedTrustManager implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
