package io.jpod.registry;

import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Credentials from the files {@code podman login} and {@code docker login} write, in the order the
 * containers tools search them: {@code $REGISTRY_AUTH_FILE},
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json}, then
 * Docker's {@code $DOCKER_CONFIG/config.json} (or {@code ~/.docker/config.json}). The first file
 * with an entry for the registry wins. Credential helpers are not run: a file that would hand the
 * registry to one is refused rather than silently skipped.
 */
public final class AuthFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> env;

    /** {@code env}: the environment to take paths from (HOME, XDG_RUNTIME_DIR, REGISTRY_AUTH_FILE, DOCKER_CONFIG). */
    public AuthFiles(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The files searched, in order (some may not exist). */
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        String explicit = env.get("REGISTRY_AUTH_FILE");
        if (explicit != null && !explicit.isEmpty()) {
            out.add(Path.of(explicit));
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isEmpty()) {
            out.add(Path.of(runtimeDir, "containers", "auth.json"));
        }
        String home = env.get("HOME");
        if (home != null && !home.isEmpty()) {
            out.add(Path.of(home, ".config", "containers", "auth.json"));
        }
        String dockerConfig = env.get("DOCKER_CONFIG");
        if (dockerConfig != null && !dockerConfig.isEmpty()) {
            out.add(Path.of(dockerConfig, "config.json"));
        } else if (home != null && !home.isEmpty()) {
            out.add(Path.of(home, ".docker", "config.json"));
        }
        return out;
    }

    /** Credentials for {@code registry} ({@code host[:port]}), or {@link Credentials#NONE}. */
    public Credentials credentials(String registry) {
        String wanted = normalise(registry);
        for (Path file : files()) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode root = read(file);
            String helper = helperFor(root, wanted);
            if (helper != null) {
                throw refuse(file, helper, wanted);
            }
            Credentials found = entry(file, root.path("auths"), wanted);
            if (found != null) {
                return found;
            }
            String store = root.path("credsStore").asString("");
            if (!store.isEmpty()) {
                throw refuse(file, store, wanted);
            }
        }
        return Credentials.NONE;
    }

    private static EngineException refuse(Path file, String helper, String registry) {
        return EngineException.invalidArgument("credential helper docker-credential-" + helper
                + " is not supported: " + file + " hands " + registry + " to it; log in with podman login or "
                + "docker login into an auth file without credHelpers/credsStore, or set REGISTRY_AUTH_FILE");
    }

    private static String helperFor(JsonNode root, String registry) {
        for (var e : root.path("credHelpers").properties()) {
            if (normalise(e.getKey()).equals(registry) && !e.getValue().asString("").isEmpty()) {
                return e.getValue().asString();
            }
        }
        return null;
    }

    private static Credentials entry(Path file, JsonNode auths, String registry) {
        for (var e : auths.properties()) {
            if (!normalise(e.getKey()).equals(registry)) {
                continue;
            }
            JsonNode v = e.getValue();
            String auth = v.path("auth").asString("");
            String token = v.path("identitytoken").asString("");
            if (auth.isEmpty() && token.isEmpty()) {
                continue; // a placeholder docker leaves beside a credsStore
            }
            String user = "";
            String password = "";
            if (!auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException("the auth entry for " + registry + " in " + file + " is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new ConfigException("the auth entry for " + registry + " in " + file
                            + " is not base64 of user:password");
                }
                user = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
            return new Credentials(user, password, token);
        }
        return null;
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.isObject()) {
                throw new ConfigException("credentials file " + file + " is not a JSON object");
            }
            return root;
        } catch (IOException | JacksonException e) {
            // the message could quote the file's content, secrets included: name the file only
            throw new ConfigException("credentials file " + file + " cannot be read as JSON");
        }
    }

    /**
     * The registry an auth-file key or a given name stands for: {@code https://host/v1/} as {@code host},
     * {@code index.docker.io}/{@code registry-1.docker.io} as {@code docker.io}.
     */
    public static String normalise(String key) {
        String k = key.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            // docker's old https://host/v1/ keys; a plain host/namespace key stays as it is, never a host's
            k = k.substring(scheme + 3);
            int slash = k.indexOf('/');
            if (slash >= 0) {
                k = k.substring(0, slash);
            }
        }
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io" -> "docker.io";
            default -> k;
        };
    }
}
