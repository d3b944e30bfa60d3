package io.jpod.dashboard;

import io.jpod.api.ApiExceptionHandler;
import io.jpod.error.EngineException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * A dashboard page that fails shows the engine's message and the status the API would answer,
 * with the way back: never a stack trace or a blank page. Ahead of the API's JSON mapping, for
 * the dashboard's controllers only.
 */
@ControllerAdvice(basePackageClasses = DashboardErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardErrors {

    private static final Log LOG = LogFactory.getLog(DashboardErrors.class);

    @ExceptionHandler(EngineException.class)
    String engine(EngineException e, Model model, HttpServletResponse response) {
        return page(ApiExceptionHandler.statusOf(e.category()).value(), e.getMessage(), model, response);
    }

    /**
     * The browser closed a stream (a page left, its event source closed): nobody to answer and
     * nothing wrong, so no error page and no log line. The response parameter marks it handled.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void gone(HttpServletResponse response) {
        // nothing to send
    }

    @ExceptionHandler(Exception.class)
    String other(Exception e, Model model, HttpServletRequest request, HttpServletResponse response) {
        if (e instanceof ErrorResponse er) {
            String detail = er.getBody().getDetail();
            return page(er.getStatusCode().value(), detail != null ? detail : e.getMessage(), model, response);
        }
        LOG.error(request.getMethod() + " " + request.getRequestURI() + " failed", e);
        return page(500, "internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : ""), model, response);
    }

    private static String page(int status, String message, Model model, HttpServletResponse response) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("message", message);
        return "error";
    }
}
