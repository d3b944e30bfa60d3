package io.jpod.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Docker and podman clients put the API version in front of every path ({@code /v1.41/containers/json},
 * {@code /v4.3.1/libpod/info}). This filter strips it once, remembers it as a request attribute, and
 * lets the controllers map only the unversioned paths.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ApiVersionFilter extends OncePerRequestFilter {

    public static final String VERSION_ATTRIBUTE = "jpod.apiVersion";
    private static final Pattern VERSIONED = Pattern.compile("^/v(\\d+(?:\\.\\d+){1,2})(/.*)$");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        Matcher m = VERSIONED.matcher(uri);
        if (!m.matches()) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(VERSION_ATTRIBUTE, m.group(1));
        String path = m.group(2);
        String refused = ApiVersions.refusal(m.group(1), path.startsWith("/libpod/"));
        if (refused != null) {
            ApiVersions.answer(response, refused, path.startsWith("/libpod/"));
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getRequestURI() {
                return path;
            }

            @Override
            public StringBuffer getRequestURL() {
                StringBuffer url = new StringBuffer(super.getRequestURL());
                int at = url.indexOf(uri);
                return at < 0 ? url : url.replace(at, at + uri.length(), path);
            }

            @Override
            public String getServletPath() {
                return path;
            }

            @Override
            public String getPathInfo() {
                return null;
            }
        }, response);
    }
}
