package io.jpod.dashboard;

import io.jpod.container.ContainerService;
import io.jpod.container.ImageUse;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Images: list, upload (load an archive or import a root filesystem), tag, inspect with the image's
 * history, remove; pulls and pushes are {@link TransfersPage}'s, builds {@link BuildsPage}'s.
 */
@Controller
class ImagesPage {


    private final ImageStore images;
    private final ImageUse use;
    private final ContainerService containers;
    private final JsonMapper json;

    ImagesPage(ImageStore images, ImageUse use, ContainerService containers, JsonMapper json) {
        this.images = images;
        this.use = use;
        this.containers = containers;
        this.json = json;
    }

    /** {@code highlight}: an image ID (or its start) to mark, the one a pull just brought. */
    @GetMapping("/ui/images")
    String list(@RequestParam(defaultValue = "") String highlight, Model model) {
        Map<String, Long> users = new HashMap<>();
        containers.list().forEach(c -> users.merge(c.config().rootfsImageId(), 1L, Long::sum));
        model.addAttribute("page", "images");
        model.addAttribute("images", images.list().stream()
                .sorted((a, b) -> b.created().compareTo(a.created()))
                .map(i -> row(i, users.getOrDefault(i.id(), 0L), !highlight.isEmpty() && i.id().startsWith(highlight)))
                .toList());
        return "images";
    }

    private static Views.ImageRow row(Image i, long users, boolean highlighted) {
        return new Views.ImageRow(i.id(), i.id().substring(0, 12), i.names().stream().map(Views.Name::of).toList(),
                i.digests().stream().map(Views.Digest::of).toList(), Bytes.human(i.size()), Views.ago(i.created()),
                users, highlighted);
    }

    /**
     * An uploaded archive: {@code load} takes a {@code docker save} or OCI archive, {@code import}
     * a root filesystem tarball named {@code reference}. The page's script sends it with
     * {@code X-Requested-With} to show upload progress and gets JSON back; a plain form gets a page.
     */
    @PostMapping("/ui/images/upload")
    Object upload(@RequestParam("file") MultipartFile file, @RequestParam(defaultValue = "load") String kind,
            @RequestParam(defaultValue = "") String reference, HttpServletRequest request,
            RedirectAttributes flash) {
        boolean script = request.getHeader("X-Requested-With") != null;
        try {
            String notice = store(file, kind, reference.trim());
            if (script) {
                return ResponseEntity.ok(Map.of("notice", notice));
            }
            flash.addFlashAttribute("notice", notice);
        } catch (EngineException e) {
            if (script) {
                return ResponseEntity.status(io.jpod.api.ApiExceptionHandler.statusOf(e.category()))
                        .body(Map.of("message", e.getMessage()));
            }
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/ui/images";
    }

    private String store(MultipartFile file, String kind, String reference) {
        if (file == null || file.isEmpty()) {
            throw EngineException.invalidArgument("choose an archive to upload");
        }
        try (InputStream in = file.getInputStream()) {
            if (kind.equals("import")) {
                Image img = images.importRootfs(in, reference.isEmpty() ? List.of() : List.of(reference), List.of(),
                        "imported from " + file.getOriginalFilename());
                return "imported " + (img.names().isEmpty() ? img.id().substring(0, 12) : img.names().get(0));
            }
            List<Image> loaded = images.load(in);
            return "loaded " + String.join(", ", loaded.stream()
                    .map(i -> i.names().isEmpty() ? i.id().substring(0, 12) : i.names().get(0)).toList());
        } catch (IOException e) {
            throw EngineException.invalidArgument("reading the upload: " + e.getMessage());
        }
    }

    /** The shared inspect page, with the image's names, repository digests and the push form. */
    @GetMapping("/ui/images/{id}")
    String detail(@PathVariable String id, Model model) {
        Image img = images.lookup(id);
        List<String> users = containers.list().stream()
                .filter(c -> img.id().equals(c.config().rootfsImageId())).map(c -> c.name()).toList();
        Views.ImageRow row = row(img, users.size(), false);
        Views.inspect(model, json, "images", "Image " + row.title(), img, users, "/ui/images/" + img.id() + "/remove");
        model.addAttribute("image", row);
        model.addAttribute("pushTo", img.names().isEmpty() ? "" : img.names().get(0));
        model.addAttribute("history", history(img));
        return "image";
    }

    /** The image's steps, newest first as {@code docker history} lists them. */
    static List<Views.HistoryRow> history(Image img) {
        List<Views.HistoryRow> rows = new java.util.ArrayList<>();
        for (Image.HistoryEntry h : img.history()) {
            rows.add(0, new Views.HistoryRow(Views.ago(h.created()), h.createdBy() == null ? "" : h.createdBy(),
                    !h.emptyLayer(), h.comment() == null ? "" : h.comment()));
        }
        return rows;
    }

    @PostMapping("/ui/images/{id}/tag")
    String tag(@PathVariable String id, @RequestParam(defaultValue = "") String name, RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/images", () -> {
            if (name.isBlank()) {
                throw EngineException.invalidArgument("give the new name");
            }
            images.tag(id, name.trim());
            return "tagged " + id.substring(0, Math.min(12, id.length())) + " as " + name.trim();
        });
    }

    @PostMapping("/ui/images/{id}/remove")
    String remove(@PathVariable String id, RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/images", () -> {
            var r = use.remove(id, false);
            return r.deleted().isEmpty() ? "untagged " + String.join(", ", r.untagged())
                    : "removed image " + id.substring(0, Math.min(12, id.length()));
        });
    }
}
