package io.jpod.api.libpod;

import io.jpod.api.stream.JsonLines;
import io.jpod.api.stream.LibpodProgress;
import io.jpod.registry.RegistryAuthHeader;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.registry.Credentials;
import io.jpod.registry.Platform;
import io.jpod.registry.RegistryService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** libpod's registry calls: pull, push and search, with progress as podman's service streams it. */
@RestController
class LibpodRegistryController {

    private final RegistryService registry;
    private final JsonMapper json;

    LibpodRegistryController(RegistryService registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /**
     * {@code podman pull}: short names resolve through registries.conf; the stream carries
     * {@code stream} lines, then {@code images} and {@code id}, or {@code error}, as podman's does.
     */
    @PostMapping("/libpod/images/pull")
    void pull(@RequestParam String reference, @RequestParam(defaultValue = "always") String policy,
            @RequestParam(defaultValue = "false") boolean quiet, @RequestParam(defaultValue = "true") boolean tlsVerify,
            @RequestParam(defaultValue = "false") boolean allTags, @RequestParam(name = "OS", required = false) String os,
            @RequestParam(name = "Arch", required = false) String arch,
            @RequestParam(name = "Variant", required = false) String variant,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth, HttpServletResponse response) {
        String ref = reference.startsWith("docker://") ? reference.substring(9) : reference;
        if (ref.contains("://") || ref.startsWith("docker-archive:") || ref.startsWith("oci-archive:")
                || ref.startsWith("dir:")) {
            throw EngineException.invalidArgument("pull needs a registry reference: " + reference
                    + " names another transport (load archives with podman load)");
        }
        RegistryService.PullPolicy pullPolicy = RegistryService.PullPolicy.parse(policy);
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        Platform host = Platform.host();
        Platform platform = new Platform(os == null || os.isBlank() ? host.os() : os,
                arch == null || arch.isBlank() ? host.architecture() : Platform.parse("linux/" + arch).architecture(),
                variant == null ? "" : variant);
        JsonLines lines = new JsonLines(response, json);
        LibpodProgress progress = new LibpodProgress(lines);
        List<String> ids = new ArrayList<>();
        Map<String, Object> last = new LinkedHashMap<>();
        try {
            List<String> names = allTags ? registry.tags(ref, creds) : List.of(ref);
            for (String n : names) {
                if (!quiet) {
                    progress.stream("Trying to pull " + n + "...");
                }
                Image img = registry.ensure(n, pullPolicy, platform, creds, tlsVerify,
                        quiet ? io.jpod.registry.ProgressListener.NONE : progress);
                ids.add(img.id());
            }
            last.put("images", ids);
            last.put("id", ids.isEmpty() ? "" : ids.get(ids.size() - 1));
        } catch (EngineException e) {
            last.put("error", e.getMessage());
        } catch (UncheckedIOException gone) {
            return;
        }
        try {
            lines.write(last);
        } catch (UncheckedIOException gone) {
            // the client went away at the very end
        }
    }

    /** {@code podman push}: reached through the images catch-all ({@code POST /libpod/images/{name}/push}). */
    void push(String source, String destination, boolean quiet, boolean tlsVerify, String format,
            String compressionFormat, String auth, HttpServletResponse response) {
        if (compressionFormat != null && !compressionFormat.isBlank() && !compressionFormat.equals("gzip")) {
            throw EngineException.invalidArgument("compression format \"" + compressionFormat
                    + "\" is not supported: jpod pushes gzip layers");
        }
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        String target = destination == null || destination.isBlank() ? source : destination;
        target = target.startsWith("docker://") ? target.substring(9) : target;
        if (quiet) {
            try {
                registry.push(source, target, creds, tlsVerify, format, io.jpod.registry.ProgressListener.NONE);
            } catch (EngineException e) {
                throw e.category() == EngineException.Category.NOT_FOUND ? e
                        : new EngineException(e.category() == EngineException.Category.REMOTE_FAILURE
                                ? e.category() : EngineException.Category.INVALID_ARGUMENT,
                                "pushing image \"" + target + "\": " + e.getMessage(), e);
            }
            response.setStatus(200);
            return;
        }
        JsonLines lines = new JsonLines(response, json);
        LibpodProgress progress = new LibpodProgress(lines);
        try {
            registry.push(source, target, creds, tlsVerify, format, progress);
            progress.stream("Writing manifest to image destination");
        } catch (EngineException e) {
            try {
                lines.write(Map.of("error", "pushing image \"" + target + "\": " + e.getMessage()));
            } catch (UncheckedIOException gone) {
                // nobody to tell
            }
        } catch (UncheckedIOException gone) {
            // the client went away
        }
    }

    @GetMapping("/libpod/images/search")
    List<Map<String, Object>> search(@RequestParam String term, @RequestParam(defaultValue = "25") int limit,
            @RequestHeader(value = "X-Registry-Auth", required = false) String auth) {
        Credentials creds = RegistryAuthHeader.decodeAuth(auth).credentials();
        return registry.search(term, limit, creds, List.of()).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Index", r.index());
            m.put("Name", r.name());
            m.put("Description", r.description());
            m.put("Stars", r.stars());
            m.put("Official", r.official() ? "[OK]" : "");
            m.put("Automated", r.automated() ? "[OK]" : "");
            m.put("Tag", "");
            return m;
        }).toList();
    }
}
