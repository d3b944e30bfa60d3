package io.jpod.api.shared;

import io.jpod.container.ContainerFiles;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A container's files, the same in both APIs: {@code docker cp} / {@code podman cp} (the archive
 * routes, with the path's stat in {@code X-Docker-Container-Path-Stat}), {@code export} and
 * {@code diff} ({@code changes}). Errors come before the first byte of a tar, as JSON.
 */
@RestController
public class ContainerFilesRoutes {

    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";
    private static final Log LOG = LogFactory.getLog(ContainerFilesRoutes.class);

    private final ContainerService containers;
    private final JsonMapper json;

    ContainerFilesRoutes(ContainerService containers, JsonMapper json) {
        this.containers = containers;
        this.json = json;
    }

    @RequestMapping(value = {"/containers/{id}/archive", "/libpod/containers/{id}/archive"},
            method = RequestMethod.HEAD)
    ResponseEntity<Void> stat(@PathVariable String id, @RequestParam String path, HttpServletRequest request) {
        ContainerFiles.PathStat stat = containers.files().stat(id, path);
        return ResponseEntity.ok().header(STAT_HEADER, header(stat, libpod(request))).build();
    }

    @GetMapping({"/containers/{id}/archive", "/libpod/containers/{id}/archive"})
    void archive(@PathVariable String id, @RequestParam String path, HttpServletRequest request,
            HttpServletResponse response) {
        boolean libpod = libpod(request);
        stream(response, "copying " + path + " out of " + id, out -> containers.files().archive(id, path, stat -> {
            response.setHeader(STAT_HEADER, header(stat, libpod));
            return out.get();
        }));
    }

    /**
     * Docker's {@code noOverwriteDirNonDir} and {@code copyUIDGID}; podman's {@code rename} (a JSON map
     * of top-level names) and {@code pause} (jpod writes without freezing the container, as Docker).
     */
    @PutMapping({"/containers/{id}/archive", "/libpod/containers/{id}/archive"})
    ResponseEntity<Void> extract(@PathVariable String id, @RequestParam String path,
            @RequestParam(defaultValue = "false") boolean noOverwriteDirNonDir,
            @RequestParam(name = "copyUIDGID", defaultValue = "false") boolean copyUidGid,
            @RequestParam(required = false) String rename, HttpServletRequest request) throws IOException {
        Map<String, String> renames = Map.of();
        if (rename != null && !rename.isBlank()) {
            try {
                renames = json.readValue(rename, new TypeReference<LinkedHashMap<String, String>>() { });
            } catch (RuntimeException e) {
                throw EngineException.invalidArgument("rename must be a JSON object of names: " + e.getMessage());
            }
        }
        containers.files().extract(id, path, request.getInputStream(),
                new ContainerFiles.ExtractOptions(noOverwriteDirNonDir, copyUidGid, renames));
        return ResponseEntity.ok().build();
    }

    @GetMapping({"/containers/{id}/export", "/libpod/containers/{id}/export"})
    void export(@PathVariable String id, HttpServletResponse response) {
        stream(response, "exporting " + id, out -> containers.files().export(id, out.get()));
    }

    /** {@code [{"Path": "/etc", "Kind": 0}]}: 0 modified, 1 added, 2 deleted; podman's shape is the same. */
    @GetMapping({"/containers/{id}/changes", "/libpod/containers/{id}/changes"})
    List<Change> changes(@PathVariable String id) {
        return containers.files().changes(id).stream().map(c -> new Change(c.path(), c.kind())).toList();
    }

    /** One entry of a changes answer, in Docker's field order. */
    @JsonPropertyOrder({"Path", "Kind"})
    record Change(@JsonProperty("Path") String path, @JsonProperty("Kind") int kind) {}

    private static boolean libpod(HttpServletRequest request) {
        return request.getRequestURI().contains("/libpod/");
    }

    /**
     * The stat as the header carries it. podman's has {@code isDir}, and its {@code linkTarget} is the
     * resolved path of any path (its client copies to and from that); Docker's names a link's target only.
     */
    private String header(ContainerFiles.PathStat s, boolean libpod) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("size", s.size());
        m.put("mode", s.mode());
        m.put("mtime", s.mtime().toString());
        if (libpod) {
            m.put("isDir", s.isDir());
        }
        m.put("linkTarget", libpod ? s.resolved() : s.linkTarget());
        return Base64.getEncoder().encodeToString(json.writeValueAsString(m).getBytes(StandardCharsets.UTF_8));
    }

    /** The response's body stream, opened on demand so that a failure before it is still a JSON error. */
    private interface Body {
        OutputStream get() throws IOException;
    }

    private interface Writer {
        void write(Body body) throws IOException;
    }

    private static void stream(HttpServletResponse response, String what, Writer writer) {
        Body body = () -> {
            response.setContentType(ImageSaveRoutes.TAR);
            return response.getOutputStream();
        };
        try {
            writer.write(body);
            response.getOutputStream().flush();
        } catch (IOException e) {
            if (!response.isCommitted()) {
                response.reset();
                throw EngineException.internal(what + ": " + e.getMessage(), e);
            }
            LOG.warn(what + " ended early: " + e.getMessage());
        } catch (EngineException e) {
            if (response.isCommitted()) {
                LOG.warn(what + " ended early: " + e.getMessage());
                return;
            }
            response.reset();
            throw e;
        }
    }
}
