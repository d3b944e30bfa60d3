package io.jpod.api.shared;

import io.jpod.api.wire.Bodies;
import io.jpod.api.wire.ConnectRequest;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Connecting a container to a network and back, the same in both APIs. */
@RestController
class NetworkRoutes {

    private final ContainerService containers;
    private final JsonMapper json;

    NetworkRoutes(ContainerService containers, JsonMapper json) {
        this.containers = containers;
        this.json = json;
    }

    @PostMapping({"/networks/{name}/connect", "/libpod/networks/{name}/connect"})
    ResponseEntity<Void> connect(@PathVariable String name, @RequestBody(required = false) byte[] body) {
        containers.connect(container(body), name, aliases(body));
        return ResponseEntity.ok().build();
    }

    @PostMapping({"/networks/{name}/disconnect", "/libpod/networks/{name}/disconnect"})
    ResponseEntity<Void> disconnect(@PathVariable String name, @RequestBody(required = false) byte[] body) {
        containers.disconnect(container(body), name);
        return ResponseEntity.ok().build();
    }

    /** Docker's {@code EndpointConfig.Aliases}, podman's {@code aliases}. */
    private java.util.List<String> aliases(byte[] body) {
        tools.jackson.databind.JsonNode tree = Bodies.tree(json, body, "the request");
        tools.jackson.databind.JsonNode list = tree.path("EndpointConfig").path("Aliases");
        if (!list.isArray()) {
            list = tree.path("aliases");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        list.forEach(a -> out.add(a.asString()));
        return out;
    }

    private String container(byte[] body) {
        String c = Bodies.read(json, body, ConnectRequest.class, "the request").containerOrEmpty();
        if (c.isEmpty()) {
            throw EngineException.invalidArgument("name the container to connect or disconnect");
        }
        return c;
    }
}
