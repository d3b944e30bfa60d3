package io.jpod.registry;

import io.jpod.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker's credential headers. {@code X-Registry-Auth} (pull, push): base64url of a JSON
 * {@code {username, password, serveraddress, identitytoken, registrytoken}}.
 * {@code X-Registry-Config} (build): base64url of a JSON map from registry to such an object.
 * Clients differ in alphabet and padding, so both alphabets are accepted with or without padding.
 * A bad header is an {@code INVALID_ARGUMENT} that never repeats the header.
 */
public final class RegistryAuthHeader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RegistryAuthHeader() {}

    /**
     * One decoded {@code X-Registry-Auth}.
     *
     * @param serverAddress the registry the client meant, empty when not given
     * @param registryToken a bearer token to send as is, empty when not given
     */
    public record Auth(String serverAddress, Credentials credentials, String registryToken) {

        public static final Auth NONE = new Auth("", Credentials.NONE, "");

        public boolean isEmpty() {
            return credentials.isEmpty() && registryToken.isEmpty();
        }

        @Override
        public String toString() {
            return "Auth[serverAddress=" + serverAddress + ", " + credentials
                    + (registryToken.isEmpty() ? "" : ", registry token hidden") + "]";
        }
    }

    /** Decodes {@code X-Registry-Auth}; a missing, empty or {@code {}} header is {@link Auth#NONE}. */
    public static Auth decodeAuth(String header) {
        JsonNode node = decode(header, "X-Registry-Auth");
        if (node == null) {
            return Auth.NONE;
        }
        if (!node.isObject()) {
            throw malformed("X-Registry-Auth");
        }
        return auth(node, "X-Registry-Auth");
    }

    /** Decodes {@code X-Registry-Config} into registry → credentials; missing or empty is an empty map. */
    public static Map<String, Auth> decodeConfig(String header) {
        JsonNode node = decode(header, "X-Registry-Config");
        Map<String, Auth> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!node.isObject()) {
            throw malformed("X-Registry-Config");
        }
        for (var e : node.properties()) {
            if (!e.getValue().isObject()) {
                throw malformed("X-Registry-Config");
            }
            Auth a = auth(e.getValue(), "X-Registry-Config");
            String server = a.serverAddress().isEmpty() ? e.getKey() : a.serverAddress();
            out.put(AuthFiles.normalise(e.getKey()), new Auth(server, a.credentials(), a.registryToken()));
        }
        return out;
    }

    private static Auth auth(JsonNode node, String name) {
        for (String field : new String[] {"username", "password", "serveraddress", "identitytoken", "registrytoken",
                "auth", "email"}) {
            JsonNode v = node.get(field);
            if (v != null && !v.isString() && !v.isNull()) {
                throw malformed(name);
            }
        }
        String user = text(node, "username");
        String password = text(node, "password");
        String auth = text(node, "auth");
        if (user.isEmpty() && password.isEmpty() && !auth.isEmpty()) {
            // the auth-file form (base64 of user:password), as docker build's X-Registry-Config may carry
            String decoded = new String(bytes(auth, name), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw malformed(name);
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        return new Auth(text(node, "serveraddress"), new Credentials(user, password, text(node, "identitytoken")),
                text(node, "registrytoken"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asString();
    }

    /** The JSON in the header, or null for an absent, empty or {@code {}} one. */
    private static JsonNode decode(String header, String name) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String json = new String(bytes(header, name), StandardCharsets.UTF_8).trim();
        if (json.isEmpty()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw malformed(name);
        }
        if (node == null || node.isNull() || (node.isObject() && node.isEmpty())) {
            return null;
        }
        return node;
    }

    private static byte[] bytes(String text, String name) {
        String s = text.trim().replace('+', '-').replace('/', '_');
        int pad = s.indexOf('=');
        if (pad >= 0) {
            s = s.substring(0, pad);
        }
        try {
            return Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw malformed(name);
        }
    }

    private static EngineException malformed(String name) {
        return EngineException.invalidArgument("malformed " + name + " header: expected base64-encoded JSON credentials");
    }
}
