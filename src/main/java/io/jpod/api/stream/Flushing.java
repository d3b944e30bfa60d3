package io.jpod.api.stream;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Spring hands a {@link StreamingResponseBody} a stream whose {@code flush()} does nothing, so a
 * followed log or an event stream would reach the client only when it ends. Live bodies write to
 * the servlet response's own stream instead, where each flush sends what was written.
 */
public final class Flushing {

    private Flushing() {}

    public static StreamingResponseBody body(HttpServletResponse response, StreamingResponseBody body) {
        return springsStream -> {
            var out = response.getOutputStream();
            body.writeTo(out);
            out.flush();
        };
    }
}
