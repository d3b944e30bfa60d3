package io.jpod.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dashboard's buttons change the engine, so a page of another site must not be able to press
 * them through the user's browser (cross-site request forgery): a changing request to {@code /ui/}
 * whose browser says it comes from elsewhere is refused. Clients that send no such headers (curl)
 * are not browsers carrying someone else's intent and pass.
 */
@Component
class SameOriginFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/ui/") || request.getMethod().equals("GET")
                || request.getMethod().equals("HEAD");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String site = request.getHeader("Sec-Fetch-Site");
        String origin = request.getHeader("Origin");
        boolean foreign = (site != null && !site.equals("same-origin") && !site.equals("none"))
                || (origin != null && !sameHost(origin, request));
        if (foreign) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.getOutputStream().write("{\"message\":\"cross-site request refused: use the dashboard itself\"}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean sameHost(String origin, HttpServletRequest request) {
        try {
            URI o = URI.create(origin);
            String host = request.getHeader("Host");
            return host != null && host.equalsIgnoreCase(o.getAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
