package io.jpod.api.docker;

import io.jpod.container.DiskUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: {@code GET /system/df} ({@code docker system df}). */
@RestController
class DockerDiskUsageController {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final DiskUsage usage;
    private final JsonMapper json;

    DockerDiskUsageController(DiskUsage usage, JsonMapper json) {
        this.usage = usage;
        this.json = json;
    }

    @GetMapping("/system/df")
    Map<String, Object> df() {
        DiskUsage.Report r = usage.report();
        List<Map<String, Object>> images = new ArrayList<>();
        for (DiskUsage.ImageUsage u : r.images()) {
            Map<String, Object> m = json.convertValue(ImageSummary.of(u.image()), MAP);
            m.put("SharedSize", u.sharedSize());
            m.put("Containers", u.containers());
            images.add(m);
        }
        List<Map<String, Object>> containers = new ArrayList<>();
        for (DiskUsage.ContainerUsage u : r.containers()) {
            Map<String, Object> m = json.convertValue(ContainerSummary.of(u.container(), json), MAP);
            m.put("SizeRw", u.rwSize());
            m.put("SizeRootFs", u.rootFsSize());
            containers.add(m);
        }
        List<Map<String, Object>> volumes = new ArrayList<>();
        for (DiskUsage.VolumeUsage u : r.volumes()) {
            Map<String, Object> m = json.convertValue(Volume.of(u.volume()), MAP);
            m.put("UsageData", Map.of("Size", u.size(), "RefCount", u.refCount()));
            volumes.add(m);
        }
        List<Map<String, Object>> cache = new ArrayList<>();
        for (DiskUsage.CacheUsage u : r.buildCache()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", u.image().id());
            m.put("Parent", "");
            m.put("Type", "regular");
            m.put("Description", u.image().history().isEmpty() ? ""
                    : u.image().history().get(u.image().history().size() - 1).createdBy());
            m.put("InUse", u.inUse());
            m.put("Shared", false);
            m.put("Size", u.size());
            m.put("CreatedAt", DockerJson.time(u.image().created()));
            m.put("LastUsedAt", null);
            m.put("UsageCount", 0);
            cache.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("LayersSize", r.layersSize());
        out.put("Images", images);
        out.put("Containers", containers);
        out.put("Volumes", volumes);
        out.put("BuildCache", cache);
        return out;
    }
}
