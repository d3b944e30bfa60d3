package io.jpod.dashboard;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.registry.Credentials;
import io.jpod.registry.Platform;
import io.jpod.registry.PushResult;
import io.jpod.registry.RegistryService;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Pulls and pushes from the images pages. A form starts a background {@link Transfer} and answers
 * at once: the page's script gets the job's ID as JSON and follows its progress stream; a plain
 * form goes to the job's page, which reloads itself until the job ends. The credentials typed in
 * go to this one registry call and nowhere else: not into the job, a page, a notice or a log.
 */
@Controller
class TransfersPage {

    private final RegistryService registry;
    private final ImageStore images;
    private final Transfers transfers;

    TransfersPage(RegistryService registry, ImageStore images, Transfers transfers) {
        this.registry = registry;
        this.images = images;
        this.transfers = transfers;
    }

    @PostMapping("/ui/images/pull")
    Object pull(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String platform,
            @RequestParam(defaultValue = "false") boolean skipTls, @RequestParam(defaultValue = "") String username,
            @RequestParam(defaultValue = "") String password, HttpServletRequest request, RedirectAttributes flash) {
        return Jobs.answer(request, flash, "/ui/images", "/ui/transfers/", () -> {
            String image = name.strip();
            if (image.isEmpty()) {
                throw EngineException.invalidArgument("give the name of the image to pull");
            }
            Platform p = Platform.parse(platform);
            Credentials creds = credentials(username, password);
            return transfers.start("pull", image, listener -> {
                Image pulled = registry.pull(image, p, creds, !skipTls, listener);
                return new Transfer.Outcome("pulled " + image, pulled.id(), null);
            }).id();
        });
    }

    @PostMapping("/ui/images/{id}/push")
    Object push(@PathVariable String id, @RequestParam(defaultValue = "") String destination,
            @RequestParam(defaultValue = "") String format, @RequestParam(defaultValue = "false") boolean skipTls, @RequestParam(defaultValue = "") String username,
            @RequestParam(defaultValue = "") String password, HttpServletRequest request, RedirectAttributes flash) {
        return Jobs.answer(request, flash, "/ui/images/" + id, "/ui/transfers/", () -> {
            Image img = images.lookup(id);
            String target = destination.isBlank() ? (img.names().isEmpty() ? "" : img.names().get(0))
                    : destination.strip();
            if (target.isEmpty()) {
                throw EngineException.invalidArgument("the image has no name: give the destination to push to");
            }
            Credentials creds = credentials(username, password);
            return transfers.start("push", target, listener -> {
                PushResult r = registry.push(img.id(), target, creds, !skipTls, format, listener);
                return new Transfer.Outcome("pushed " + target + ": digest " + r.digest(), img.id(), r.digest());
            }).id();
        });
    }

    /** The job's own page: what the script shows in place, for a browser without it (it reloads until done). */
    @GetMapping("/ui/transfers/{id}")
    String show(@PathVariable String id, Model model) {
        Transfer.Snapshot s = transfers.get(id).snapshot();
        model.addAttribute("page", "images");
        model.addAttribute("job", s);
        model.addAttribute("title", (s.kind().equals("pull") ? "Pull " : "Push ") + s.subject());
        return "transfer";
    }

    @PostMapping("/ui/transfers/{id}/cancel")
    Object cancel(@PathVariable String id, HttpServletRequest request, RedirectAttributes flash) {
        boolean going = transfers.cancel(id);
        String notice = going ? "cancelling" : "already finished";
        if (Jobs.script(request)) {
            return ResponseEntity.ok(Map.of("notice", notice));
        }
        flash.addFlashAttribute("notice", notice);
        return "redirect:/ui/transfers/" + id;
    }

    private static Credentials credentials(String username, String password) {
        if (username.isBlank() != password.isEmpty()) {
            throw EngineException.invalidArgument("give both a user name and a password, or neither");
        }
        return username.isBlank() ? Credentials.NONE : Credentials.basic(username.strip(), password);
    }
}
