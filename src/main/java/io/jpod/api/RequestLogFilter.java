package io.jpod.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an ID (the client's {@code X-Request-Id} when it sends a sane one), sends it
 * back in that header, puts it on every log line of the request, and logs one structured line per
 * request at the end: at DEBUG (a line per ping, inspect or list would cost more than the answer and
 * flood the log of a busy daemon), at INFO when the answer is a server error. The logger
 * {@code io.jpod.api.requests} can be turned up or down at runtime through {@code /actuator/loggers}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestLogFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    private static final Log LOG = LogFactory.getLog("io.jpod.api.requests");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        response.setHeader(HEADER, id);
        MDC.put("requestId", id);
        long t0 = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            boolean failed = response.getStatus() >= 500;
            if (failed ? LOG.isInfoEnabled() : LOG.isDebugEnabled()) {
                String line = "request method=" + request.getMethod() + " path=" + request.getRequestURI() + " status="
                        + response.getStatus() + " duration_ms=" + (System.nanoTime() - t0) / 1_000_000 + " client="
                        + request.getRemoteAddr() + " agent=\"" + String.valueOf(request.getHeader("User-Agent"))
                        .replace("\"", "'") + "\"";
                if (failed) {
                    LOG.info(line);
                } else {
                    LOG.debug(line);
                }
            }
            MDC.remove("requestId");
        }
    }
}
