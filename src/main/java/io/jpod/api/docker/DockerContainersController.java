package io.jpod.api.docker;

import io.jpod.api.Filters;
import io.jpod.api.stream.ContainerStreams;
import io.jpod.api.stream.Flushing;
import io.jpod.events.EventBus;
import io.jpod.container.ContainerService;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.common.PortMapping;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.StoredContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: {@code /containers/...}. A thin adapter over {@link ContainerService}. */
@RestController
class DockerContainersController {

    private final ContainerService containers;
    private final EventBus events;
    private final JsonMapper json;

    DockerContainersController(ContainerService containers, EventBus events, JsonMapper json) {
        this.events = events;
        this.containers = containers;
        this.json = json;
    }

    @PostMapping("/containers/create")
    ResponseEntity<Map<String, Object>> create(@RequestParam(required = false) String name,
            @RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) {
            throw EngineException.invalidArgument("a JSON container configuration is required");
        }
        JsonNode host = body.path("HostConfig");
        if (host.path("PublishAllPorts").asBoolean(false)) {
            throw EngineException.invalidArgument("HostConfig.PublishAllPorts (-P) is not supported yet: publish "
                    + "ports one by one with -p");
        }
        for (String field : List.of("VolumesFrom", "Devices")) {
            JsonNode v = host.path(field);
            if (!v.isMissingNode() && !v.isNull() && !v.isEmpty()) {
                throw EngineException.invalidArgument("HostConfig." + field + " is not supported yet");
            }
        }
        String restart = host.path("RestartPolicy").path("Name").asString("");
        int retries = host.path("RestartPolicy").path("MaximumRetryCount").asInt(0);
        if (restart.equals("on-failure") && retries > 0) {
            restart = restart + ":" + retries;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        body.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        JsonNode stopTimeout = body.path("StopTimeout");
        CreateRequest req = new CreateRequest(name, body.path("Image").asString(""), entrypoint(body.get("Entrypoint")),
                strings(body.get("Cmd")), strings(body.get("Env")), body.path("WorkingDir").asString(""),
                body.path("User").asString(""), labels, body.path("Tty").asBoolean(false),
                body.path("StopSignal").asString(""), stopTimeout.isNumber() ? stopTimeout.asInt() : null, restart,
                host.path("AutoRemove").asBoolean(false), body.path("Hostname").asString(""),
                body.path("OpenStdin").asBoolean(false), mounts(body, host), null, network(body, host));
        StoredContainer c = containers.create(req);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", c.id(), "Warnings", List.of()));
    }

