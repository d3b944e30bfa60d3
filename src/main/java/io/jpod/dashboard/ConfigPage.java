package io.jpod.dashboard;

import io.jpod.runtime.LibpodRuntime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The effective configuration, each value with where it came from. */
@Controller
class ConfigPage {


    private final LibpodRuntime runtime;

    ConfigPage(LibpodRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/ui/config")
    String config(Model model) {
        var c = runtime.config();
        List<Views.Setting> settings = new ArrayList<>();
        c.effectiveValues().forEach((k, v) -> settings.add(new Views.Setting(k, String.valueOf(v),
                c.origins().getOrDefault(k, "default"))));
        model.addAttribute("page", "config");
        model.addAttribute("settings", settings);
        model.addAttribute("configFile", runtime.environment().configFile());
        return "config";
    }
}
