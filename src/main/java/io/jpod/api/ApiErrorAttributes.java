package io.jpod.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * What Boot's {@code /error} page says when an error escapes the handlers (a filter's, the
 * servlet container's): on the APIs only the engine's {@code {"message": …}}, never Spring's own
 * shape or "No static resource …"; the dashboard ({@code /ui}) keeps status and error for its page.
 */
@Component
class ApiErrorAttributes extends DefaultErrorAttributes {

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> all = super.getErrorAttributes(request,
                options.including(ErrorAttributeOptions.Include.MESSAGE));
        int status = all.get("status") instanceof Integer s ? s : 500;
        Object given = all.get("message");
        String message = given instanceof String m && !m.isBlank() && !m.startsWith("No static resource")
                && !m.equals("No message available") ? m : JsonErrorValve.message(status, null);
        Object uri = request.getAttribute("jakarta.servlet.error.request_uri", RequestAttributes.SCOPE_REQUEST);
        String path = uri instanceof String p ? p : String.valueOf(all.get("path"));
        if (path.equals("/") || path.startsWith("/ui/") || path.equals("/ui") || path.startsWith("/login")) {
            Map<String, Object> page = new LinkedHashMap<>(all);
            page.put("message", message);
            return page;
        }
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("message", message);
        return api;
    }
}
