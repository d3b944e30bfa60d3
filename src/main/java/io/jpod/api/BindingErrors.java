package io.jpod.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The request's own faults that Spring or Tomcat find before a handler runs (a query value that
 * does not bind, a body that cannot be read or is too large, a path nothing serves, a query string
 * that does not decode) as the client's 4xx with the engine's JSON message, ahead of
 * {@link ApiExceptionHandler}'s catch-all, which would call them internal errors.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class BindingErrors {

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<Object> badValue(TypeMismatchException e, HttpServletRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        Throwable why = e;
        while (why.getCause() != null && why.getCause() != why) {
            why = why.getCause();
        }
        String reason = why instanceof IllegalArgumentException && why.getMessage() != null ? why.getMessage()
                : "\"" + QueryBinding.shown(String.valueOf(e.getValue())) + "\" is not a valid value";
        return ApiExceptionHandler.body(HttpStatus.BAD_REQUEST, "invalid value for parameter " + name + ": " + reason,
                reason, request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge big) {
                return tooLarge(big, request);
            }
        }
        return ApiExceptionHandler.body(HttpStatus.BAD_REQUEST, "the request body is not valid JSON", null, request);
    }

    @ExceptionHandler(BodyLimit.TooLarge.class)
    ResponseEntity<Object> tooLarge(BodyLimit.TooLarge e, HttpServletRequest request) {
        return ApiExceptionHandler.body(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), e.getMessage(), request);
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<Object> noRoute(Exception e, HttpServletRequest request) {
        return ApiExceptionHandler.body(HttpStatus.NOT_FOUND, "page not found", "page not found", request);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> multipart(MultipartException e, HttpServletRequest request) {
        HttpStatus status = e instanceof MaxUploadSizeExceededException ? HttpStatus.PAYLOAD_TOO_LARGE
                : HttpStatus.BAD_REQUEST;
        return ApiExceptionHandler.body(status, "invalid multipart body: " + e.getMessage(), null, request);
    }

    /** Tomcat's refusal of a query string that does not decode ({@code %ff}, a bad escape). */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<Object> badQuery(RuntimeException e, HttpServletRequest request) {
        return ApiExceptionHandler.body(HttpStatus.BAD_REQUEST, "invalid query string: " + e.getMessage(), null,
                request);
    }
}
