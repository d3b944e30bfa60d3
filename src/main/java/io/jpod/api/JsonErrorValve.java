package io.jpod.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.json.JSONFilter;

/**
 * Tomcat's own error answers (a request line or header it cannot parse, headers too large, a bad
 * Content-Length, an unsupported protocol version, an error no handler caught) as the engine's
 * JSON, {@code {"message": …}}, instead of Tomcat's HTML page. Installed in place of Tomcat's
 * {@link ErrorReportValve} by {@link ApiServerConfiguration}.
 */
public class JsonErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String body = "{\"message\":\"" + JSONFilter.escape(message(status, response.getMessage())) + "\"}";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("utf-8");
            Writer w = response.getReporter();
            if (w != null) {
                w.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the answer already started: nothing more to say
        }
    }

    /** Tomcat's own reason when it gave one (never a stack trace), else the status's meaning. */
    static String message(int status, String given) {
        if (given != null && !given.isBlank() && given.length() < 300) {
            return given;
        }
        return switch (status) {
            case 400 -> "bad request";
            case 404 -> "page not found";
            case 405 -> "method not allowed";
            case 408 -> "request timeout";
            case 411 -> "length required";
            case 413 -> "request body too large";
            case 414 -> "request URI too long";
            case 415 -> "unsupported media type";
            case 431 -> "request header fields too large";
            case 501 -> "not implemented";
            case 505 -> "HTTP version not supported";
            default -> status >= 500 ? "internal server error" : "request refused (" + status + ")";
        };
    }
}
