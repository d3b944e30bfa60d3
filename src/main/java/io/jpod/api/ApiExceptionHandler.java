package io.jpod.api;

import io.jpod.error.EngineException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place where engine errors become HTTP: category to status, body {@code {"message": …}}
 * (libpod paths also get {@code cause} and {@code response}, as podman sends). Never a stack trace.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Log LOG = LogFactory.getLog(ApiExceptionHandler.class);

    public static HttpStatus statusOf(EngineException.Category category) {
        return switch (category) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ALREADY_EXISTS, INVALID_STATE, RESOURCE_EXHAUSTED -> HttpStatus.CONFLICT;
            case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
            case NOT_MODIFIED -> HttpStatus.NOT_MODIFIED;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case REMOTE_FAILURE -> HttpStatus.BAD_GATEWAY;
            case RUNTIME_FAILURE, INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    @ExceptionHandler(EngineException.class)
    ResponseEntity<Object> engine(EngineException e, HttpServletRequest request) {
        HttpStatus status = statusOf(e.category());
        if (status == HttpStatus.NOT_MODIFIED) {
            return ResponseEntity.status(status).build();
        }
        if (status.is5xxServerError()) {
            LOG.warn(request.getMethod() + " " + request.getRequestURI() + ": " + e.getMessage());
        }
        return body(status, e.getMessage(), rootCause(e), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> other(Exception e, HttpServletRequest request) {
        if (clientGone(e)) {
            // a client that closed its stream (a followed log, events): normal, and nobody to answer
            LOG.debug(request.getMethod() + " " + request.getRequestURI() + ": the client went away");
            return null;
        }
        if (e instanceof ErrorResponse er) {
            HttpStatusCode code = er.getStatusCode();
            String detail = er.getBody().getDetail();
            return body(code, detail != null ? detail : e.getMessage(), e.getMessage(), request);
        }
        LOG.error(request.getMethod() + " " + request.getRequestURI() + " failed", e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : ""), rootCause(e), request);
    }

    static ResponseEntity<Object> body(HttpStatusCode status, String message, String cause,
            HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        if (request.getRequestURI().contains("/libpod/")) {
            body.put("cause", cause);
            body.put("response", status.value());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    private static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.web.context.request.async.AsyncRequestNotUsableException
                    || t.getClass().getName().equals("org.apache.catalina.connector.ClientAbortException")
                    || (t instanceof java.io.IOException && t.getMessage() != null
                            && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset")))) {
                return true;
            }
        }
        return false;
    }
}
