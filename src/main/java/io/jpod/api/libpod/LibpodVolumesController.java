package io.jpod.api.libpod;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.container.VolumeUse;
import io.jpod.state.VolumeConfig;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
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

    /** podman's client sends the body without a JSON content type, so it is read as bytes. */
    @PostMapping("/create")
    ResponseEntity<VolumeConfigResponse> create(@RequestBody(required = false) byte[] body) {
        VolumeCreateOptions b = Bodies.read(json, body, VolumeCreateOptions.class, "the volume options");
        VolumeConfig v = volumes.create(b.name(), b.driver(), b.allLabels(), b.options(), false);
        return ResponseEntity.status(HttpStatus.CREATED).body(VolumeConfigResponse.of(v));
    }

    @GetMapping("/json")
    List<VolumeConfigResponse> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.VOLUME_KEYS);
        // who uses what, read once and only when the filter asks
        java.util.Set<String> used = f.containsKey("dangling") ? use.used() : java.util.Set.of();
        List<VolumeConfigResponse> out = new ArrayList<>();
        for (VolumeConfig v : volumes.list()) {
            if (matches(v, used, f)) {
                out.add(VolumeConfigResponse.of(v));
            }
        }
        return out;
    }

    private static boolean matches(VolumeConfig v, java.util.Set<String> used, Map<String, List<String>> f) {
        return Filters.volume(v, !used.contains(v.name()), f);
    }

    @GetMapping("/{name}/json")
    VolumeConfigResponse inspect(@PathVariable String name) {
        return VolumeConfigResponse.of(volumes.inspect(name));
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
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        return use.prune(f.volumes()).stream().map(n -> Map.<String, Object>of("Id", n, "Size", 0)).toList();
    }
}
