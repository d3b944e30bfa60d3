package io.jpod.api.docker;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.container.VolumeUse;
import io.jpod.state.VolumeConfig;
import io.jpod.volume.VolumeService;
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

    @GetMapping("/volumes")
    Volume.ListResponse list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.VOLUME_KEYS);
        // who uses what, read once and only when the filter asks
        java.util.Set<String> used = f.containsKey("dangling") ? use.used() : java.util.Set.of();
        return new Volume.ListResponse(volumes.list().stream().filter(v -> matches(v, used, f)).map(Volume::of)
                .toList(), List.of());
    }

    private static boolean matches(VolumeConfig v, java.util.Set<String> used, Map<String, List<String>> f) {
        return Filters.volume(v, !used.contains(v.name()), f);
    }

    @PostMapping("/volumes/create")
    ResponseEntity<Volume> create(@RequestBody(required = false) byte[] body) {
        VolumeCreateOptions b = Bodies.read(json, body, VolumeCreateOptions.class, "the volume options");
        String name = b.name();
        // Docker answers an existing volume of that name instead of failing
        if (!name.isEmpty() && volumes.exists(name)) {
            return ResponseEntity.status(HttpStatus.CREATED).body(Volume.of(volumes.inspect(name)));
        }
        VolumeConfig v = volumes.create(name, b.driver(), b.labels(), b.driverOpts(), false);
        return ResponseEntity.status(HttpStatus.CREATED).body(Volume.of(v));
    }

    @GetMapping("/volumes/{name}")
    Volume inspect(@PathVariable String name) {
        return Volume.of(volumes.inspect(name));
    }

    @DeleteMapping("/volumes/{name}")
    ResponseEntity<Void> remove(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force) {
        use.remove(name, force);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/volumes/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        // API 1.41: labels only (no until, no all)
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS);
        return Map.of("VolumesDeleted", use.prune(f.volumes()), "SpaceReclaimed", 0);
    }
}
