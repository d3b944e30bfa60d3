package io.jpod.api.shared;

import io.jpod.error.EngineException;
import io.jpod.registry.Credentials;
import io.jpod.registry.RegistryAuthHeader;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** What Docker's and libpod's build endpoints read alike: JSON string maps and the registry credentials. */
public final class BuildParams {

    private BuildParams() {}

    /** {@code buildargs} and {@code labels}: a JSON object of strings (a null value is kept: "from the environment"). */
    public static Map<String, String> stringMap(JsonMapper json, String text, String name) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> m = json.readValue(text, new TypeReference<LinkedHashMap<String, String>>() {});
            return m == null ? Map.of() : m;
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument(name + " must be a JSON object of strings: " + text);
        }
    }

    /** {@code X-Registry-Config}: credentials per registry, for the base images' pulls. */
    public static Map<String, Credentials> credentials(String registryConfig) {
        Map<String, Credentials> out = new LinkedHashMap<>();
        RegistryAuthHeader.decodeConfig(registryConfig).forEach((host, a) -> out.put(host, a.credentials()));
        return out;
    }
}
