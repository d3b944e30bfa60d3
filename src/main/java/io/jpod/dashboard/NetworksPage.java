package io.jpod.dashboard;

import io.jpod.container.NetworkUse;
import io.jpod.network.NetworkService;
import io.jpod.state.StoredContainer;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/** Networks: list, create, inspect, remove. */
@Controller
class NetworksPage {

    private final NetworkService networks;
    private final NetworkUse use;
    private final JsonMapper json;

    NetworksPage(NetworkService networks, NetworkUse use, JsonMapper json) {
        this.networks = networks;
        this.use = use;
        this.json = json;
    }

    @GetMapping("/ui/networks")
    String list(Model model) {
        model.addAttribute("page", "networks");
        model.addAttribute("networks", networks.list());
        model.addAttribute("defaultNetwork", networks.defaultNetwork());
        return "networks";
    }

    @PostMapping("/ui/networks")
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String subnet,
            @RequestParam(defaultValue = "false") boolean internal, RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/networks", () -> "created network "
                + networks.create(name.trim(), subnet.trim(), null, internal, Map.of()).name());
    }

    @GetMapping("/ui/networks/{name}")
    String detail(@PathVariable String name, Model model) {
        var n = networks.inspect(name);
        return Views.inspect(model, json, "networks", "Network " + n.name(), n,
                use.users(n.name()).stream().map(StoredContainer::name).toList(),
                n.name().equals(networks.defaultNetwork()) ? null : "/ui/networks/" + n.name() + "/remove");
    }

    @PostMapping("/ui/networks/{name}/remove")
    String remove(@PathVariable String name, RedirectAttributes flash) {
        return Actions.perform(flash, "/ui/networks", () -> {
            use.remove(name, false);
            return "removed network " + name;
        });
    }
}
