package io.jpod.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A registry token server for tests of the bearer-token flow (distribution's {@code auth: token}). The
 * registry only verifies tokens; this server issues them: {@code GET /token?service=S&scope=repository:NAME:pull,push}
 * (or the OAuth2 form {@code POST /token}, {@code grant_type=password&username=..&password=..&service=..&scope=..})
 * answers {@code {"token", "access_token", "expires_in"}} with an RS256 JWT whose header carries the signing
 * certificate ({@code x5c}); that self-signed certificate is the registry's {@code rootcertbundle}.
 *
 * <p>Basic credentials, when sent, must match the configured user; without them the request is anonymous,
 * which is refused unless {@link #allowAnonymousPull(boolean)} is set, and then gets pull access only. Every request is
 * recorded ({@link #requests()}) so a test can assert that the flow ran and which scopes were asked.
 *
 * <p>Usually created by {@link LocalRegistry.Builder#tokenAuth}; usable alone: {@code new TokenServer(dir, user, pw)}.
 */
public final class TokenServer implements AutoCloseable {

    /** The issuer and service (audience) names the registry is configured with. */
    public static final String ISSUER = "jpod-test-token-issuer";
    public static final String SERVICE = "jpod-test-registry";

    /** One request the server got; {@code user} is null when anonymous, {@code status} what it answered. */
    public record Request(String method, String service, List<String> scopes, String user, int status) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String user;
    private final String password;
    private final Path certificate;
    private final PrivateKey key;
    private final String x5c;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean anonymousPull;
    private volatile Duration lifetime = Duration.ofSeconds(300);

    /**
     * Generates a signing key and its self-signed certificate (openssl) in {@code dir} and listens on a
     * free 127.0.0.1 port. {@code user}/{@code password} may be null: then only anonymous pulls exist.
     */
    public TokenServer(Path dir, String user, String password) throws IOException {
        this.user = user;
        this.password = password;
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("token-signing.key");
        certificate = dir.resolve("token-signing.crt");
        Certificates.openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=jpod test token signer", "-keyout", keyFile.toString(), "-out", certificate.toString());
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Certificates.pemBody(Files.readString(keyFile), "PRIVATE KEY")));
            X509Certificate cert;
            try (var in = Files.newInputStream(certificate)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("token signing key: " + e.getMessage(), e);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/token", this::handle);
        server.start();
    }

    /**
     * Whether requests without credentials get pull access (as public repositories on a real registry);
     * may be switched while the server runs.
     */
    public TokenServer allowAnonymousPull(boolean allow) {
        anonymousPull = allow;
        return this;
    }

    /** Changes {@code expires_in} and the JWT's lifetime, to test token refresh. */
    public TokenServer tokenLifetime(Duration d) {
        lifetime = d;
        return this;
    }

    /** The realm URL the registry sends clients to: {@code http://127.0.0.1:PORT/token}. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The PEM certificate that verifies the tokens (the registry's {@code rootcertbundle}). */
    public Path certificate() {
        return certificate;
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Every scope asked so far, e.g. {@code repository:busybox:pull,push}. */
    public List<String> scopesSeen() {
        return requests.stream().flatMap(r -> r.scopes().stream()).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            // GET carries everything in the query and basic credentials; the OAuth2 POST a form body
            Map<String, List<String>> params = "POST".equals(method)
                    ? parseQuery(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    : parseQuery(exchange.getRequestURI().getRawQuery());
            String service = params.getOrDefault("service", List.of("")).get(0);
            List<String> scopes = params.getOrDefault("scope", List.of()).stream()
                    .flatMap(s -> List.of(s.split(" ")).stream()).filter(s -> !s.isBlank()).toList();
            String[] credentials = null;
            int status;
            byte[] body = null;
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"GET".equals(method) && !"POST".equals(method)) {
                status = 405;
                body = error("GET or POST /token only");
            } else if ("POST".equals(method)) {
                if ("password".equals(params.getOrDefault("grant_type", List.of("")).get(0))) {
                    credentials = new String[] {params.getOrDefault("username", List.of("")).get(0),
                            params.getOrDefault("password", List.of("")).get(0)};
                    status = 0;
                } else {
                    status = 400;
                    body = error("grant_type password only");
                }
            } else if (auth != null && !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                status = 401;
                body = error("only basic credentials are accepted");
            } else {
                credentials = auth == null ? null : new String(Base64.getDecoder().decode(auth.substring(6).trim()),
                        StandardCharsets.UTF_8).split(":", 2);
                status = 0;
            }
            String who = credentials == null ? null : credentials[0];
            if (status == 0) {
                if (credentials != null) {
                    if (user != null && user.equals(credentials[0]) && credentials.length == 2
                            && password.equals(credentials[1])) {
                        status = 200;
                        body = token(service, who, scopes, Set.of("pull", "push", "delete", "*"));
                    } else {
                        status = 401;
                        body = error("wrong user name or password");
                    }
                } else if (anonymousPull) {
                    status = 200;
                    body = token(service, "", scopes, Set.of("pull"));
                } else {
                    status = 401;
                    body = error("credentials required");
                }
            }
            if (!SERVICE.equals(service) && status == 200) {
                status = 400;
                body = error("unknown service " + service);
            }
            requests.add(new Request(method, service, scopes, who, status));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (status == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"jpod test tokens\"");
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] error(String message) {
        return JSON.writeValueAsBytes(Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED", "message", message))));
    }

    /** A token granting, for each asked scope, the asked actions that {@code allowed} holds. */
    private byte[] token(String service, String subject, List<String> scopes, Set<String> allowed) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (String scope : scopes) {
            // type:name:actions, where the name may itself hold a colon (a registry host with a port)
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last == first) {
                continue;
            }
            Set<String> actions = new LinkedHashSet<>();
            for (String a : scope.substring(last + 1).split(",")) {
                if (allowed.contains(a)) {
                    actions.add(a);
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", scope.substring(0, first));
            entry.put("name", scope.substring(first + 1, last));
            entry.put("actions", List.copyOf(actions));
            access.add(entry);
        }
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", service);
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        // a little slack for clocks read a moment apart
        claims.put("nbf", now.minusSeconds(10).getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(x5c));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + b64.encodeToString(rs256.sign());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("token", jwt);
            answer.put("access_token", jwt);
            answer.put("expires_in", lifetime.toSeconds());
            answer.put("issued_at", now.toString());
            return JSON.writeValueAsBytes(answer);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
