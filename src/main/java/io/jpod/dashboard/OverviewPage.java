package io.jpod.dashboard;

import io.jpod.container.ContainerService;
import io.jpod.container.StatusText;
import io.jpod.host.Cgroups;
import io.jpod.image.ImageStore;
import io.jpod.network.NetworkService;
import io.jpod.observability.LockUsage;
import io.jpod.pod.PodService;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.StoredContainer;
import io.jpod.system.SystemService;
import io.jpod.volume.VolumeService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The overview: the runtime's health at a glance and what the engine holds. */
@Controller
class OverviewPage {

    /** The engine's own checks; Spring's (ping, ssl, disk space, probes' states) say nothing more here. */
    private static final java.util.Set<String> CHECKS = java.util.Set.of("runtime", "state", "storage", "locks");


    private final LibpodRuntime runtime;
    private final SystemService system;
    private final ContainerService containers;
    private final PodService pods;
    private final ImageStore images;
    private final VolumeService volumes;
    private final NetworkService networks;
    private final Map<String, HealthIndicator> health;
    private final LockUsage locks;

    OverviewPage(LibpodRuntime runtime, SystemService system, ContainerService containers, PodService pods,
            ImageStore images, VolumeService volumes, NetworkService networks, Map<String, HealthIndicator> health,
            LockUsage locks) {
        this.runtime = runtime;
        this.locks = locks;
        this.system = system;
        this.containers = containers;
        this.pods = pods;
        this.images = images;
        this.volumes = volumes;
        this.networks = networks;
        this.health = health;
    }

    @GetMapping("/")
    String overview(Model model) {
        var config = runtime.config();
        model.addAttribute("page", "overview");
        model.addAttribute("version", system.version());
        model.addAttribute("binaries", List.of(runtime.ociRuntimeDiscovery(), runtime.conmonDiscovery()));
        model.addAttribute("cgroupManager", config.cgroupManager());
        model.addAttribute("cgroupVersion", Cgroups.version(runtime.environment().cgroupRoot()));
        List<Views.Check> checks = checks();
        model.addAttribute("checks", checks);
        // the storage check has measured the graph root's file system already
        model.addAttribute("disk", checks.stream().filter(ch -> ch.name().equals("storage")).findFirst()
                .filter(ch -> ch.details().containsKey("free"))
                .map(ch -> ch.details().get("free") + " free of " + ch.details().get("total")).orElse("unknown"));
        model.addAttribute("ready", runtime.ready() && runtime.ociRuntimeDiscovery().available()
                && runtime.conmonDiscovery().available() && checks.stream().allMatch(Views.Check::up));
        int total = locks.total();
        int free = locks.free();
        model.addAttribute("locksTotal", total);
        model.addAttribute("locksFree", free);
        model.addAttribute("locksUsed", free < 0 ? -1 : total - free);
        model.addAttribute("storageDriver", config.storage().driver());
        model.addAttribute("graphRoot", config.storage().graphRoot());
        model.addAttribute("stateType", config.stateType().name().toLowerCase(java.util.Locale.ROOT));
        List<StoredContainer> all = containers.list();
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (String s : List.of("running", "paused", "exited", "created")) {
            byState.put(s, 0);
        }
        all.stream().filter(c -> !c.config().infra())
                .forEach(c -> byState.merge(StatusText.word(c.state().status()), 1, Integer::sum));
        model.addAttribute("containerCount", all.stream().filter(c -> !c.config().infra()).count());
        model.addAttribute("byState", byState);
        model.addAttribute("podCount", pods.names().size());
        model.addAttribute("imageCount", images.list().size());
        model.addAttribute("volumeCount", volumes.list().size());
        model.addAttribute("networkCount", networks.list().size());
        return "overview";
    }

    /** jpod's health indicators, under the actuator's component names (the binaries have cards of their own). */
    private List<Views.Check> checks() {
        Map<String, Views.Check> out = new TreeMap<>();
        health.forEach((bean, indicator) -> {
            String name = bean.endsWith("HealthIndicator") ? bean.substring(0, bean.length() - 15) : bean;
            if (!CHECKS.contains(name)) {
                return;
            }
            Health h;
            try {
                h = indicator.health(true);
            } catch (RuntimeException e) {
                h = Health.down().withDetail("error", String.valueOf(e.getMessage())).build();
            }
            Map<String, Object> details = new LinkedHashMap<>(h.getDetails());
            details.replaceAll((k, v) -> (k.equals("free") || k.equals("total")) && v instanceof Long n
                    ? Bytes.human(n) : v);
            String status = h.getStatus().getCode();
            out.put(name, new Views.Check(name, "UP".equals(status), status, details));
        });
        return List.copyOf(out.values());
    }
}
