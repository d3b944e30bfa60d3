package io.jpod.api.libpod;

import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.container.ContainerService;
import io.jpod.container.ImageUse;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * libpod's {@code /libpod/images/...} API as podman's remote client calls it. Names contain
 * slashes ({@code localhost/app:1}), so per-image calls take the rest of the path.
 */
@RestController
@RequestMapping("/libpod/images")
class LibpodImagesController {

    private final ImageStore images;
    private final ImageUse imageUse;
    private final ContainerService containers;
    private final JsonMapper json;
    private final LibpodRegistryController registry;

    LibpodImagesController(ImageStore images, ImageUse imageUse, ContainerService containers, JsonMapper json,
            LibpodRegistryController registry) {
        this.images = images;
        this.imageUse = imageUse;
        this.containers = containers;
        this.json = json;
        this.registry = registry;
    }

    @GetMapping("/json")
    List<LibpodImageSummary> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.IMAGE_KEYS);
        // containers per image, from one read of the state
        Map<String, Integer> used = new java.util.HashMap<>();
        containers.list().forEach(c -> used.merge(String.valueOf(c.config().rootfsImageId()), 1, Integer::sum));
        List<LibpodImageSummary> out = new ArrayList<>();
        for (Image img : images.list()) {
            if (matches(img, f)) {
                out.add(LibpodImageSummary.of(img, used.getOrDefault(img.id(), 0)));
            }
        }
        return out;
    }

    private static boolean matches(Image img, Map<String, List<String>> f) {
        return Filters.image(img, f);
    }

    @PostMapping("/load")
    Map<String, Object> load(HttpServletRequest request) throws IOException {
        List<Image> loaded;
        try (InputStream body = request.getInputStream()) {
            loaded = images.load(body);
        }
        List<String> names = new ArrayList<>();
        loaded.forEach(img -> names.addAll(img.names().isEmpty() ? List.of("sha256:" + img.id()) : img.names()));
        return Map.of("Names", names);
    }

    @PostMapping("/import")
    Map<String, Object> importRootfs(@RequestParam(required = false) String reference,
            @RequestParam(required = false) List<String> changes, @RequestParam(required = false) String message,
            @RequestParam(required = false) String url, HttpServletRequest request) throws IOException {
        if (url != null && !url.isEmpty()) {
            throw EngineException.invalidArgument("importing from a URL is not supported: send the tarball");
        }
        Image img;
        try (InputStream body = request.getInputStream()) {
            img = images.importRootfs(body, reference == null || reference.isEmpty() ? List.of() : List.of(reference),
                    changes == null ? List.of() : changes, message);
        }
        return Map.of("Id", "sha256:" + img.id());
    }

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.IMAGES);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : imageUse.prune(all || f.allImages(), f.images())) {
            out.add(Map.of("Id", id, "Size", 0));
        }
        return out;
    }

    /** Batch removal: errors are reported in the body, as podman does, with the exit code podman's CLI uses. */
    @DeleteMapping("/remove")
    Map<String, Object> removeAll(@RequestParam(name = "images", required = false) List<String> names,
            @RequestParam(defaultValue = "false") boolean force, @RequestParam(defaultValue = "false") boolean all,
            @RequestParam(defaultValue = "false") boolean ignore) {
        List<String> targets = new ArrayList<>(names == null ? List.of() : names);
        if (all) {
            images.list().forEach(img -> targets.add(img.id()));
        }
        List<String> deleted = new ArrayList<>();
        List<String> untagged = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int exit = 0;
        for (String name : targets) {
            try {
                var report = imageUse.removeWithContainers(name, force);
                deleted.addAll(report.deleted());
                untagged.addAll(report.untagged());
            } catch (NoSuchObjectException e) {
                if (!ignore) {
                    errors.add(name + ": image not known");
                    exit = Math.max(exit, 1);
                }
            } catch (EngineException e) {
                errors.add(e.getMessage());
                exit = 2;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Deleted", deleted);
        out.put("Untagged", untagged);
        out.put("ExitCode", exit);
        out.put("Errors", errors.isEmpty() ? null : errors);
        return out;
    }

    @GetMapping("/{*rest}")
    ResponseEntity<?> get(@PathVariable String rest) {
        if (rest.endsWith("/json")) {
            return ResponseEntity.ok(ImageData.of(images.lookup(strip(rest, "/json"))));
        }
        if (rest.endsWith("/exists")) {
            images.lookup(strip(rest, "/exists"));
            return ResponseEntity.noContent().build();
        }
        if (rest.endsWith("/history")) {
            return ResponseEntity.ok(history(images.lookup(strip(rest, "/history"))));
        }
        if (rest.endsWith("/get")) {
            return io.jpod.api.shared.ImageSaveRoutes.single(strip(rest, "/get"));
        }
        throw EngineException.notFound("page not found");
    }

    @PostMapping("/{*rest}")
    ResponseEntity<Void> post(@PathVariable String rest, @RequestParam(required = false) String repo,
            @RequestParam(required = false) String tag, @RequestParam(required = false) String destination,
            @RequestParam(defaultValue = "true") boolean quiet, @RequestParam(defaultValue = "true") boolean tlsVerify,
            @RequestParam(required = false) String format, @RequestParam(required = false) String compressionFormat,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth, HttpServletResponse response) {
        if (rest.endsWith("/push")) {
            registry.push(strip(rest, "/push"), destination, quiet, tlsVerify, format, compressionFormat, auth, response);
            return null;
        }
        String full = repo == null || repo.isEmpty() ? "" : tag != null && !tag.isEmpty() ? repo + ":" + tag : repo;
        if (rest.endsWith("/tag")) {
            if (full.isEmpty()) {
                throw EngineException.invalidArgument("repo is required");
            }
            images.tag(strip(rest, "/tag"), full);
        } else if (rest.endsWith("/untag")) {
            Image img = images.lookup(strip(rest, "/untag"));
            for (String n : full.isEmpty() ? img.names() : List.of(full)) {
                images.untag(img.id(), n);
            }
        } else {
            throw EngineException.notFound("page not found");
        }
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }

    @DeleteMapping("/{*rest}")
    Map<String, Object> remove(@PathVariable String rest, @RequestParam(defaultValue = "false") boolean force) {
        var report = imageUse.removeWithContainers(rest.substring(1), force);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Deleted", report.deleted());
        out.put("Untagged", report.untagged());
        out.put("ExitCode", 0);
        out.put("Errors", null);
        return out;
    }

    private List<Map<String, Object>> history(Image img) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = img.history().size() - 1; i >= 0; i--) {
            var h = img.history().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Id", i == img.history().size() - 1 ? img.id() : "<missing>");
            m.put("Created", h.created().getEpochSecond());
            m.put("CreatedBy", h.createdBy());
            m.put("Tags", i == img.history().size() - 1 ? img.names() : null);
            m.put("Size", h.emptyLayer() ? 0 : img.size());
            m.put("Comment", h.comment());
            out.add(m);
        }
        return out;
    }

    private static String strip(String rest, String suffix) {
        return rest.substring(1, rest.length() - suffix.length());
    }
}
