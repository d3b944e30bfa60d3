package io.jpod.dashboard;

import io.jpod.error.EngineException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** How a form that starts a background job (a pull, push or build) is answered, for the script and without it. */
final class Jobs {

    private Jobs() {}

    /**
     * Starts the job; the script gets its ID and where to follow and cancel it as JSON, a plain form
     * goes to the job's page ({@code jobPath} + ID). A refusal comes back the same two ways, a plain
     * form's to {@code back}.
     */
    static Object answer(HttpServletRequest request, RedirectAttributes flash, String back, String jobPath,
            Supplier<String> start) {
        boolean script = script(request);
        try {
            String id = start.get();
            if (script) {
                return ResponseEntity.accepted().body(Map.of("id", id, "page", jobPath + id,
                        "events", jobPath + id + "/events", "cancel", jobPath + id + "/cancel"));
            }
            return "redirect:" + jobPath + id;
        } catch (EngineException e) {
            if (script) {
                return ResponseEntity.status(io.jpod.api.ApiExceptionHandler.statusOf(e.category()))
                        .body(Map.of("message", e.getMessage()));
            }
            flash.addFlashAttribute("error", e.getMessage());
            return "redirect:" + back;
        }
    }

    /** The page's script marks its requests; a plain form does not. */
    static boolean script(HttpServletRequest request) {
        return request.getHeader("X-Requested-With") != null;
    }
}
