package io.jpod.api.libpod;

import io.jpod.error.EngineException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** podman's client sends JSON bodies without a JSON content type: they are taken as bytes and read here. */
final class Bodies {

    private Bodies() {}

    /** The body as JSON, an empty object when there is none; bad JSON is a 400 naming {@code what}. */
    static JsonNode json(JsonMapper json, byte[] body, String what) {
        try {
            return body == null || body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument(what + " is not valid JSON: " + e.getMessage());
        }
    }
}
