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

    /** An image as the table shows it; {@code highlighted}: the one a pull just brought. */
    public record ImageRow(String id, String shortId, List<Name> names, List<Digest> digests, String size,
            String created, long containers, boolean highlighted) {

        /** The name a push defaults to, or the short ID. */
        public String title() {
            return names.isEmpty() ? shortId : names.get(0).familiar();
        }
    }

    /**
     * One step of an image's history, as {@code docker history} shows it: when, the instruction
     * that made it ({@code created_by}), whether it added a layer, and its comment.
     */
    public record HistoryRow(String created, String createdBy, boolean layer, String comment) {}

    /** An image name as people write it ({@code busybox:latest}) and the registry it belongs to. */
    public record Name(String familiar, String registry) {

        static Name of(String name) {
            try {
                return new Name(ContainerRow.familiar(name), io.jpod.image.ImageReference.parse(name).registry());
            } catch (RuntimeException e) {
                return new Name(name, "");
            }
        }
    }

    /** A repository digest: the full {@code repo@sha256:...} and a short form for a table cell. */
    public record Digest(String full, String familiar, String shortForm) {

        static Digest of(String repoDigest) {
            int at = repoDigest.indexOf('@');
            if (at < 0) {
                return new Digest(repoDigest, repoDigest, repoDigest);
            }
            String familiar = io.jpod.image.ImageReference.familiarDigest(repoDigest);
            int colon = familiar.lastIndexOf(':');
            return new Digest(repoDigest, familiar, familiar.substring(0, Math.min(familiar.length(), colon + 13)));
        }
    }
}
