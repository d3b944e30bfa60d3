package io.jpod.api.libpod;

import io.jpod.api.PruneFilters;
import io.jpod.container.ContainerService;
import io.jpod.container.DiskUsage;
import io.jpod.container.ImageUse;
import io.jpod.container.NetworkUse;
import io.jpod.container.VolumeUse;
import io.jpod.image.ImageReference;
import io.jpod.pod.PodService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Libpod API: {@code GET /libpod/system/df} and {@code POST /libpod/system/prune} (podman system df / prune). */
@RestController
class LibpodDiskUsageController {

    private final DiskUsage usage;
    private final PodService pods;
    private final ContainerService containers;
    private final ImageUse images;
    private final NetworkUse networks;
    private final VolumeUse volumes;
    private final tools.jackson.databind.json.JsonMapper json;

    LibpodDiskUsageController(DiskUsage usage, PodService pods, ContainerService containers, ImageUse images,
            NetworkUse networks, VolumeUse volumes, tools.jackson.databind.json.JsonMapper json) {
        this.json = json;
        this.usage = usage;
        this.pods = pods;
        this.containers = containers;
        this.images = images;
        this.networks = networks;
        this.volumes = volumes;
    }

    @GetMapping("/libpod/system/df")
    Map<String, Object> df() {
        DiskUsage.Report r = usage.report();
        List<Map<String, Object>> imgs = new ArrayList<>();
        for (DiskUsage.ImageUsage u : r.images()) {
            List<String> names = u.image().names().isEmpty() ? List.of("<none>:<none>") : u.image().names();
            for (String name : names) {
                Map<String, Object> m = new LinkedHashMap<>();
                int colon = name.lastIndexOf(':');
                m.put("Repository", name.startsWith("<none>") ? "<none>" : ImageReference.parse(name).registry() + "/"
                        + ImageReference.parse(name).repository());
                m.put("Tag", name.startsWith("<none>") ? "<none>" : name.substring(colon + 1));
                m.put("ImageID", u.image().id());
                m.put("Created", LibpodJson.time(u.image().created()));
                m.put("Size", u.size());
                m.put("SharedSize", u.sharedSize());
                m.put("UniqueSize", u.size() - u.sharedSize());
                m.put("Containers", u.containers());
                imgs.add(m);
            }
        }
        List<Map<String, Object>> ctrs = new ArrayList<>();
        for (DiskUsage.ContainerUsage u : r.containers()) {
            var c = u.container();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ContainerID", c.id());
            m.put("Image", c.config().rootfsImageId());
            m.put("Command", c.config().command());
            m.put("LocalVolumes", c.config().run() == null ? 0
                    : c.config().run().mounts().stream().filter(x -> "volume".equals(x.type())).count());
            m.put("Size", u.rootFsSize());
            m.put("RWSize", u.rwSize());
            m.put("Created", LibpodJson.time(c.config().created()));
            m.put("Status", c.state().status().name().toLowerCase(java.util.Locale.ROOT));
            m.put("Names", c.name());
            ctrs.add(m);
        }
        List<Map<String, Object>> vols = new ArrayList<>();
        for (DiskUsage.VolumeUsage u : r.volumes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("VolumeName", u.volume().name());
            m.put("Links", u.refCount());
            m.put("Size", u.size());
            m.put("ReclaimableSize", u.refCount() == 0 ? u.size() : 0);
            vols.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ImagesSize", r.layersSize());
        out.put("Images", imgs);
        out.put("Containers", ctrs);
        out.put("Volumes", vols);
        return out;
    }

    /** Pods, then containers, images (with the build cache), networks and, when asked, volumes. */
    @PostMapping("/libpod/system/prune")
    Map<String, Object> prune(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(defaultValue = "false") boolean volumes,
            @RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters,
                PruneFilters.LABELS_UNTIL);
        long before = total(usage.report());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("PodPruneReport", pods.prune(f.pods()).stream().map(id -> report(id)).toList());
        out.put("ContainerPruneReports", containers.prune(f.containers()).stream().map(id -> report(id)).toList());
        out.put("ImagePruneReports", images.prune(all, f.images()).stream().map(id -> report(id)).toList());
        out.put("NetworkPruneReports", networks.prune(f.networks()).stream().map(n -> Map.of("Name", n)).toList());
        out.put("VolumePruneReports", volumes ? this.volumes.prune(f.volumes()).stream().map(id -> report(id)).toList()
                : List.of());
        out.put("ReclaimedSpace", Math.max(0, before - total(usage.report())));
        return out;
    }

    /** Bytes of layers, containers' writes and volumes: what a prune can make smaller. */
    private static long total(DiskUsage.Report r) {
        return r.layersSize() + r.containers().stream().mapToLong(DiskUsage.ContainerUsage::rwSize).sum()
                + r.volumes().stream().mapToLong(DiskUsage.VolumeUsage::size).sum();
    }

    private static Map<String, Object> report(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", id.startsWith("sha256:") ? id.substring(7) : id);
        m.put("Size", 0);
        return m;
    }
}
