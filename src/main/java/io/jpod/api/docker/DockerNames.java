package io.jpod.api.docker;

import io.jpod.error.EngineException;
import io.jpod.state.NameConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The name settings of Docker's create body: {@code Domainname}, {@code HostConfig.Dns},
 * {@code DnsSearch}, {@code DnsOptions}, {@code ExtraHosts}, and each network's
 * {@code NetworkingConfig.EndpointsConfig.*.Aliases}, and legacy {@code Links}.
 */
final class DockerNames {

    private DockerNames() {}

    static NameConfig of(JsonNode body) {
        JsonNode host = body.path("HostConfig");
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        // legacy links: HostConfig.Links (--link) and the endpoints' (compose's links: on a network) alike
        List<String> linkSpecs = new ArrayList<>(strings(host.path("Links")));
        body.path("NetworkingConfig").path("EndpointsConfig").properties().forEach(e -> {
            strings(e.getValue().path("Links")).stream().filter(l -> !linkSpecs.contains(l)).forEach(linkSpecs::add);
            List<String> list = strings(e.getValue().path("Aliases"));
            if (!list.isEmpty()) {
                aliases.put(e.getKey(), list);
            }
        });
        return new NameConfig(body.path("Domainname").asString(""), strings(host.path("Dns")),
                strings(host.path("DnsSearch")), strings(host.path("DnsOptions")), strings(host.path("ExtraHosts")),
                aliases, links(linkSpecs));
    }

    /** {@code name:alias} or {@code name} (the alias is then the name); the engine finds the containers. */
    static List<NameConfig.Link> links(List<String> specs) {
        List<NameConfig.Link> out = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split(":", -1);
            if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
                throw EngineException.invalidArgument("bad format for links: " + spec + " (use name:alias)");
            }
            out.add(new NameConfig.Link(parts[0], "", parts.length == 2 ? parts[1] : parts[0]));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }
}
