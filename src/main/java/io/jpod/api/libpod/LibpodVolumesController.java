package io.jpod.api.libpod;

import io.jpod.api.Filters;
import io.jpod.container.VolumeUse;
import io.jpod.state.VolumeConfig;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** libpod's {@code /libpod/volumes/...} API as podman's remote client calls it. */
@RestController
@RequestMapping("/libpod/volumes")
class LibpodVolumesController {

    private final VolumeService volumes;
    private final VolumeUse use;
    private final JsonMapper json;

    LibpodVolumesController(VolumeService volumes, VolumeUse use, JsonMapper json) {
        this.volumes = volumes;
        this.use = use;
        this.json = json;
    }

    private Map<String, Object> volume(VolumeConfig v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", v.name());
        m.put("Driver", v.driver());
        m.put("Mountpoint", v.mountPoint());
        m.put("CreatedAt", LibpodJson.time(v.created()));
        m.put("Labels", v.labels());
        m.put("Scope", "local");
        m.put("Options", v.options());
        m.put("UID", Math.max(v.uid(), 0));
        m.put("GID", Math.max(v.gid(), 0));
        m.put("Anonymous", v.anonymous());
        m.put("MountCount", 0);
        m.put("NeedsCopyUp", true);
        m.put("NeedsChown", v.uid() >= 0 || v.gid() >= 0);
        return m;
    }

    /** podman's client sends the body without a JSON content type, so it is read as bytes. */
    @PostMapping("/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) byte[] body) {
        JsonNode b = Bodies.json(json, body, "the volume options");
        Map<String, String> labels = new LinkedHashMap<>();
        b.path("Label").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        b.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        Map<String, String> opts = new LinkedHashMap<>();
        b.path("Options").properties().forEach(e -> opts.put(e.getKey(), e.getValue().asString()));
        VolumeConfig v = volumes.create(b.path("Name").asString(""), b.path("Driver").asString("local"), labels, opts,
                false);
        return ResponseEntity.status(HttpStatus.CREATED).body(volume(v));
    }

    @GetMapping("/json")
    List<Map<String, Object>> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.VOLUME_KEYS);
        // who uses what, read once and only when the filter asks
        java.util.Set<String> used = f.containsKey("dangling") ? use.used() : java.util.Set.of();
        List<Map<String, Object>> out = new ArrayList<>();
        for (VolumeConfig v : volumes.list()) {
            if (matches(v, used, f)) {
                out.add(volume(v));
            }
        }
        return out;
    }

    private static boolean matches(VolumeConfig v, java.util.Set<String> used, Map<String, List<String>> f) {
        return Filters.volume(v, !used.contains(v.name()), f);
    }

    @GetMapping("/{name}/json")
    Map<String, Object> inspect(@PathVariable String name) {
        return volume(volumes.inspect(name));
    }

    @GetMapping("/{name}/exists")
    ResponseEntity<Void> exists(@PathVariable String name) {
        volumes.inspect(name);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> remove(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force) {
        use.remove(name, force);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        return use.prune().stream().map(n -> Map.<String, Object>of("Id", n, "Size", 0)).toList();
    }
}
