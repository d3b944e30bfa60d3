package io.jpod.dashboard;

import io.jpod.container.ShortForms;
import io.jpod.error.EngineException;
import io.jpod.pod.PodService;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Pods: list, create, inspect, steer, remove. */
@Controller
class PodsPage {


    private final PodService pods;
    private final JsonMapper json;

    PodsPage(PodService pods, JsonMapper json) {
        this.pods = pods;
        this.json = json;
    }

    @GetMapping("/ui/pods")
    String list(Model model) {
        model.addAttribute("page", "pods");
        model.addAttribute("pods", pods.list());
        return "pods";
    }

    @PostMapping("/ui/pods")
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String ports,
            RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/pods", () -> {
            var p = pods.create(new PodService.CreateRequest(name.isBlank() ? null : name.trim(), Map.of(), null,
                    true, null, null, Actions.lines(ports).stream().map(ShortForms::port).toList()));
            return "created pod " + p.pod().name();
        });
    }

    @GetMapping("/ui/pods/{id}")
    String detail(@PathVariable String id, Model model) {
        PodService.View v = pods.inspect(id);
        Instant now = Instant.now();
        model.addAttribute("page", "pods");
        model.addAttribute("pod", v);
        model.addAttribute("members", v.containers().stream()
                .map(c -> ContainerRow.of(c, Map.of(v.pod().id(), v.pod().name()), now)).toList());
        model.addAttribute("inspect", json.writerWithDefaultPrettyPrinter().writeValueAsString(v.pod()));
        return "pod";
    }

    @PostMapping("/ui/pods/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, RedirectAttributes flash) {
        if (!Actions.DONE.containsKey(action)) {
            throw EngineException.invalidArgument("unknown pod action \"" + action + "\"");
        }
        String name = pods.inspect(id).pod().name();
        return Actions.perform(flash, action.equals("remove") ? "/ui/pods" : "/ui/pods/" + id, () -> {
            PodService.Report r = switch (action) {
                case "start" -> pods.start(id);
                case "stop" -> pods.stop(id, null);
                case "restart" -> pods.restart(id, null);
                case "kill" -> pods.kill(id, "KILL");
                case "pause" -> pods.pause(id);
                case "unpause" -> pods.unpause(id);
                default -> {
                    pods.remove(id, true);
                    yield new PodService.Report(id, Map.of());
                }
            };
            if (!r.errors().isEmpty()) {
                throw EngineException.invalidState(action + " of pod " + name + " failed for "
                        + String.join("; ", r.errors().entrySet().stream()
                                .map(e -> e.getKey().substring(0, 12) + ": " + e.getValue()).toList()));
            }
            return Actions.DONE.get(action) + " pod " + name;
        });
    }

}
