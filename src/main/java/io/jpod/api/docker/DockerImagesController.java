package io.jpod.api.docker;

import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.container.ImageUse;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: {@code /images/...} (import, load, list, inspect, tag, remove, history). */
@RestController
class DockerImagesController {

    private final ImageStore images;
    private final ImageUse imageUse;
    private final JsonMapper json;
    private final DockerRegistryController registry;

    DockerImagesController(ImageStore images, ImageUse imageUse, JsonMapper json, DockerRegistryController registry) {
        this.images = images;
        this.imageUse = imageUse;
        this.json = json;
        this.registry = registry;
    }

    /** {@code docker import} ({@code fromSrc=-}); pulls ({@code fromImage} alone) are {@link DockerRegistryController}'s. */
    @PostMapping(value = "/images/create", params = "fromSrc")
    ResponseEntity<String> create(@RequestParam String fromSrc,
            @RequestParam(required = false) String repo,
            @RequestParam(required = false) String tag, @RequestParam(required = false) List<String> changes,
            @RequestParam(required = false) String message, HttpServletRequest request) throws IOException {
        if (!fromSrc.equals("-")) {
            throw EngineException.invalidArgument("only fromSrc=- (the request body) is supported");
        }
        List<String> names = new ArrayList<>();
        if (repo != null && !repo.isEmpty()) {
            names.add(tag != null && !tag.isEmpty() ? repo + ":" + tag : repo);
        }
        Image img;
        try (InputStream body = request.getInputStream()) {
            img = images.importRootfs(body, names, changes == null ? List.of() : changes, message);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsString(Map.of("status", "sha256:" + img.id())) + "\n");
    }

    @PostMapping("/images/load")
    ResponseEntity<String> load(HttpServletRequest request) throws IOException {
        List<Image> loaded;
        try (InputStream body = request.getInputStream()) {
            loaded = images.load(body);
        }
        StringBuilder out = new StringBuilder();
        for (Image img : loaded) {
            List<String> names = img.names().isEmpty() ? List.of("ID: sha256:" + img.id())
                    : img.names().stream().map(DockerJson::imageName).toList();
            for (String n : names) {
                out.append(json.writeValueAsString(Map.of("stream", "Loaded image: " + n + "\n"))).append('\n');
            }
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out.toString());
    }

    /** Removes images with no name ({@code dangling}) that no container uses; all unused ones with {@code dangling=false}. */
    @PostMapping("/images/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.IMAGES);
        List<String> deleted = imageUse.prune(f.allImages(), f.images());
        return Map.of("ImagesDeleted", deleted.stream().map(d -> Map.of("Deleted", d)).toList(),
                "SpaceReclaimed", 0);
    }

    @GetMapping("/images/json")
    List<ImageSummary> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.IMAGE_KEYS);
        return images.list().stream().filter(img -> Filters.image(img, f)).map(ImageSummary::of).toList();
    }

    /** Image names contain slashes ({@code localhost/app:1}), so the name is taken from the rest of the path. */
    @GetMapping("/images/{*rest}")
    Object get(@PathVariable String rest) {
        if (rest.endsWith("/json")) {
            String name = strip(rest, "/json");
            try {
                return ImageInspect.of(images.lookup(name));
            } catch (io.jpod.error.NoSuchObjectException e) {
                // Docker's wording: docker-py (docker-compose) tells a missing image by "No such image"
                // and only then builds or pulls it
                throw EngineException.notFound("No such image: " + name);
            }
        }
        if (rest.endsWith("/history")) {
            return history(strip(rest, "/history"));
        }
        if (rest.endsWith("/get")) {
            return io.jpod.api.shared.ImageSaveRoutes.single(strip(rest, "/get"));
        }
        throw EngineException.notFound("page not found");
    }

    @PostMapping("/images/{*rest}")
    ResponseEntity<Void> post(@PathVariable String rest, @RequestParam(required = false) String repo,
            @RequestParam(required = false) String tag,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth, HttpServletResponse response) {
        if (rest.endsWith("/push")) {
            registry.push(strip(rest, "/push"), tag, auth, response);
            return null;
        }
        if (!rest.endsWith("/tag")) {
            throw EngineException.notFound("page not found");
        }
        if (repo == null || repo.isBlank()) {
            throw EngineException.invalidArgument("repo is required");
        }
        images.tag(strip(rest, "/tag"), tag != null && !tag.isEmpty() ? repo + ":" + tag : repo);
        return ResponseEntity.status(201).build();
    }

    private static String strip(String rest, String suffix) {
        return rest.substring(1, rest.length() - suffix.length());
    }

    List<Map<String, Object>> history(String name) {
        Image img = images.lookup(name);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = img.history().size() - 1; i >= 0; i--) {
            var h = img.history().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Id", i == img.history().size() - 1 ? "sha256:" + img.id() : "<missing>");
            m.put("Created", h.created().getEpochSecond());
            m.put("CreatedBy", h.createdBy());
            m.put("Tags", i == img.history().size() - 1 ? img.names().stream().map(DockerJson::imageName).toList()
                    : List.of());
            m.put("Size", h.emptyLayer() ? 0 : img.size());
            m.put("Comment", h.comment());
            out.add(m);
        }
        return out;
    }

    @DeleteMapping("/images/{*rest}")
    List<Map<String, String>> remove(@PathVariable String rest, @RequestParam(defaultValue = "false") boolean force) {
        String name = rest.substring(1);
        var report = imageUse.remove(name, force);
        List<Map<String, String>> out = new ArrayList<>();
        report.untagged().forEach(n -> out.add(Map.of("Untagged", ImageReference.parse(n).familiar())));
        report.deleted().forEach(d -> out.add(Map.of("Deleted", d)));
        return out;
    }
}
