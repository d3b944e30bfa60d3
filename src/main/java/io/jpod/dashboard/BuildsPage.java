package io.jpod.dashboard;

import io.jpod.build.BuildRequest;
import io.jpod.build.BuildService;
import io.jpod.error.EngineException;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Image builds from the images page. The form brings a build context (a tar, compressed or not) or
 * a Dockerfile alone (a file or typed in; it becomes a one-file context here); either is written to
 * a file in the image store's work directory, so a large context never sits in memory, and a
 * background {@link Build} reads it. As with pulls, the page's script gets the job's ID as JSON and
 * follows its log stream; a plain form goes to the job's page.
 */
@Controller
class BuildsPage {

    private final BuildService builder;
    private final ImageStore images;
    private final Builds builds;

    BuildsPage(BuildService builder, ImageStore images, Builds builds) {
        this.builder = builder;
        this.images = images;
        this.builds = builds;
    }

    @PostMapping("/ui/images/build")
    Object build(@RequestParam(required = false) MultipartFile context,
            @RequestParam(required = false) MultipartFile dockerfile,
            @RequestParam(defaultValue = "") String dockerfileText, @RequestParam(defaultValue = "") String tags,
            @RequestParam(defaultValue = "") String buildArgs, @RequestParam(defaultValue = "") String target,
            @RequestParam(defaultValue = "false") boolean noCache, @RequestParam(defaultValue = "false") boolean pull,
            HttpServletRequest request, RedirectAttributes flash) {
        return Jobs.answer(request, flash, "/ui/images", "/ui/builds/", () -> {
            List<String> names = tags(tags);
            BuildRequest req = new BuildRequest(null, names, buildArgs(buildArgs), Map.of(), target.strip(),
                    noCache, pull, true, true, null, null, false, Map.of());
            Path file = contextFile(context, dockerfile, dockerfileText);
            String subject = names.isEmpty() ? "an unnamed image" : ImageReference.parse(names.get(0)).familiar();
            return builds.start(subject, file, listener -> {
                try (InputStream in = Files.newInputStream(file)) {
                    return builder.build(req, in, listener).id();
                } catch (IOException e) {
                    throw EngineException.internal("reading the build context: " + e.getMessage(), e);
                }
            }).id();
        });
    }

    /** The build's own page: what the script shows in place, for a browser without it (it reloads until done). */
    @GetMapping("/ui/builds/{id}")
    String show(@PathVariable String id, Model model) {
        Build.Snapshot s = builds.get(id).snapshot(0);
        model.addAttribute("page", "images");
        model.addAttribute("build", s);
        model.addAttribute("title", "Build " + s.subject());
        return "build";
    }

    @PostMapping("/ui/builds/{id}/cancel")
    Object cancel(@PathVariable String id, HttpServletRequest request, RedirectAttributes flash) {
        String notice = builds.cancel(id) ? "cancelling" : "already finished";
        if (Jobs.script(request)) {
            return ResponseEntity.ok(Map.of("notice", notice));
        }
        flash.addFlashAttribute("notice", notice);
        return "redirect:/ui/builds/" + id;
    }

    /** Names separated by spaces, commas or lines; each checked now, before anything is uploaded to a job. */
    static List<String> tags(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.split("[\\s,]+")) {
            if (!t.isEmpty()) {
                ImageReference.parse(t);
                out.add(t);
            }
        }
        return out;
    }

    /** {@code KEY=VALUE} lines (the value may be empty, and may hold {@code =}). */
    static Map<String, String> buildArgs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Actions.lines(text)) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw EngineException.invalidArgument("build argument \"" + line + "\" must be KEY=VALUE");
            }
            out.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        return out;
    }

    /** The one source the form gave, written to a file of the work directory as a context tar. */
    private Path contextFile(MultipartFile context, MultipartFile dockerfile, String text) {
        boolean hasContext = context != null && !context.isEmpty();
        boolean hasFile = dockerfile != null && !dockerfile.isEmpty();
        boolean hasText = !text.isBlank();
        int given = (hasContext ? 1 : 0) + (hasFile ? 1 : 0) + (hasText ? 1 : 0);
        if (given == 0) {
            throw EngineException.invalidArgument("give a build context (a tar), a Dockerfile file or a "
                    + "Dockerfile's text");
        }
        if (given > 1) {
            throw EngineException.invalidArgument("give only one of a build context, a Dockerfile file and a "
                    + "Dockerfile's text");
        }
        Path file = null;
        try {
            file = Files.createTempFile(images.workDir(), "dashboard-build-", ".tar");
            if (hasContext) {
                context.transferTo(file);
            } else if (hasFile) {
                try (InputStream in = dockerfile.getInputStream()) {
                    oneFileTar(in.readAllBytes(), file);
                }
            } else {
                // a text area sends CRLF line ends; a Dockerfile's continuation lines want LF
                oneFileTar(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8), file);
            }
            return file;
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                Builds.delete(file);
            }
            if (e instanceof EngineException ee) {
                throw ee;
            }
            throw EngineException.invalidArgument("reading the upload: " + e.getMessage());
        }
    }

    /** A context holding only {@code Dockerfile}. */
    static void oneFileTar(byte[] dockerfile, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry = new TarArchiveEntry("Dockerfile");
            entry.setMode(0644);
            entry.setSize(dockerfile.length);
            entry.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(entry);
            tar.write(dockerfile);
            tar.closeArchiveEntry();
            tar.finish();
        }
    }
}
