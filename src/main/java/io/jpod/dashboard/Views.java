package io.jpod.dashboard;

import java.util.List;
import java.util.Map;

/** What the templates read; public, because the template language reads them by reflection. */
public final class Views {

    private Views() {}

    /**
     * The model of the shared inspect page: the object as JSON, the containers using it, and the
     * remove button's target (null: the object cannot be removed here).
     */
    static String inspect(org.springframework.ui.Model model, tools.jackson.databind.json.JsonMapper json,
            String page, String title, Object value, List<String> users, String removeAction) {
        model.addAttribute("page", page);
        model.addAttribute("title", title);
        model.addAttribute("inspect", json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        model.addAttribute("users", users);
        model.addAttribute("removeAction", removeAction);
        model.addAttribute("back", "/ui/" + page);
        return "inspect";
    }

    /** {@code 5 minutes ago}, as the CLIs say it. */
    static String ago(java.time.Instant t) {
        return t == null ? "" : io.jpod.container.StatusText.human(java.time.Duration.between(t,
                java.time.Instant.now())) + " ago";
    }

    /** One health check as the overview shows it. */
    public record Check(String name, boolean up, String status, Map<String, Object> details) {}

    /** One setting with where its value came from. */
    public record Setting(String key, String value, String origin) {}

    /** An image as the table shows it. */
    public record ImageRow(String id, String shortId, List<String> names, String size, String created,
            long containers) {}
}
