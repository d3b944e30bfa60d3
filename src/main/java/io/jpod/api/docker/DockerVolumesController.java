package io.jpod.api.docker;

import io.jpod.api.Filters;
import io.jpod.container.VolumeUse;
import io.jpod.state.VolumeConfig;
import io.jpod.volume.VolumeService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: {@code /volumes/...}. */
@RestController
class DockerVolumesController {

    private final VolumeService volumes;
    private final VolumeUse use;
    private final JsonMapper json;

    DockerVolumesController(VolumeService volumes, VolumeUse use, JsonMapper json) {
        this.volumes = volumes;
        this.use = use;
        this.json = json;
    }

    static Map<String, Object> volume(VolumeConfig v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", v.name());
        m.put("Driver", v.driver());
        m.put("Mountpoint", v.mountPoint());
        m.put("CreatedAt", v.created() == null ? "" : v.created().toString());
        m.put("Labels", v.labels());
        m.put("Scope", "local");
        m.put("Options", v.options());
        return m;
    }

    @GetMapping("/volumes")
    Map<String, Object> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.VOLUME_KEYS);
        // who uses what, read once and only when the filter asks
        java.util.Set<String> used = f.containsKey("dangling") ? use.used() : java.util.Set.of();
        return Map.of("Volumes", volumes.list().stream().filter(v -> matches(v, used, f))
                .map(DockerVolumesController::volume)
                .toList(), "Warnings", List.of());
    }

    private static boolean matches(VolumeConfig v, java.util.Set<String> used, Map<String, List<String>> f) {
        return Filters.volume(v, !used.contains(v.name()), f);
    }

    @PostMapping("/volumes/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) JsonNode body) {
        JsonNode b = body == null ? json.createObjectNode() : body;
        Map<String, String> labels = new LinkedHashMap<>();
        b.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        Map<String, String> opts = new LinkedHashMap<>();
        b.path("DriverOpts").properties().forEach(e -> opts.put(e.getKey(), e.getValue().asString()));
        String name = b.path("Name").asString("");
        // Docker answers an existing volume of that name instead of failing
        if (!name.isEmpty() && volumes.exists(name)) {
            return ResponseEntity.status(HttpStatus.CREATED).body(volume(volumes.inspect(name)));
        }
        VolumeConfig v = volumes.create(name, b.path("Driver").asString("local"), labels, opts, false);
        return ResponseEntity.status(HttpStatus.CREATED).body(volume(v));
    }

    @GetMapping("/volumes/{name}")
    Map<String, Object> inspect(@PathVariable String name) {
        return volume(volumes.inspect(name));
    }

    @DeleteMapping("/volumes/{name}")
    ResponseEntity<Void> remove(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force) {
        use.remove(name, force);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/volumes/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        return Map.of("VolumesDeleted", use.prune(), "SpaceReclaimed", 0);
    }
}
