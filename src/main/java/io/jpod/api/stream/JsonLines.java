package io.jpod.api.stream;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stream of JSON objects, one per line, sent as they come, for long operations (pull, push).
 * The response is committed with the first line only, so an operation that fails before saying
 * anything still gets a proper error status and {@code {"message": …}} body; once lines have gone
 * out, a failure can only be another line. A write that fails (the client went away) throws
 * {@link UncheckedIOException}, which the operation takes as a cancel.
 */
public final class JsonLines {

    private final HttpServletResponse response;
    private final JsonMapper json;
    private OutputStream out;

    public JsonLines(HttpServletResponse response, JsonMapper json) {
        this.response = response;
        this.json = json;
    }

    public synchronized boolean started() {
        return out != null;
    }

    public synchronized void write(Object line) {
        try {
            if (out == null) {
                response.setStatus(200);
                response.setContentType("application/json");
                out = response.getOutputStream();
            }
            out.write(json.writeValueAsBytes(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
