package io.jpod.api.shared;

import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.image.ImageArchives;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.RequestContextUtils;
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
    private final EventBus events;

    ImageSaveRoutes(ImageStore images, JsonMapper json, EventBus events) {
        this.archives = new ImageArchives(images, json);
        this.events = events;
    }

    /** {@code docker save a b}: always the docker format. */
    @GetMapping("/images/get")
    void dockerSave(@RequestParam(required = false) List<String> names, HttpServletResponse response) {
        write(names, ImageArchives.Format.DOCKER_ARCHIVE, response);
    }

    /**
     * {@code podman --remote save}: podman 4.3's client sends every argument as a reference, with
     * {@code -m} or not, and its server saves them all, as here. {@code compress} and
     * {@code ociAcceptUncompressedLayers} concern podman's directory formats only, which are refused.
     */
    @GetMapping("/libpod/images/export")
    void libpodExport(@RequestParam(required = false) List<String> references,
            @RequestParam(required = false) String format, HttpServletResponse response) {
        write(references, ImageArchives.Format.parse(format), response);
    }

    /**
     * One image, for the catch-alls of {@code /images/...} and {@code /libpod/images/...}, which
     * return what this returns (null: the response is written). The format is the current request's
     * {@code format} parameter (libpod's; Docker has none), the docker format by default.
     */
    public static <T> T single(String nameOrId) {
        ServletRequestAttributes attrs = (ServletRequestAttributes) RequestContextHolder.currentRequestAttributes();
        HttpServletRequest request = attrs.getRequest();
        ImageSaveRoutes routes = RequestContextUtils.findWebApplicationContext(request).getBean(ImageSaveRoutes.class);
        routes.write(List.of(nameOrId), ImageArchives.Format.parse(request.getParameter("format")),
                attrs.getResponse());
        return null;
    }

    private void write(List<String> refs, ImageArchives.Format format, HttpServletResponse response) {
        try (ImageArchives.Save save = archives.prepare(refs, format)) {
            response.setContentType(TAR);
            try {
                OutputStream out = response.getOutputStream();
                save.writeTo(out);
                out.flush();
                // as Docker and podman: one "save" event per image, once it is written
                save.images().forEach(img -> events.publish("image", "save", img.id(),
                        img.names().isEmpty() ? "" : img.names().get(0), Map.of()));
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
