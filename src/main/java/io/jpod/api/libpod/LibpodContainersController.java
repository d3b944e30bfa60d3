package io.jpod.api.libpod;

import io.jpod.api.wire.Bodies;
import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.api.shared.ContainerRoutes;
import io.jpod.api.wire.TopResponse;
import io.jpod.api.wire.CreateResponse;
import io.jpod.api.wire.MountPoint;
import io.jpod.api.wire.NetworkSettings;
import io.jpod.api.stream.ContainerStreams;
import io.jpod.events.EventBus;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.pod.PodService;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.StoredContainer;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * libpod's {@code /libpod/containers/...} API, as podman's remote client calls it. A thin adapter
 * over {@link ContainerService}; the create body is podman's SpecGenerator JSON.
 */
@RestController
@RequestMapping("/libpod/containers")
class LibpodContainersController {

    private final ContainerService containers;
    private final EventBus events;
    private final LibpodRuntime runtime;
    private final JsonMapper json;
    private final PodService pods;
    private final ContainerRoutes shared;

    LibpodContainersController(ContainerService containers, LibpodRuntime runtime, EventBus events,
            JsonMapper json, PodService pods, ContainerRoutes shared) {
        this.pods = pods;
        this.events = events;
        this.containers = containers;
        this.runtime = runtime;
        this.json = json;
        this.shared = shared;
    }

    /** podman's client sends the spec without a JSON content type, so the body is read as bytes. */
    @PostMapping("/create")
    ResponseEntity<CreateResponse> create(@RequestBody(required = false) byte[] body) {
        JsonNode tree = Bodies.tree(json, body, "the container specification");
        if (!tree.isObject() || tree.isEmpty()) {
            throw EngineException.invalidArgument("a JSON container specification is required");
        }
        LibpodCreate.refuseUnsupported(tree);
        var spec = Bodies.read(json, tree, SpecGenerator.class, "the container specification");
        StoredContainer c = containers.create(LibpodCreate.request(spec)
                .withResources(LibpodResources.fromSpec(tree))
                .withNames(LibpodNames.of(tree))
                .withInit(new io.jpod.state.InitProcess(tree.path("init").asBoolean(false),
                        tree.path("init_path").asString(""))));
        return ResponseEntity.status(HttpStatus.CREATED).body(CreateResponse.of(c.id()));
    }

    /** {@code podman update}: the body is an OCI LinuxResources object; what it leaves out stays. */
    @PostMapping("/{id}/update")
    ResponseEntity<String> update(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        JsonNode tree = Bodies.tree(json, body, "the resources");
        StoredContainer c = containers.update(id, LibpodResources.fromOci(tree), null);
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .body(json.writeValueAsString(c.id()));
    }

    @GetMapping("/json")
    List<ListContainer> list(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer last,
            @RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.CONTAINER_KEYS);
        List<StoredContainer> list = new ArrayList<>(containers.list());
        list.sort((a, b) -> b.config().created().compareTo(a.config().created()));
        int max = limit != null && limit > 0 ? limit : last != null && last > 0 ? last : Integer.MAX_VALUE;
        List<ListContainer> out = new ArrayList<>();
        Map<String, String> podNames = pods.names();
        for (StoredContainer c : list) {
            String state = c.state().status().display();
            boolean shown = all || f.containsKey("status") || state.equals("running") || state.equals("paused");
            if (shown && Filters.matches(c, state, f) && out.size() < max) {
                out.add(ListContainer.of(c, podNames.get(c.config().podId())));
            }
        }
        return out;
    }

    @GetMapping("/{id}/json")
    InspectContainerData inspect(@PathVariable String id) {
        StoredContainer c = containers.inspect(id);
        Path log = containers.logPath(c);
        return InspectContainerData.of(c, new InspectContainerData.Context(log.toString(),
                log.getParent().toString(), runtime.config().runtime(), MountPoint.of(c, containers::hostSource),
                NetworkSettings.of(c, json)));
    }

    @GetMapping("/{id}/exists")
    ResponseEntity<Void> exists(@PathVariable String id) {
        containers.inspect(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/resize")
    ResponseEntity<Map<String, Object>> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        containers.resize(id, h, w);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of());
    }

    /**
     * podman's wait answers the exit code as plain text. The conditions podman's client sends
     * for "until it stops" are {@code stopped} and {@code exited} (the default).
     */
    @PostMapping("/{id}/wait")
    ResponseEntity<String> waitFor(@PathVariable String id,
            @RequestParam(name = "condition", required = false) List<String> conditions) {
        Set<String> stopping = Set.of("stopped", "exited", "configured", "created");
        if (conditions != null && !conditions.stream().allMatch(stopping::contains)) {
            throw EngineException.invalidArgument("unsupported wait condition(s) " + conditions
                    + ": only stopped and exited are supported");
        }
        int code = ContainerStreams.await(containers.whenNotRunning(id), events::isClosed);
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(code + "\n");
    }

    /** podman's {@code ps_args} may repeat and holds arguments split by spaces or commas. */
    @GetMapping("/{id}/top")
    TopResponse top(@PathVariable String id, @RequestParam(name = "ps_args", required = false) List<String> psArgs) {
        List<String> args = new ArrayList<>();
        if (psArgs != null) {
            psArgs.stream().filter(a -> !a.isBlank()).forEach(a -> args.addAll(List.of(a.trim().split("[\\s,]+"))));
        }
        return shared.top(id, args);
    }

    @PostMapping("/prune")
    List<ContainerReports.PruneReport> prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        return containers.prune(f.containers()).stream().map(id -> new ContainerReports.PruneReport(id, 0, null)).toList();
    }

    @DeleteMapping("/{id}")
    List<ContainerReports.RmReport> remove(@PathVariable String id, @RequestParam(defaultValue = "false") boolean force,
            @RequestParam(defaultValue = "false") boolean ignore, @RequestParam(defaultValue = "false") boolean volumes) {
        StoredContainer c;
        try {
            c = containers.inspect(id);
        } catch (NoSuchObjectException e) {
            if (ignore) {
                return List.of();
            }
            throw e;
        }
        containers.remove(c.id(), force, volumes);
        return List.of(new ContainerReports.RmReport(c.id(), id));
    }

    @GetMapping("/{id}/logs")
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String id,
            @RequestParam(defaultValue = "false") boolean stdout, @RequestParam(defaultValue = "false") boolean stderr,
            @RequestParam(defaultValue = "false") boolean follow,
            @RequestParam(defaultValue = "false") boolean timestamps,
            @RequestParam(defaultValue = "-1") String tail, @RequestParam(required = false) String since,
            @RequestParam(required = false) String until, HttpServletResponse response) {
        var query = new ContainerRoutes.LogQuery(stdout, stderr, follow, timestamps, tail, since, until);
        return shared.logs(id, query, MediaType.APPLICATION_OCTET_STREAM, response);
    }

}
