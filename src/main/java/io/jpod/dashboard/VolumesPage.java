package io.jpod.dashboard;

import io.jpod.container.VolumeUse;
import io.jpod.state.StoredContainer;
import io.jpod.volume.VolumeService;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Volumes: list with their users, create, inspect, remove. */
@Controller
class VolumesPage {

    private final VolumeService volumes;
    private final VolumeUse use;
    private final JsonMapper json;

    VolumesPage(VolumeService volumes, VolumeUse use, JsonMapper json) {
        this.volumes = volumes;
        this.use = use;
        this.json = json;
    }

    @GetMapping("/ui/volumes")
    String list(Model model) {
        model.addAttribute("page", "volumes");
        model.addAttribute("volumes", volumes.list());
        model.addAttribute("used", use.used());
        return "volumes";
    }

    @PostMapping("/ui/volumes")
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String options,
            RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/volumes", () -> {
            Map<String, String> opts = new LinkedHashMap<>();
            for (String line : Actions.lines(options)) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw io.jpod.error.EngineException.invalidArgument("invalid option \"" + line
                            + "\": use key=value");
                }
                opts.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return "created volume " + volumes.create(name.trim(), "local", Map.of(), opts, false).name();
        });
    }

    @GetMapping("/ui/volumes/{name}")
    String detail(@PathVariable String name, Model model) {
        var v = volumes.inspect(name);
        return Views.inspect(model, json, "volumes", "Volume " + v.name(), v,
                use.users(v.name()).stream().map(StoredContainer::name).toList(),
                "/ui/volumes/" + v.name() + "/remove");
    }

    @PostMapping("/ui/volumes/{name}/remove")
    String remove(@PathVariable String name, RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/volumes", () -> {
            use.remove(name, false);
            return "removed volume " + name;
        });
    }
}
