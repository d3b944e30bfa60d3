package io.jpod.dashboard;

import io.jpod.container.ContainerService;
import io.jpod.container.CreateRequest;
import io.jpod.container.ShortForms;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.pod.PodService;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Containers: the table, the run form, a container's page and the buttons that steer it. */
@Controller
class ContainersPage {


    private final ContainerService containers;
    private final PodService pods;
    private final ImageStore images;
    private final JsonMapper json;

    ContainersPage(ContainerService containers, PodService pods, ImageStore images, JsonMapper json) {
        this.containers = containers;
        this.pods = pods;
        this.images = images;
        this.json = json;
    }

    @GetMapping("/ui/containers")
    String list(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "") String state,
            @RequestParam(defaultValue = "false") boolean infra, Model model) {
        Map<String, String> podNames = pods.names();
        Instant now = Instant.now();
        List<ContainerRow> rows = containers.list().stream()
                .sorted((a, b) -> b.config().created().compareTo(a.config().created()))
                .map(c -> ContainerRow.of(c, podNames, now))
                .filter(r -> infra || !r.infra())
                .filter(r -> state.isEmpty() || r.state().equals(state))
                .filter(r -> r.matches(q)).toList();
        model.addAttribute("page", "containers");
        model.addAttribute("rows", rows);
        model.addAttribute("q", q);
        model.addAttribute("state", state);
        model.addAttribute("infra", infra);
        return "containers";
    }

    @GetMapping("/ui/containers/new")
    String form(@RequestParam(defaultValue = "") String image, @RequestParam(defaultValue = "") String pod,
            Model model) {
        model.addAttribute("page", "containers");
        model.addAttribute("images", images.list().stream().map(ContainersPage::imageName).sorted().toList());
        model.addAttribute("pods", pods.names());
        if (!model.containsAttribute("form")) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("image", image);
            form.put("pod", pod);
            form.put("start", "on");
            model.addAttribute("form", form);
        }
        return "container-new";
    }

    private static String imageName(Image i) {
        return i.names().isEmpty() ? i.id().substring(0, 12) : i.names().get(0);
    }

    @PostMapping("/ui/containers")
    String create(@RequestParam Map<String, String> form, RedirectAttributes flash) {
        try {
            CreateRequest req = request(form);
            StoredContainer c = containers.create(req);
            if ("on".equals(form.get("start"))) {
                try {
                    containers.start(c.id());
                } catch (EngineException e) {
                    flash.addFlashAttribute("error", "created " + c.name() + " but it did not start: "
                            + e.getMessage());
                    return "redirect:/ui/containers/" + c.id();
                }
                flash.addFlashAttribute("notice", "started " + c.name());
            } else {
                flash.addFlashAttribute("notice", "created " + c.name());
            }
            return "redirect:/ui/containers/" + c.id();
        } catch (EngineException e) {
            // back to the form, with what was typed
            flash.addFlashAttribute("error", e.getMessage());
            flash.addFlashAttribute("form", form);
            return "redirect:/ui/containers/new";
        }
    }

    /** The form's fields as a create request: the command split as a shell would, one env/port/volume a line. */
    static CreateRequest request(Map<String, String> form) {
        String image = form.getOrDefault("image", "").trim();
        if (image.isEmpty()) {
            throw EngineException.invalidArgument("choose an image to run");
        }
        String name = form.getOrDefault("name", "").trim();
        List<String> command = CommandLine.split(form.get("command"));
        List<String> env = new ArrayList<>();
        for (String line : Actions.lines(form.get("env"))) {
            if (!line.contains("=") || line.startsWith("=")) {
                throw EngineException.invalidArgument("invalid environment line \"" + line + "\": use NAME=value");
            }
            env.add(line);
        }
        var ports = Actions.lines(form.get("ports")).stream().map(ShortForms::port).toList();
        var mounts = Actions.lines(form.get("volumes")).stream().map(ShortForms::mount).toList();
        String restart = form.getOrDefault("restart", "").trim();
        String pod = form.getOrDefault("pod", "").trim();
        return new CreateRequest(name.isEmpty() ? null : name, image, null, command.isEmpty() ? null : command, env,
                null, null, Map.of(), false, null, null, restart.isEmpty() ? null : restart, false, null, false,
                mounts, pod.isEmpty() ? null : pod, new CreateRequest.NetworkRequest("", List.of(), ports));
    }

    @GetMapping("/ui/containers/{id}")
    String detail(@PathVariable String id, Model model) {
        StoredContainer c = containers.inspect(id);
        ContainerRow row = ContainerRow.of(c, pods.names(), Instant.now());
        model.addAttribute("page", "containers");
        model.addAttribute("c", row);
        model.addAttribute("stored", c);
        model.addAttribute("inspect", json.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        model.addAttribute("tty", c.config().run() != null && c.config().run().tty());
        List<List<String>> top = List.of();
        String topError = null;
        if (row.running() || row.paused()) {
            try {
                top = containers.top(c.id(), List.of());
            } catch (EngineException e) {
                topError = e.getMessage();
            }
        }
        model.addAttribute("top", top);
        model.addAttribute("topError", topError);
        return "container";
    }

    /** docker commit from the container's page: the changes and run settings as an image, named or not. */
    @PostMapping("/ui/containers/{id}/commit")
    String commit(@PathVariable String id, @RequestParam(defaultValue = "") String image, RedirectAttributes flash) {
        String name = containers.inspect(id).name();
        String as = image.strip();
        return Actions.perform(flash, "/ui/containers/" + id, () -> {
            var img = containers.commit(id, as.isEmpty() ? List.of() : List.of(as), "", "", List.of(), true);
            return "Committed " + name + " as " + (as.isEmpty() ? img.id().substring(0, 12) : as);
        });
    }

    @PostMapping("/ui/containers/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, @RequestParam(defaultValue = "") String back,
            RedirectAttributes flash) {
        if (!Actions.DONE.containsKey(action)) {
            throw EngineException.invalidArgument("unknown container action \"" + action + "\"");
        }
        String name = containers.inspect(id).name();
        // only pages of the dashboard are followed back to
        String to = action.equals("remove") ? "/ui/containers"
                : back.startsWith("/ui/") && !back.startsWith("//") ? back : "/ui/containers/" + id;
        return Actions.perform(flash, to, () -> {
            switch (action) {
                case "start" -> containers.start(id);
                case "stop" -> containers.stop(id, null);
                case "restart" -> containers.restart(id, null);
                case "kill" -> containers.kill(id, "KILL");
                case "pause" -> containers.pause(id);
                case "unpause" -> containers.unpause(id);
                default -> containers.remove(id, true);
            }
            return Actions.DONE.get(action) + " " + name;
        });
    }
}
