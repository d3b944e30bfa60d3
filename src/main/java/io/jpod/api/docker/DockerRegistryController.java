package io.jpod.api.docker;

import io.jpod.api.stream.DockerProgress;
import io.jpod.api.stream.JsonLines;
import io.jpod.registry.RegistryAuthHeader;
import io.jpod.error.EngineException;
import io.jpod.registry.Credentials;
import io.jpod.registry.Platform;
import io.jpod.registry.RegistryService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Docker Engine API: registry operations ({@code docker pull}, {@code push}, {@code login}, {@code search}). */
@RestController
class DockerRegistryController {

    private final RegistryService registry;
    private final JsonMapper json;

    DockerRegistryController(RegistryService registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /**
     * {@code docker pull}: {@code fromImage} with {@code tag} (a tag or a digest; empty means every
     * tag, as {@code docker pull -a}), streaming Docker's progress messages.
     */
    @PostMapping(value = "/images/create", params = "!fromSrc")
    void pull(@RequestParam(required = false) String fromImage, @RequestParam(required = false) String tag,
            @RequestParam(required = false) String platform,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth, HttpServletResponse response) {
        if (fromImage == null || fromImage.isBlank()) {
            throw EngineException.invalidArgument("fromImage or fromSrc is required");
        }
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        Platform p = Platform.parse(platform);
        List<String> names;
        String name = fromImage;
        if (tag != null && !tag.isBlank()) {
            name = fromImage + (tag.startsWith("sha256:") ? "@" : ":") + tag;
            names = List.of(name);
        } else if (fromImage.contains("@") || fromImage.substring(fromImage.lastIndexOf('/') + 1).contains(":")) {
            names = List.of(fromImage);
        } else {
            names = registry.tags(dockerName(fromImage).replaceFirst(":latest$", ""), creds);
        }
        JsonLines lines = new JsonLines(response, json);
        DockerProgress progress = new DockerProgress(lines);
        try {
            for (String n : names) {
                registry.pull(dockerName(n), p, creds, progress);
            }
        } catch (EngineException | UncheckedIOException e) {
            failInStream(lines, progress, e);
        }
    }

    /** Docker's API reads unqualified names as Docker Hub's, whatever registries.conf says. */
    static String dockerName(String name) {
        int at = name.indexOf('@');
        if (at < 0) {
            return io.jpod.image.ImageReference.parse(name).toString();
        }
        var ref = io.jpod.image.ImageReference.parse(name.substring(0, at));
        return ref.registry() + "/" + ref.repository() + name.substring(at);
    }

    /** Before the first line, an error is the HTTP answer; after it, one more line in the stream. */
    static void failInStream(JsonLines lines, DockerProgress progress, RuntimeException e) {
        if (!lines.started()) {
            if (e instanceof EngineException ee && ee.category() == EngineException.Category.UNAUTHENTICATED) {
                // a 401 from the daemon makes the docker CLI prompt for a password, even with no terminal:
                // dockerd answers a registry's refusal with an error status that is not 401
                throw EngineException.remoteFailure(ee.getMessage(), ee);
            }
            throw e;
        }
        if (e instanceof UncheckedIOException) {
            return; // the client went away
        }
        try {
            progress.error(e.getMessage());
        } catch (UncheckedIOException gone) {
            // nobody to tell
        }
    }

    /** {@code docker push}: {@code POST /images/{name}/push?tag=}, reached through the images catch-all. */
    void push(String name, String tag, String auth, HttpServletResponse response) {
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        String target = tag != null && !tag.isBlank() ? name + ":" + tag : name;
        JsonLines lines = new JsonLines(response, json);
        DockerProgress progress = new DockerProgress(lines);
        try {
            var pushed = registry.push(target, target, creds, progress);
            Map<String, Object> aux = new LinkedHashMap<>();
            aux.put("Tag", pushed.tag());
            aux.put("Digest", pushed.digest());
            aux.put("Size", pushed.size());
            progress.aux(aux);
        } catch (EngineException | UncheckedIOException e) {
            failInStream(lines, progress, e);
        }
    }

    /** {@code docker login}: checks the credentials against the registry. */
    @PostMapping("/auth")
    Map<String, Object> login(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw EngineException.invalidArgument("the credentials must be a JSON object");
        }
        String server = body.path("serveraddress").asString("");
        Credentials creds = new Credentials(body.path("username").asString(""), body.path("password").asString(""),
                body.path("identitytoken").asString(""));
        registry.login(server, creds);
        return Map.of("Status", "Login Succeeded", "IdentityToken", "");
    }

    @GetMapping("/images/search")
    List<Map<String, Object>> search(@RequestParam String term, @RequestParam(defaultValue = "25") int limit,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth) {
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        return registry.search(term, limit, creds, List.of(io.jpod.image.ImageReference.DEFAULT_REGISTRY)).stream()
                .map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", r.name());
                    m.put("description", r.description());
                    m.put("star_count", r.stars());
                    m.put("is_official", r.official());
                    m.put("is_automated", r.automated());
                    return m;
                }).toList();
    }
}
