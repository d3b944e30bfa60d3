package io.jpod.api.wire;

import io.jpod.error.EngineException;
import java.util.Collection;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies into wire records. Clients send more fields than jpod reads and nulls where a
 * value is optional: both are tolerated. Bad JSON or a wrong type is a 400 naming {@code what}.
 */
public final class Bodies {

    private Bodies() {}

    /**
     * The body as a JSON object, an empty object when there is none or it is {@code null} (the
     * docker CLI sends {@code null} for a commit without a configuration; Go decodes it as nothing).
     * Every body the APIs take is an object: a list or a scalar is refused here, not read as "no options".
     */
    public static JsonNode tree(JsonMapper json, byte[] body, String what) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (JacksonException e) {
            throw EngineException.invalidArgument(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (node != null && node.isNull()) {
            return json.createObjectNode();
        }
        if (node == null || !node.isObject()) {
            throw EngineException.invalidArgument(what + " must be a JSON object");
        }
        return node;
    }

    /** {@code node} as a {@code type}. */
    public static <T> T read(JsonMapper json, JsonNode node, Class<T> type, String what) {
        try {
            return json.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(node);
        } catch (JacksonException e) {
            throw EngineException.invalidArgument(what + " is not valid: " + field(e) + reason(e));
        }
    }

    /** The JSON path of the bad value ({@code HostConfig.Binds[0]}), in the client's names. */
    private static String field(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : "\"" + path + "\" ";
    }

    /** What was wrong, without Java type names: a record's own complaint, else the kind of value expected. */
    private static String reason(JacksonException e) {
        if (e.getCause() instanceof IllegalArgumentException cause) {
            return cause.getMessage();
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> t = m.getTargetType();
            String kind = Collection.class.isAssignableFrom(t) ? "a list"
                    : Map.class.isAssignableFrom(t) || t.isRecord() ? "an object"
                    : t == String.class ? "a string"
                    : t == boolean.class || t == Boolean.class ? "true or false"
                    : Number.class.isAssignableFrom(t) || t.isPrimitive() ? "a number" : t.getSimpleName();
            return "expected " + kind;
        }
        return e.getOriginalMessage();
    }

    /** The body as a {@code type}; an empty body is an empty object. */
    public static <T> T read(JsonMapper json, byte[] body, Class<T> type, String what) {
        return read(json, tree(json, body, what), type, what);
    }
}
