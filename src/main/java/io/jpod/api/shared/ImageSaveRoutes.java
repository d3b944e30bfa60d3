package io.jpod.api.shared;

import io.jpod.error.EngineException;
import io.jpod.image.ImageArchives;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Saving images as archives ({@code docker save}, {@code podman save}), streamed as
 * {@code application/x-tar} straight to the response. Everything that can fail for the client's sake
 * (an unknown image, a bad format) fails in {@link ImageArchives#prepare}, before the first byte, so
 * it is a JSON error; a failure later can only cut the stream short.
 *
 * <p>The per-image routes ({@code /images/{name}/get}, {@code /libpod/images/{name}/get}) live in the
 * images controllers' catch-alls, since names contain slashes; they call {@link #single}.
 */
@RestController
public class ImageSaveRoutes {

    static final String TAR = "application/x-tar";
    private static final Log LOG = LogFactory.getLog(ImageSaveRoutes.class);

    private final ImageArchives archives;

    ImageSaveRoutes(ImageStore images, JsonMapper json) {
        this.archives = new ImageArchives(images, json);
    }

    /** {@code docker save a b}: always the docker format. */
    @GetMapping("/images/get")
    void dockerSave(@RequestParam(required = false) List<String> names, HttpServletResponse response) {
        write(archives, names, ImageArchives.Format.DOCKER_ARCHIVE, response);
    }

    /**
     * {@code podman --remote save} (one image or several, {@code -m}). {@code compress} concerns
     * podman's directory formats only, which are refused; it is accepted and ignored.
     */
    @GetMapping("/libpod/images/export")
    void libpodExport(@RequestParam(required = false) List<String> references,
            @RequestParam(required = false) String format, HttpServletResponse response) {
        write(archives, references, ImageArchives.Format.parse(format), response);
    }

    /**
     * One image, for the catch-alls of {@code /images/...} and {@code /libpod/images/...}, which
     * return what this returns (null: the response is written). The format is the current request's
     * {@code format} parameter (libpod's; Docker has none), the docker format by default.
     */
    public static <T> T single(ImageStore images, JsonMapper json, String nameOrId) {
        ServletRequestAttributes attrs = (ServletRequestAttributes) RequestContextHolder.currentRequestAttributes();
        HttpServletRequest request = attrs.getRequest();
        write(new ImageArchives(images, json), List.of(nameOrId),
                ImageArchives.Format.parse(request.getParameter("format")), attrs.getResponse());
        return null;
    }

    private static void write(ImageArchives archives, List<String> refs, ImageArchives.Format format,
            HttpServletResponse response) {
        try (ImageArchives.Save save = archives.prepare(refs, format)) {
            response.setContentType(TAR);
            try {
                OutputStream out = response.getOutputStream();
                save.writeTo(out);
                out.flush();
            } catch (IOException e) {
                if (!response.isCommitted()) {
                    response.reset();
                    throw EngineException.internal("saving " + refs + ": " + e.getMessage(), e);
                }
                // the archive has begun: there is no telling the client more than a cut stream (and a
                // client that went away is no failure of the daemon's)
                LOG.warn("saving " + refs + " ended early: " + e.getMessage());
            }
        }
    }
}
