package io.jpod.api.docker;

import io.jpod.api.Filters;
import io.jpod.api.PruneFilters;
import io.jpod.api.shared.ContainerRoutes;
import io.jpod.api.wire.TopResponse;
import jakarta.servlet.http.HttpServletResponse;
import io.jpod.api.wire.Bodies;
import io.jpod.api.wire.CreateResponse;
import io.jpod.api.stream.ContainerStreams;
import io.jpod.events.EventBus;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.state.StoredContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
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
    private final ContainerRoutes shared;

    DockerContainersController(ContainerService containers, EventBus events, JsonMapper json, ContainerRoutes shared) {
        this.events = events;
        this.containers = containers;
        this.json = json;
        this.shared = shared;
    }

    /** The body is read here, not by Spring, so that bad JSON is a 400 like any other bad body. */
    @PostMapping("/containers/create")
    ResponseEntity<CreateResponse> create(@RequestParam(required = false) String name,
            @RequestBody(required = false) byte[] body) {
        JsonNode tree = Bodies.tree(json, body, "the container configuration");
        if (body == null || body.length == 0 || !tree.isObject()) {
            throw EngineException.invalidArgument("a JSON container configuration is required");
        }
        var req = Bodies.read(json, tree, ContainerCreateRequest.class, "the container configuration");
        StoredContainer c = containers.create(DockerCreate.request(name, req)
                .withResources(DockerResources.fromCreate(json, tree.path("HostConfig")))
                .withNames(DockerNames.of(tree)));
        return ResponseEntity.status(HttpStatus.CREATED).body(CreateResponse.of(c.id()));
    }

    /** {@code docker update}: new limits and restart policy; an empty policy name keeps the policy. */
    @PostMapping("/containers/{id}/update")
    Map<String, List<String>> update(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        JsonNode tree = Bodies.tree(json, body, "the update");
        JsonNode policy = tree.path("RestartPolicy");
        if (!policy.isMissingNode() && !policy.isNull() && (!policy.isObject()
                || !(policy.path("Name").isMissingNode() || policy.path("Name").isString())
                || !(policy.path("MaximumRetryCount").isMissingNode() || policy.path("MaximumRetryCount").isInt()))) {
            throw EngineException.invalidArgument("RestartPolicy must be {\"Name\": a string, \"MaximumRetryCount\": a number}");
        }
        String restart = policy.path("Name").asString("");
        int retries = policy.path("MaximumRetryCount").asInt(0);
        if (restart.equals("on-failure") && retries > 0) {
            restart = restart + ":" + retries;
        }
        containers.update(id, DockerResources.fromUpdate(json, tree), restart.isEmpty() ? null : restart);
        return Map.of("Warnings", List.of());
    }

    @GetMapping("/containers/json")
    List<ContainerSummary> list(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String filters) {
        Map<String, List<String>> f = Filters.parse(json, filters, Filters.CONTAINER_KEYS);
        List<ContainerSummary> out = new ArrayList<>();
        List<StoredContainer> list = new ArrayList<>(containers.list());
        list.sort((a, b) -> b.config().created().compareTo(a.config().created()));
        for (StoredContainer c : list) {
            String state = io.jpod.container.StatusText.word(c.state().status());
            // without --all, docker ps shows running containers, paused ones included
            if (!all && !state.equals("running") && !state.equals("paused") && !f.containsKey("status")) {
                continue;
            }
            if (Filters.matches(c, state, f)) {
                out.add(ContainerSummary.of(c, json));
            }
        }
        return limit != null && limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }

    @GetMapping("/containers/{id}/json")
    ContainerInspectResponse inspect(@PathVariable String id) {
        StoredContainer c = containers.inspect(id);
        return ContainerInspectResponse.of(c, containers.logPath(id).toString(), containers::hostSource, json);
    }

    @PostMapping("/containers/{id}/resize")
    ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
        containers.resize(id, h, w);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/containers/prune")
    ContainerPruneResponse prune(@RequestParam(required = false) String filters) {
        PruneFilters f = PruneFilters.parse(json, filters, PruneFilters.LABELS_UNTIL);
        return new ContainerPruneResponse(containers.prune(f.containers()), 0);
    }

    /** Docker's {@code ps_args} is one string of arguments. */
    @GetMapping("/containers/{id}/top")
    TopResponse top(@PathVariable String id, @RequestParam(name = "ps_args", required = false) String psArgs) {
        return shared.top(id, psArgs == null || psArgs.isBlank() ? List.of() : List.of(psArgs.trim().split("\\s+")));
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
        out.write(json.writeValueAsBytes(ContainerWaitResponse.of(code, error)));
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
            @RequestParam(required = false) String until, HttpServletResponse response) {
        var query = new ContainerRoutes.LogQuery(stdout, stderr, follow, timestamps, tail, since, until);
        return shared.logs(id, query, ContainerStreams.RAW_STREAM, response);
    }

}
