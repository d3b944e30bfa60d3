package io.jpod.dashboard;

import io.jpod.error.EngineException;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Runs a form's operation and tells the next page how it went: a notice on success, the engine's
 * own message on failure (the same text the API would answer), so the page never goes blank.
 */
final class Actions {

    /** The buttons containers and pods have, with what the notice says after each. */
    static final java.util.Map<String, String> DONE = java.util.Map.of("start", "started", "stop", "stopped",
            "restart", "restarted", "kill", "killed", "pause", "paused", "unpause", "unpaused", "remove", "removed");

    private Actions() {}

    /** @return the redirect to show next */
    static String perform(RedirectAttributes flash, String redirect, Supplier<String> op) {
        try {
            String notice = op.get();
            if (notice != null) {
                flash.addFlashAttribute("notice", notice);
            }
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.NOT_MODIFIED) {
                flash.addFlashAttribute("notice", e.getMessage());
            } else {
                flash.addFlashAttribute("error", e.getMessage());
            }
        }
        return "redirect:" + redirect;
    }

    /** Lines of a text area, trimmed, without empty ones. */
    static java.util.List<String> lines(String text) {
        if (text == null) {
            return java.util.List.of();
        }
        return text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }
}