    /**
     * {@code HostConfig.NetworkMode} ({@code default}/{@code bridge}, {@code none}, {@code host},
     * {@code container:ID} or a network's name), more networks from {@code NetworkingConfig}, and
     * {@code PortBindings} ({@code "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}).
     */
    static CreateRequest.NetworkRequest network(JsonNode body, JsonNode host) {
        String mode = host.path("NetworkMode").asString("");
        List<String> networks = new ArrayList<>();
        body.path("NetworkingConfig").path("EndpointsConfig").propertyNames().forEach(n -> {
            if (!n.equals(mode) && !n.equals("bridge")) {
                networks.add(n);
            }
        });
        List<PortMapping> ports = new ArrayList<>();
        host.path("PortBindings").properties().forEach(e -> {
            String[] portProto = e.getKey().split("/");
            int containerPort = parsePort(portProto[0]);
            String proto = portProto.length > 1 ? portProto[1] : "tcp";
            JsonNode bindings = e.getValue();
            if (bindings.isEmpty()) {
                ports.add(new PortMapping("", 0, containerPort, proto));
            }
            for (JsonNode b : bindings) {
                String hostPort = b.path("HostPort").asString("");
                ports.add(new PortMapping(b.path("HostIp").asString(""), hostPort.isEmpty() ? 0 : parsePort(hostPort),
                        containerPort, proto));
            }
        });
        return new CreateRequest.NetworkRequest(mode, networks, ports);
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("invalid port \"" + s + "\" (port ranges are not supported yet)");
        }
    }

    /** {@code Binds} ({@code -v}), {@code Mounts} ({@code --mount}), {@code Tmpfs} and the anonymous {@code Volumes}. */
    static List<Mount> mounts(JsonNode body, JsonNode host) {
        List<Mount> out = new ArrayList<>();
        for (JsonNode b : host.path("Binds")) {
            out.add(io.jpod.container.ShortForms.mount(b.asString("")));
        }
        for (JsonNode m : host.path("Mounts")) {
            String type = m.path("Type").asString("volume");
            List<String> opts = new ArrayList<>();
            if (m.path("ReadOnly").asBoolean(false)) {
                opts.add("ro");
            }
            String propagation = m.path("BindOptions").path("Propagation").asString("");
            if (!propagation.isEmpty()) {
                opts.add(propagation);
            }
            if (m.path("VolumeOptions").path("NoCopy").asBoolean(false)) {
                opts.add("nocopy");
            }
            long size = m.path("TmpfsOptions").path("SizeBytes").asLong(0);
            if (size > 0) {
                opts.add("size=" + size);
            }
            int mode = m.path("TmpfsOptions").path("Mode").asInt(0);
            if (mode > 0) {
                opts.add("mode=" + Integer.toOctalString(mode));
            }
            out.add(new Mount(type, m.path("Source").asString(""), m.path("Target").asString(""), opts));
        }
        host.path("Tmpfs").properties().forEach(e -> out.add(new Mount("tmpfs", "tmpfs", e.getKey(),
                e.getValue().asString("").isEmpty() ? List.of() : List.of(e.getValue().asString().split(",")))));
        // Config.Volumes: anonymous volumes, unless a bind or mount already covers the path
        body.path("Volumes").propertyNames().forEach(path -> {
            if (out.stream().noneMatch(m -> m.destination().equals(path))) {
                out.add(new Mount("volume", "", path, List.of()));
            }
        });
        return out;
    }

    /** Docker sends a string (shell form) or an array; {@code [""]} clears the image's entrypoint. */
    private static List<String> entrypoint(JsonNode node) {
        List<String> e = strings(node);
        if (e == null) {
            return null;
        }
        return e.size() == 1 && e.get(0).isEmpty() ? List.of() : e;
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isString()) {
            return List.of("/bin/sh", "-c", node.asString());
        }
        List<String> out = new ArrayList<>();
        node.values().forEach(v -> out.add(v.asString()));
        return out;
    }

    @GetMapping("/containers/json")
    List<Map<String, Object>> list(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.CONTAINER_KEYS);
        List<Map<String, Object>> out = new ArrayList<>();
        List<StoredContainer> list = new ArrayList<>(containers.list());
        list.sort((a, b) -> b.config().created().compareTo(a.config().created()));
        for (StoredContainer c : list) {
            String state = io.jpod.container.StatusText.word(c.state().status());
            // without --all, docker ps shows running containers, paused ones included
            if (!all && !state.equals("running") && !state.equals("paused") && !f.containsKey("status")) {
                continue;
            }
            if (Filters.matches(c, state, f)) {
                out.add(DockerJson.summary(c));
            }
        }
        return limit != null && limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }

    @GetMapping("/containers/{id}/json")
    Map<String, Object> inspect(@PathVariable String id) {
        StoredContainer c = containers.inspect(id);
        return DockerJson.inspect(c, containers.logPath(id).toString(), containers::hostSource);
    }

    @PostMapping("/containers/{id}/start")
    ResponseEntity<Void> start(@PathVariable String id) {
        containers.start(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{id}/stop")
    ResponseEntity<Void> stop(@PathVariable String id, @RequestParam(name = "t", required = false) Integer timeout) {
        containers.stop(id, timeout);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{id}/restart")
    ResponseEntity<Void> restart(@PathVariable String id, @RequestParam(name = "t", required = false) Integer timeout) {
        containers.restart(id, timeout);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{id}/resize")
    ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        containers.resize(id, h, w);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/containers/{id}/pause")
    ResponseEntity<Void> pause(@PathVariable String id) {
        containers.pause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{id}/unpause")
    ResponseEntity<Void> unpause(@PathVariable String id) {
        containers.unpause(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{id}/rename")
    ResponseEntity<Void> rename(@PathVariable String id, @RequestParam String name) {
        containers.rename(id, name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/prune")
    Map<String, Object> prune(@RequestParam(required = false) String filters) {
        Filters.prune(json, filters, java.util.Set.of());
        return Map.of("ContainersDeleted", containers.prune(), "SpaceReclaimed", 0);
    }

    @GetMapping("/containers/{id}/top")
    Map<String, Object> top(@PathVariable String id, @RequestParam(name = "ps_args", required = false) String psArgs) {
        List<List<String>> rows = containers.top(id, psArgs == null || psArgs.isBlank() ? List.of()
                : List.of(psArgs.trim().split("\\s+")));
        return Map.of("Titles", rows.isEmpty() ? List.of() : rows.get(0),
                "Processes", rows.size() > 1 ? rows.subList(1, rows.size()) : List.of());
    }

    @PostMapping("/containers/{id}/kill")
    ResponseEntity<Void> kill(@PathVariable String id, @RequestParam(defaultValue = "SIGKILL") String signal) {
        containers.kill(id, signal);
        return ResponseEntity.noContent().build();
    }

    /**
     * Answers with headers at once and the body when the condition is met: the docker CLI waits
     * for the headers before it starts the container.
     */
    @PostMapping("/containers/{id}/wait")
    void waitFor(@PathVariable String id, @RequestParam(defaultValue = "not-running") String condition,
            jakarta.servlet.http.HttpServletResponse response) throws IOException {
        CompletableFuture<?> done;
        switch (condition) {
            case "next-exit" -> done = containers.nextExit(id);
            case "removed" -> {
                done = containers.whenRemoved(id);
                containers.nextExit(id);
            }
            case "not-running", "" -> done = containers.isActive(id) ? containers.nextExit(id)
                    : CompletableFuture.completedFuture(null);
            default -> throw EngineException.invalidArgument("invalid condition: \"" + condition + "\"");
        }
        String full = containers.inspect(id).id();
        response.setStatus(200);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        // headers go out now: the docker CLI waits for them before it starts the container
        response.flushBuffer();
        int code;
        String error = null;
        try {
            ContainerStreams.await(done, events::isClosed);
            code = containers.lastExitCode(full);
        } catch (EngineException e) {
            code = -1;
            if (e.category() == EngineException.Category.UNAVAILABLE) {
                error = e.getMessage();
            }
        } catch (RuntimeException e) {
            code = -1;
        }
        OutputStream out = response.getOutputStream();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("StatusCode", code);
        // the CLI treats any Error object, even an empty one, as a failure
        result.put("Error", error == null ? null : Map.of("Message", error));
        out.write(json.writeValueAsBytes(result));
        out.flush();
    }

    @DeleteMapping("/containers/{id}")
    ResponseEntity<Void> remove(@PathVariable String id, @RequestParam(defaultValue = "false") boolean force,
            @RequestParam(name = "v", defaultValue = "false") boolean volumes) {
        containers.remove(id, force, volumes);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/containers/{id}/logs")
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String id,
            @RequestParam(defaultValue = "false") boolean stdout, @RequestParam(defaultValue = "false") boolean stderr,
            @RequestParam(defaultValue = "false") boolean follow,
            @RequestParam(defaultValue = "false") boolean timestamps,
            @RequestParam(defaultValue = "all") String tail, @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            jakarta.servlet.http.HttpServletResponse response) {
        var opts = new ContainerStreams.LogOptions(stdout, stderr, timestamps, ContainerStreams.parseTime(since),
                ContainerStreams.parseTime(until));
        return ResponseEntity.ok().contentType(ContainerStreams.RAW_STREAM).body(Flushing.body(response,
                ContainerStreams.logs(containers, id, opts, ContainerStreams.parseTail(tail), follow, events::isClosed)));
    }

    /**
     * Docker's hijacked attach: answers 101 and then streams the container's output until its next
     * exit. The docker CLI attaches before it starts a container it runs in the foreground.
     */
    @PostMapping("/containers/{id}/attach")
    void attach(@PathVariable String id, @RequestParam(defaultValue = "false") boolean stdin,
            @RequestParam(defaultValue = "false") boolean stdout,
            @RequestParam(defaultValue = "false") boolean stderr, jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
            throws IOException, jakarta.servlet.ServletException {
        ContainerStreams.attach(containers, id, stdin, stdout, stderr, request, response);
    }
}
