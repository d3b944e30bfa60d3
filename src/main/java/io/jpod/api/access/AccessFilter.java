package io.jpod.api.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what, per request. Through a Unix socket: everything (the socket's mode and group are
 * the check). On TCP, first the {@code Host} header must name this daemon (loopback or a configured
 * name), so a web page that rebinds its DNS name to 127.0.0.1 gets nothing; then a request needs a
 * verified TLS client certificate, the bearer token, or a dashboard session (dashboard and reads); with
 * {@code jpod.api.tcp-insecure} the API (never the dashboard) goes without. Health, info and
 * Prometheus metrics stay open to loopback clients.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class AccessFilter extends OncePerRequestFilter {

    /** Session attribute of a dashboard login. */
    static final String LOGGED_IN = "io.jpod.api.access.loggedIn";
    /** Loopback's names, and "d": podman's remote client sends it as Host on every transport, TCP too. */
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "ip6-localhost", "ip6-loopback",
            "localhost.localdomain", "d");

    private final ListenerSettings settings;
    private final AccessToken token;
    private final JsonMapper json;
    private final Set<String> hostNames = new HashSet<>();

    AccessFilter(ListenerSettings settings, AccessToken token, JsonMapper json,
            @Value("${server.address:#{null}}") String bindAddress) {
        this.settings = settings;
        this.token = token;
        this.json = json;
        settings.hostNames().forEach(h -> hostNames.add(h.toLowerCase(Locale.ROOT)));
        if (bindAddress != null && !bindAddress.isBlank()) {
            hostNames.add(bindAddress.toLowerCase(Locale.ROOT));
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(ListenerConfiguration.SOCKET_ATTRIBUTE) != null) {
            chain.doFilter(request, response);
            return;
        }
        String host = hostOf(request.getHeader("Host"));
        if (host != null && !ownName(host)) {
            refuse(response, 421, "the Host header names '" + host + "', which is not this daemon: only loopback "
                    + "names and addresses and the names in jpod.api.host-names are served");
            return;
        }
        // Tomcat's decoded, normalized path; anything open must also be asked for plainly (no dot
        // segments, escapes or ;parameters), so the raw path a router might read cannot differ
        String raw = request.getRequestURI();
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean plain = path.equals(raw);
        boolean dashboard = dashboard(path) || dashboard(raw);
        if ((plain && (path.equals("/login") || path.equals("/logout") || (openToLoopback(path) && loopback(request))))
                || authenticated(request, dashboard) || (!dashboard && settings.tcpInsecure() && !settings.tls())) {
            chain.doFilter(request, response);
            return;
        }
        if (dashboard && (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            response.setStatus(303);
            response.setHeader("Location", "/login");
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer realm=\"jpod\"");
        refuse(response, 401, "authentication required: send 'Authorization: Bearer <token>' with the token of "
                + token.file() + ", use TLS with a client certificate, or use the Unix socket"
                + (settings.sockets().isEmpty() ? "" : " " + settings.sockets().get(0)));
    }

    private static boolean dashboard(String path) {
        return path.equals("/") || path.startsWith("/ui/") || path.equals("/ui");
    }

    /**
     * A dashboard session counts for the dashboard (whose changes {@code SameOriginFilter} guards) and
     * for reads elsewhere, never for an API change: a page on another port of this host is "same
     * site" to the browser and would send the cookie along with a form aimed at the API.
     */
    private boolean authenticated(HttpServletRequest request, boolean dashboard) {
        if (request.isSecure() && request.getAttribute("jakarta.servlet.request.X509Certificate") != null) {
            return true;
        }
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && token.matches(auth.substring(7))) {
            return true;
        }
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        HttpSession session = dashboard || read ? request.getSession(false) : null;
        return session != null && Boolean.TRUE.equals(session.getAttribute(LOGGED_IN));
    }

    /** Liveness, readiness, info and metrics for probes and scrapers on this host. */
    private static boolean openToLoopback(String path) {
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/actuator/info")
                || path.equals("/actuator/prometheus");
    }

    private static boolean loopback(HttpServletRequest request) {
        return ListenerSettings.loopback(request.getRemoteAddr());
    }

    private boolean ownName(String host) {
        if (LOOPBACK_NAMES.contains(host) || hostNames.contains(host)) {
            return true;
        }
        // an IP literal: only a loopback one (resolving a name here would ask DNS, the attacker's tool)
        if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** The name of a Host header without its port; null when there is none. */
    static String hostOf(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
    }

    private void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(json.writeValueAsString(Map.of("message", message))
                .getBytes(StandardCharsets.UTF_8));
    }
}
