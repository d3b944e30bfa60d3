package io.jpod.api.libpod;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.error.EngineException;
import io.jpod.pod.PodService;
import io.jpod.state.StoredContainer;
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
import tools.jackson.databind.json.JsonMapper;

/** libpod's {@code /libpod/pods/...} API as podman's remote client calls it; a thin adapter over {@link PodService}. */
@RestController
@RequestMapping("/libpod/pods")
class LibpodPodsController {

    private final PodService pods;
    private final JsonMapper json;

    LibpodPodsController(PodService pods, JsonMapper json) {
        this.pods = pods;
        this.json = json;
    }

    /** The body is podman's PodSpecGenerator JSON, sent without a JSON content type. */
    @PostMapping("/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) byte[] body) {
        var spec = Bodies.read(json, body, PodSpecGenerator.class, "the pod specification");
        // the client sends its default list even with --infra=false; nothing can be shared then
        List<String> shared = spec.noInfra() ? List.of() : spec.sharedNamespaces();
        var view = pods.create(new PodService.CreateRequest(spec.name(), spec.labels(), shared, !spec.noInfra(),
                spec.infraImage(), spec.infraCommand(), LibpodCreate.ports(spec.portmappings())));
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", view.pod().id()));
    }

    @GetMapping("/json")
    List<Map<String, Object>> list(@RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.POD_KEYS);
        List<Map<String, Object>> out = new ArrayList<>();
        for (PodService.View v : pods.list()) {
            if (matches(v, f)) {
                out.add(summary(v));
            }
        }
        return out;
    }

    private static boolean matches(PodService.View v, Map<String, List<String>> f) {
        for (var e : f.entrySet()) {
            boolean ok = switch (e.getKey()) {
                case "name" -> e.getValue().stream().anyMatch(n -> v.pod().name().contains(n));
                case "id" -> e.getValue().stream().anyMatch(v.pod().id()::startsWith);
                case "status" -> e.getValue().stream().anyMatch(s -> s.equalsIgnoreCase(v.status()));
                case "label" -> Filters.labels(v.pod().config().labels(), e.getValue());
                default -> throw EngineException.invalidArgument("invalid filter '" + e.getKey() + "'");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String infraId(PodService.View v) {
        String id = v.pod().state().infraContainerId();
        return id == null ? "" : id;
    }

    private static Map<String, Object> summary(PodService.View v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Cgroup", v.pod().config().cgroupParent());
        List<Map<String, Object>> ctrs = new ArrayList<>();
        for (StoredContainer c : v.containers()) {
            ctrs.add(Map.of("Id", c.id(), "Names", c.name(), "Status", c.state().status().display()));
        }
        m.put("Containers", ctrs);
        m.put("Created", LibpodJson.time(v.pod().config().created()));
        m.put("Id", v.pod().id());
        m.put("InfraId", infraId(v));
        m.put("Name", v.pod().name());
        m.put("Namespace", v.pod().config().namespace());
        m.put("Networks", List.of());
        m.put("Status", v.status());
        m.put("Labels", v.pod().config().labels());
        return m;
    }

    @GetMapping("/{name}/json")
    Map<String, Object> inspect(@PathVariable String name) {
        PodService.View v = pods.inspect(name);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", v.pod().id());
        m.put("Name", v.pod().name());
        m.put("Namespace", v.pod().config().namespace());
        m.put("Created", LibpodJson.time(v.pod().config().created()));
        m.put("ExitPolicy", "continue");
        m.put("State", v.status());
        m.put("Hostname", v.pod().config().sharedNamespaces().contains("uts") ? v.pod().name() : "");
        m.put("Labels", v.pod().config().labels());
        m.put("CreateCgroup", false);
        m.put("CgroupParent", v.pod().config().cgroupParent());
        m.put("CgroupPath", v.pod().state().cgroupPath());
        m.put("CreateInfra", v.pod().config().hasInfra());
        m.put("InfraContainerID", infraId(v));
        m.put("SharedNamespaces", v.pod().config().sharedNamespaces());
        m.put("NumContainers", v.containers().size());
        List<Map<String, Object>> ctrs = new ArrayList<>();
        for (StoredContainer c : v.containers()) {
            ctrs.add(Map.of("Id", c.id(), "Name", c.name(), "State", c.state().status().display()));
        }
        m.put("Containers", ctrs);
        return m;
    }

    @GetMapping("/{name}/exists")
    ResponseEntity<Void> exists(@PathVariable String name) {
        pods.inspect(name);
        return ResponseEntity.noContent().build();
    }

    private static Map<String, Object> report(PodService.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Errs", r.errors().isEmpty() ? null : new ArrayList<>(r.errors().values()));
        m.put("Id", r.podId());
        return m;
    }

    /** podman answers 409 with the report when some containers failed. */
    private static ResponseEntity<Map<String, Object>> answer(PodService.Report r) {
        return ResponseEntity.status(r.errors().isEmpty() ? HttpStatus.OK : HttpStatus.CONFLICT).body(report(r));
    }

    @PostMapping("/{name}/start")
    ResponseEntity<Map<String, Object>> start(@PathVariable String name) {
        return answer(pods.start(name));
    }

    @PostMapping("/{name}/stop")
    ResponseEntity<Map<String, Object>> stop(@PathVariable String name,
            @RequestParam(required = false) Integer timeout, @RequestParam(name = "t", required = false) Integer t) {
        return answer(pods.stop(name, timeout != null ? timeout : t));
    }

    @PostMapping("/{name}/restart")
    ResponseEntity<Map<String, Object>> restart(@PathVariable String name) {
        return answer(pods.restart(name, null));
    }

    @PostMapping("/{name}/kill")
    ResponseEntity<Map<String, Object>> kill(@PathVariable String name,
            @RequestParam(defaultValue = "SIGKILL") String signal) {
        return answer(pods.kill(name, signal));
    }

    @PostMapping("/{name}/pause")
    ResponseEntity<Map<String, Object>> pause(@PathVariable String name) {
        return answer(pods.pause(name));
    }

    @PostMapping("/{name}/unpause")
    ResponseEntity<Map<String, Object>> unpause(@PathVariable String name) {
        return answer(pods.unpause(name));
    }

    @DeleteMapping("/{name}")
    Map<String, Object> remove(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force) {
        String id = pods.inspect(name).pod().id();
        Map<String, Object> removed = new LinkedHashMap<>();
        pods.remove(id, force).forEach(c -> removed.put(c, null));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Err", null);
        m.put("Id", id);
        m.put("RemovedCtrs", removed);
        return m;
    }

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : pods.prune(f.pods())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Err", null);
            m.put("Id", id);
            out.add(m);
        }
        return out;
    }

    @GetMapping("/{name}/top")
    Map<String, Object> top(@PathVariable String name) {
        List<List<String>> rows = pods.top(name);
        return Map.of("Titles", rows.get(0), "Processes", rows.subList(1, rows.size()));
    }
}
