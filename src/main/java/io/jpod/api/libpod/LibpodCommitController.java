package io.jpod.api.libpod;

import io.jpod.api.wire.IdResponse;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code podman commit}: {@code POST /libpod/commit}. Both formats are accepted and give the same
 * stored image: jpod keeps one (Docker-shaped) config per image, and the manifest's media types are
 * chosen when the image is pushed or saved, not here. {@code squash} is refused.
 */
@RestController
class LibpodCommitController {

    private static final Pattern INSTRUCTION = Pattern.compile("(?i)(CMD|ENTRYPOINT|ENV|EXPOSE|LABEL|ONBUILD|"
            + "STOPSIGNAL|USER|VOLUME|WORKDIR)(\\s|=|$)");

    private final ContainerService containers;

    LibpodCommitController(ContainerService containers) {
        this.containers = containers;
    }

    @PostMapping("/libpod/commit")
    IdResponse commit(@RequestParam String container, @RequestParam(required = false) String repo,
            @RequestParam(required = false) String tag, @RequestParam(required = false) String comment,
            @RequestParam(required = false) String author, @RequestParam(defaultValue = "true") boolean pause,
            @RequestParam(required = false) List<String> changes, @RequestParam(required = false) String format,
            @RequestParam(defaultValue = "false") boolean squash) {
        if (format != null && !format.isEmpty() && !format.equals("oci") && !format.equals("docker")) {
            throw EngineException.invalidArgument("unrecognized image format \"" + format + "\": use oci or docker");
        }
        if (squash) {
            throw EngineException.invalidArgument("squash is not supported by jpod's commit");
        }
        List<String> names = new ArrayList<>();
        if (repo != null && !repo.isEmpty()) {
            names.add(tag != null && !tag.isEmpty() ? repo + ":" + tag : repo);
        }
        List<String> lines = new ArrayList<>();
        if (changes != null) {
            for (String c : changes) {
                for (String line : c.split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    // podman's client splits a change at its commas (CMD ["cat","/f"] arrives in two):
                    // a piece that starts no instruction continues the one before
                    if (!lines.isEmpty() && !INSTRUCTION.matcher(line.strip()).lookingAt()) {
                        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + "," + line);
                    } else {
                        lines.add(line.strip());
                    }
                }
            }
        }
        Image img = containers.commit(container, names, author, comment, lines, pause);
        return new IdResponse(img.id());
    }
}
