package io.jpod.registry;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to one registry endpoint for one operation: picks the scheme (HTTPS; plain HTTP only for
 * an insecure registry that does not speak TLS), answers {@code 401} challenges with a bearer token
 * for the operation's scopes or with basic auth, and turns the registry's error bodies into
 * messages. The credentials never leave this class but in an {@code Authorization} header.
 */
final class RegistrySession {

    /** Insecure hosts found to speak plain HTTP (true) or TLS (false), so later sessions skip the probe. */
    private static final Map<String, Boolean> PLAIN_HTTP = new ConcurrentHashMap<>();
    private static final Map<javax.net.ssl.SSLContext, HttpClient> CLIENTS = new ConcurrentHashMap<>();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final Endpoint endpoint;
    private final Credentials credentials;
    private final List<String> scopes;
    private final JsonMapper json;
    private final HttpClient client;
    private volatile String authorization;

    RegistrySession(Endpoint endpoint, Credentials credentials, List<String> scopes, JsonMapper json) {
        this.endpoint = endpoint;
        this.credentials = credentials == null ? Credentials.NONE : credentials;
        this.scopes = scopes;
        this.json = json;
        this.client = CLIENTS.computeIfAbsent(endpoint.tls(), tls -> HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).sslContext(tls).build());
    }

    Endpoint endpoint() {
        return endpoint;
    }

    HttpClient client() {
        return client;
    }

    String base() {
        return (Boolean.TRUE.equals(PLAIN_HTTP.get(endpoint.host())) ? "http://" : "https://") + endpoint.host();
    }

    /** {@code /v2/<repository>/<rest>} on this endpoint. */
    URI repoUri(String rest) {
        return URI.create(base() + "/v2/" + endpoint.repository() + "/" + rest);
    }

    URI uri(String pathOrUrl) {
        return pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://") ? URI.create(pathOrUrl)
                : URI.create(base() + pathOrUrl);
    }

    /** A request builder with the current authorization, if any. */
    HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("User-Agent", "jpod");
        String auth = authorization;
        if (auth != null && uri.getAuthority().equals(endpoint.host())) {
            b.header("Authorization", auth);
        }
        return b;
    }

    /**
     * Sends, authenticating on a 401 and retrying once, and falling back to plain HTTP for an
     * insecure registry whose port does not speak TLS. {@code build} makes the request afresh for
     * each attempt (it gets the URI with the right scheme).
     */
    <T> HttpResponse<T> send(String pathOrUrl, java.util.function.Function<HttpRequest.Builder, HttpRequest> build,
            HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpResponse<T> r = sendOnce(pathOrUrl, build, handler);
        if (r.statusCode() == 401) {
            discard(r);
            authenticate(Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse("")));
            r = sendOnce(pathOrUrl, build, handler);
        }
        return r;
    }

    private <T> HttpResponse<T> sendOnce(String pathOrUrl, java.util.function.Function<HttpRequest.Builder, HttpRequest> build,
            HttpResponse.BodyHandler<T> handler) throws IOException {
        if (endpoint.insecure() && !PLAIN_HTTP.containsKey(endpoint.host())) {
            probeScheme();
        }
        try {
            return client.send(build.apply(request(uri(pathOrUrl))), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * An insecure registry may speak plain HTTP: like containers/image, try TLS first and fall back
     * when the handshake fails or gets no answer (some plain servers wait for more of the request).
     * The finding is kept for the daemon's life.
     */
    private void probeScheme() throws IOException {
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(endpoint.tls())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://" + endpoint.host() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).header("User-Agent", "jpod").GET().build();
        try {
            probe.send(req, HttpResponse.BodyHandlers.discarding());
            PLAIN_HTTP.put(endpoint.host(), false);
        } catch (SSLException | java.net.http.HttpTimeoutException e) {
            PLAIN_HTTP.put(endpoint.host(), true);
        } catch (ConnectException e) {
            throw e; // nobody listens: neither scheme will do
        } catch (IOException e) {
            // a reset or close during the handshake: also a plain HTTP server's answer to TLS
            PLAIN_HTTP.put(endpoint.host(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A transport failure in words a user can act on: TLS trust and name problems say what to do,
     * not which JDK class failed.
     */
    static String describe(IOException e, String host) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("PKIX path building failed") || m.contains("unable to find valid certification path")) {
                return "the certificate of " + host + " is signed by an unknown authority (put its CA in "
                        + "/etc/containers/certs.d/" + host + "/ca.crt, or mark the registry insecure in registries.conf, "
                        + "or pull with --tls-verify=false)";
            }
            if (m.contains("No subject alternative") || m.contains("doesn't match any of the subject alternative")) {
                return "the certificate of " + host + " is not valid for that name: " + m;
            }
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "the certificate of " + host + " has expired";
            }
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + host + ": connection refused";
        }
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "cannot connect to " + host + ": timed out";
        }
        if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                || e instanceof java.net.UnknownHostException) {
            return "cannot resolve " + host;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A registry call that may throw {@link IOException}. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs a small idempotent call (a manifest, a config) again after a broken connection or a
     * registry's 429/5xx, up to three times with back-off; blobs have their own, resuming retries.
     */
    static <T> T retrying(Call<T> call) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (IOException e) {
                if (attempt == 3 || e.getMessage() != null && e.getMessage().startsWith("interrupted")) {
                    throw e;
                }
            } catch (EngineException e) {
                if (attempt == 3 || e.category() != EngineException.Category.REMOTE_FAILURE) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200L << (attempt - 1));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ie);
            }
        }
    }

    /** Checks the endpoint and the credentials: {@code GET /v2/}, authenticating as it asks. */
    void ping() throws IOException {
        HttpResponse<String> r = send("/v2/", b -> b.GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw failure(r.statusCode(), r.body(), "checking " + endpoint.host());
        }
    }

    /** Answers a challenge seen outside {@link #send} (an expired token during a download). */
    void authenticate(String wwwAuthenticate) throws IOException {
        authenticate(Challenge.parse(wwwAuthenticate));
    }

    private void authenticate(Challenge c) throws IOException {
        if (c.basic()) {
            if (credentials.username().isEmpty()) {
                throw EngineException.unauthenticated("registry " + endpoint.host()
                        + " requires authentication: log in to it first (docker login / podman login)");
            }
            authorization = "Basic " + Base64.getEncoder().encodeToString((credentials.username() + ":"
                    + credentials.password()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!c.bearer() || c.params().get("realm") == null) {
            throw EngineException.remoteFailure("registry " + endpoint.host()
                    + " asked for an authentication scheme jpod does not know: " + c.scheme(), null);
        }
        authorization = "Bearer " + token(c);
    }

    /** The bearer-token flow: a token for this operation's scopes, anonymous when there are no credentials. */
    private String token(Challenge c) throws IOException {
        StringBuilder q = new StringBuilder();
        String service = c.params().get("service");
        if (service != null) {
            q.append("service=").append(enc(service));
        }
        List<String> wanted = scopes.isEmpty() && c.params().get("scope") != null ? List.of(c.params().get("scope")) : scopes;
        for (String s : wanted) {
            q.append(q.length() > 0 ? "&" : "").append("scope=").append(enc(s));
        }
        URI realm = URI.create(c.params().get("realm"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(realm + (q.length() > 0
                ? (realm.getQuery() == null ? "?" : "&") + q : ""))).timeout(REQUEST_TIMEOUT).header("User-Agent", "jpod");
        HttpRequest req;
        if (!credentials.identityToken().isEmpty()) {
            // an OAuth2 refresh token, as `docker login` may have kept
            String form = "grant_type=refresh_token&client_id=jpod&refresh_token=" + enc(credentials.identityToken())
                    + (service != null ? "&service=" + enc(service) : "")
                    + (wanted.isEmpty() ? "" : "&scope=" + enc(String.join(" ", wanted)));
            req = HttpRequest.newBuilder(realm).timeout(REQUEST_TIMEOUT).header("Content-Type",
                    "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        } else {
            if (!credentials.username().isEmpty()) {
                b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((credentials.username() + ":"
                        + credentials.password()).getBytes(StandardCharsets.UTF_8)));
            }
            req = b.GET().build();
        }
        HttpResponse<String> r;
        try {
            r = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw EngineException.unauthenticated("registry " + endpoint.host() + ": "
                    + (credentials.isEmpty() ? "authentication required: log in to it first (docker login / podman login)"
                            : "unauthorized: incorrect username or password"));
        }
        if (r.statusCode() != 200) {
            throw EngineException.remoteFailure("registry " + endpoint.host() + ": its token server " + realm.getHost()
                    + " answered " + r.statusCode(), null);
        }
        JsonNode body = json.readTree(r.body());
        String token = body.path("token").asString("");
        if (token.isEmpty()) {
            token = body.path("access_token").asString("");
        }
        if (token.isEmpty()) {
            throw EngineException.remoteFailure("registry " + endpoint.host() + ": its token server gave no token", null);
        }
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void discard(HttpResponse<?> r) {
        if (r.body() instanceof java.io.InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do about it
            }
        }
    }

    /**
     * The engine error for a registry's non-success answer: 401/403 are refused credentials, 404 a
     * missing repository, manifest or blob, 429/5xx the registry's trouble.
     */
    EngineException failure(int status, String body, String what) {
        String detail = registryMessage(body).orElse("HTTP " + status);
        String msg = what + ": " + detail;
        return switch (status) {
            case 401, 403 -> EngineException.unauthenticated(msg + (credentials.isEmpty()
                    ? " (log in to " + endpoint.host() + " first: docker login / podman login)" : ""));
            case 404 -> EngineException.notFound(msg);
            case 400 -> EngineException.invalidArgument(msg);
            default -> EngineException.remoteFailure(msg, null);
        };
    }

    /** The first {@code errors[]} entry of a registry's error body, as {@code code: message}. */
    Optional<String> registryMessage(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode e = json.readTree(body).path("errors").path(0);
            if (e.isMissingNode()) {
                return Optional.empty();
            }
            String code = e.path("code").asString("").toLowerCase().replace('_', ' ');
            return Optional.of(code + ": " + e.path("message").asString(""));
        } catch (RuntimeException notJson) {
            return Optional.of(body.length() > 200 ? body.substring(0, 200) : body.strip());
        }
    }
}
