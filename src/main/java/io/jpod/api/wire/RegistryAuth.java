package io.jpod.api.wire;

import io.jpod.error.EngineException;
import io.jpod.registry.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code X-Registry-Auth} header of both APIs: base64url JSON {@code {username, password,
 * serveraddress, identitytoken}}. Empty or {@code {}} is no credentials; a malformed header is a
 * 400 that never echoes it.
 */
public record RegistryAuth(Credentials credentials, String serverAddress) {

    public static RegistryAuth decode(String header, JsonMapper json) {
        if (header == null || header.isBlank()) {
            return new RegistryAuth(Credentials.NONE, "");
        }
        JsonNode n;
        try {
            String h = header.strip().replace('+', '-').replace('/', '_').replace("=", "");
            n = json.readTree(new String(Base64.getUrlDecoder().decode(h), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument("malformed X-Registry-Auth header: expected base64-encoded JSON");
        }
        if (!n.isObject()) {
            throw EngineException.invalidArgument("malformed X-Registry-Auth header: expected a JSON object");
        }
        return new RegistryAuth(new Credentials(n.path("username").asString(""), n.path("password").asString(""),
                n.path("identitytoken").asString("")), n.path("serveraddress").asString(""));
    }
}
