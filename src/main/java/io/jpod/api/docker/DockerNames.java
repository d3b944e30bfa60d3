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
 * {@code NetworkingConfig.EndpointsConfig.*.Aliases}.
 */
final class DockerNames {

    private DockerNames() {}

    static NameConfig of(JsonNode body) {
        JsonNode host = body.path("HostConfig");
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        if (!strings(host.path("Links")).isEmpty()) {
            throw EngineException.invalidArgument("legacy container links (--link) are not supported: put the "
                    + "containers on a network of their own (docker network create), where they resolve each "
                    + "other's names");
        }
        body.path("NetworkingConfig").path("EndpointsConfig").properties().forEach(e -> {
            if (!strings(e.getValue().path("Links")).isEmpty()) {
                throw EngineException.invalidArgument("container links on network " + e.getKey() + " are not "
                        + "supported: containers on a network resolve each other's names and aliases");
            }
            List<String> list = strings(e.getValue().path("Aliases"));
            if (!list.isEmpty()) {
                aliases.put(e.getKey(), list);
            }
        });
        return new NameConfig(body.path("Domainname").asString(""), strings(host.path("Dns")),
                strings(host.path("DnsSearch")), strings(host.path("DnsOptions")), strings(host.path("ExtraHosts")),
                aliases);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }
}
