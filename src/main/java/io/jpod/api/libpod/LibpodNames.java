package io.jpod.api.libpod;

import io.jpod.error.EngineException;
import io.jpod.state.NameConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The name settings of podman's SpecGenerator: {@code dns_server}, {@code dns_search},
 * {@code dns_option}, {@code hostadd} and each network's {@code Networks.*.aliases}.
 */
final class LibpodNames {

    private LibpodNames() {}

    static NameConfig of(JsonNode spec) {
        for (String f : List.of("use_image_hosts", "use_image_resolve_conf")) {
            if (spec.path(f).asBoolean(false)) {
                throw EngineException.invalidArgument("\"" + f + "\" (--no-hosts, or the image's own file) is not "
                        + "supported: jpod always writes /etc/hosts and /etc/resolv.conf");
            }
        }
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        spec.path("Networks").properties().forEach(e -> {
            List<String> list = strings(e.getValue().path("aliases"));
            if (!list.isEmpty()) {
                aliases.put(e.getKey(), list);
            }
        });
        return new NameConfig(spec.path("domainname").asString(""), strings(spec.path("dns_server")),
                strings(spec.path("dns_search")), strings(spec.path("dns_option")), strings(spec.path("hostadd")),
                aliases);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }
}
