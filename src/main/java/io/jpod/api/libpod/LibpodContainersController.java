package io.jpod.api.libpod;

import io.jpod.api.Filters;
import io.jpod.api.stream.ContainerStreams;
import io.jpod.api.stream.Flushing;
import io.jpod.events.EventBus;
import io.jpod.container.ContainerService;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.pod.PodService;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.StoredContainer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** SpecGenerator fields whose features are not built yet: refused instead of silently dropped. */
    private static final List<String> NOT_YET = List.of("image_volumes", "overlay_volumes",
            "devices", "secrets", "volumes_from");

    private final ContainerService containers;
    private final EventBus events;
    private final LibpodRuntime runtime;
    private final JsonMapper json;
    private final PodService pods;

    LibpodContainersController(ContainerService containers, LibpodRuntime runtime, EventBus events,
            JsonMapper json, PodService pods) {
        this.pods = pods;
        this.events = events;
        this.containers = containers;
        this.runtime = runtime;
        this.json = json;
    }

    /** podman's client sends the spec without a JSON content type, so the body is read as bytes. */
    @PostMapping("/create")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) byte[] body) {
        JsonNode spec = Bodies.json(json, body, "the container specification");
        if (!spec.isObject() || spec.isEmpty()) {
            throw EngineException.invalidArgument("a JSON container specification is required");
        }
        for (String field : NOT_YET) {
            JsonNode v = spec.path(field);
            if (!v.isMissingNode() && !v.isNull() && !(v.isEmpty() && (v.isArray() || v.isObject()))
                    && !(v.isString() && v.asString().isEmpty())) {
                throw EngineException.invalidArgument("\"" + field + "\" is not supported yet");
            }
        }
        List<String> env = new ArrayList<>();
        spec.path("env").properties().forEach(e -> env.add(e.getKey() + "=" + e.getValue().asString()));
        Map<String, String> labels = new LinkedHashMap<>();
        spec.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        String restart = spec.path("restart_policy").asString("");
        int tries = spec.path("restart_tries").asInt(0);
        if (restart.equals("on-failure") && tries > 0) {
            restart = restart + ":" + tries;
        }
        JsonNode signal = spec.path("stop_signal");
        JsonNode timeout = spec.path("stop_timeout");
        CreateRequest req = new CreateRequest(text(spec, "name"), text(spec, "image"), strings(spec.get("entrypoint")),
                strings(spec.get("command")), env, text(spec, "work_dir"), text(spec, "user"), labels,
                spec.path("terminal").asBoolean(false),
                signal.isNumber() && signal.asInt() > 0 ? Integer.toString(signal.asInt()) : null,
                timeout.isNumber() ? timeout.asInt() : null, restart, spec.path("remove").asBoolean(false),
                text(spec, "hostname"), spec.path("stdin").asBoolean(false), mounts(spec),
                spec.path("pod").asString("").isEmpty() ? null : spec.path("pod").asString(), network(spec));
        StoredContainer c = containers.create(req);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", c.id(), "Warnings", List.of()));
    }

    /** SpecGenerator's {@code mounts} (OCI-like binds and tmpfs) and {@code volumes} (named, or anonymous without a name). */
    private static List<Mount> mounts(JsonNode spec) {
        List<Mount> out = new ArrayList<>();
        for (JsonNode m : spec.path("mounts")) {
            List<String> opts = new ArrayList<>();
            m.path("options").forEach(o -> opts.add(o.asString()));
            String type = m.path("type").asString("bind");
            out.add(new Mount(type.equals("tmpfs") ? "tmpfs" : type, m.path("source").asString(""),
                    m.path("destination").asString(""), opts));
        }
        for (JsonNode v : spec.path("volumes")) {
            List<String> opts = new ArrayList<>();
            v.path("Options").forEach(o -> opts.add(o.asString()));
            out.add(new Mount("volume", v.path("IsAnonymous").asBoolean(false) ? "" : v.path("Name").asString(""),
                    v.path("Dest").asString(""), opts));
        }
        return out;
    }

    /**
     * {@code netns} ({@code nsmode}: bridge, none, host, container with {@code value}), the
     * {@code Networks} to join and {@code portmappings} (a {@code range} publishes consecutive ports).
     */
    private static CreateRequest.NetworkRequest network(JsonNode spec) {
        String nsmode = spec.path("netns").path("nsmode").asString("");
        String mode = switch (nsmode) {
            case "", "bridge", "private", "default" -> "bridge";
            case "none", "host" -> nsmode;
            case "container" -> "container:" + spec.path("netns").path("value").asString("");
            case "ns", "path" -> throw EngineException.invalidArgument("joining a network namespace by path is not "
                    + "supported");
            case "slirp4netns", "pasta" -> throw EngineException.invalidArgument("network mode " + nsmode
                    + " is not supported: jpod uses CNI bridge networks");
            default -> throw EngineException.invalidArgument("unknown network mode \"" + nsmode + "\"");
        };
        List<String> networks = new ArrayList<>(spec.path("Networks").propertyNames());
        if (mode.equals("bridge") && networks.size() == 1 && networks.get(0).equals("podman")) {
            networks.clear(); // the client's name for "the default network"
        }
        return new CreateRequest.NetworkRequest(mode, networks, ports(spec));
    }

    /** SpecGenerator's {@code portmappings}; a {@code range} publishes consecutive ports. */
    static List<io.jpod.common.PortMapping> ports(JsonNode spec) {
        List<io.jpod.common.PortMapping> ports = new ArrayList<>();
        for (JsonNode p : spec.path("portmappings")) {
            int range = Math.max(1, p.path("range").asInt(1));
            int hostPort = p.path("host_port").asInt(0);
            int containerPort = p.path("container_port").asInt(0);
            for (String proto : p.path("protocol").asString("tcp").split(",")) {
                for (int i = 0; i < range; i++) {
                    ports.add(new io.jpod.common.PortMapping(p.path("host_ip").asString(""),
                            hostPort == 0 ? 0 : hostPort + i, containerPort + i, proto));
                }
            }
        }
        return ports;
    }

    private static String text(JsonNode spec, String field) {
        return spec.path(field).asString("");
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isArray()) {
            throw EngineException.invalidArgument("expected a list of strings, got " + node);
        }
        List<String> out = new ArrayList<>();
        node.values().forEach(v -> out.add(v.asString()));
        return out;
    }

    @GetMapping("/json")
    List<Map<String, Object>> list(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer last,
            @RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.CONTAINER_KEYS);
        List<StoredContainer> list = new ArrayList<>(containers.list());
        list.sort((a, b) -> b.config().created().compareTo(a.config().created()));
        int max = limit != null && limit > 0 ? limit : last != null && last > 0 ? last : Integer.MAX_VALUE;
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, String> podNames = pods.names();
        for (StoredContainer c : list) {
            String state = c.state().status().display();
            boolean shown = all || f.containsKey("status") || state.equals("running") || state.equals("paused");
            if (shown && Filters.matches(c, state, f) && out.size() < max) {
                out.add(LibpodJson.summary(c, podNames.get(c.config().podId())));
            }
        }
        return out;
    }

    @GetMapping("/{id}/json")
    Map<String, Object> inspect(@PathVariable String id) {
        StoredContainer c = containers.inspect(id);
        Path log = containers.logPath(c.id());
        return LibpodJson.inspect(c, log.toString(), log.getParent().toString(), runtime.config().runtime(),
                io.jpod.api.MountsJson.of(c, containers::hostSource));
    }

    @GetMapping("/{id}/exists")
    ResponseEntity<Void> exists(@PathVariable String id) {
        containers.inspect(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/start")
    ResponseEntity<Void> start(@PathVariable String id) {
        containers.start(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/stop")
    ResponseEntity<Void> stop(@PathVariable String id, @RequestParam(required = false) Integer timeout,
            @RequestParam(name = "t", required = false) Integer t, @RequestParam(defaultValue = "false") boolean ignore) {
        try {
            containers.stop(id, timeout != null ? timeout : t);
        } catch (NoSuchObjectException e) {
            if (!ignore) {
                throw e;
            }
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/restart")
    ResponseEntity<Void> restart(@PathVariable String id, @RequestParam(required = false) Integer timeout,
            @RequestParam(name = "t", required = false) Integer t) {
        containers.restart(id, timeout != null ? timeout : t);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/kill")
    ResponseEntity<Void> kill(@PathVariable String id, @RequestParam(defaultValue = "SIGKILL") String signal) {
        containers.kill(id, signal);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/resize")
    ResponseEntity<Map<String, Object>> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        containers.resize(id, h, w);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of());
    }

    @PostMapping("/{id}/pause")
    ResponseEntity<Void> pause(@PathVariable String id) {
        containers.pause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/unpause")
    ResponseEntity<Void> unpause(@PathVariable String id) {
        containers.unpause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/rename")
    ResponseEntity<Void> rename(@PathVariable String id, @RequestParam String name) {
        containers.rename(id, name);
        return ResponseEntity.noContent().build();
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

    @GetMapping("/{id}/top")
    Map<String, Object> top(@PathVariable String id,
            @RequestParam(name = "ps_args", required = false) List<String> psArgs) {
        List<String> args = new ArrayList<>();
        if (psArgs != null) {
            psArgs.stream().filter(a -> !a.isBlank()).forEach(a -> args.addAll(List.of(a.trim().split("[\\s,]+"))));
        }
        List<List<String>> rows = containers.top(id, args);
        return Map.of("Titles", rows.isEmpty() ? List.of() : rows.get(0),
                "Processes", rows.size() > 1 ? rows.subList(1, rows.size()) : List.of());
    }

    @PostMapping("/prune")
    List<Map<String, Object>> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : containers.prune()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Id", id);
            r.put("Size", 0);
            r.put("Err", null);
            out.add(r);
        }
        return out;
    }

    @DeleteMapping("/{id}")
    List<Map<String, Object>> remove(@PathVariable String id, @RequestParam(defaultValue = "false") boolean force,
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
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Id", c.id());
        r.put("RawInput", id);
        return List.of(r);
    }

    @GetMapping("/{id}/logs")
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String id,
            @RequestParam(defaultValue = "false") boolean stdout, @RequestParam(defaultValue = "false") boolean stderr,
            @RequestParam(defaultValue = "false") boolean follow,
            @RequestParam(defaultValue = "false") boolean timestamps,
            @RequestParam(defaultValue = "-1") String tail, @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            jakarta.servlet.http.HttpServletResponse response) {
        var opts = new ContainerStreams.LogOptions(stdout, stderr, timestamps, ContainerStreams.parseTime(since),
                ContainerStreams.parseTime(until));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(Flushing.body(response, ContainerStreams.logs(containers, id, opts,
                        ContainerStreams.parseTail(tail), follow, events::isClosed)));
    }

    @PostMapping("/{id}/attach")
    void attach(@PathVariable String id, @RequestParam(defaultValue = "false") boolean stdin,
            @RequestParam(defaultValue = "false") boolean stdout,
            @RequestParam(defaultValue = "false") boolean stderr, HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        ContainerStreams.attach(containers, id, stdin, stdout, stderr, request, response);
    }
}
