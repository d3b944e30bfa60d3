package io.jpod.api.admin;

import io.jpod.config.RuntimeConfig;
import io.jpod.runtime.LibpodRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * jpod's own admin endpoint: the effective configuration with, per key, where its value came from
 * ({@code default}, {@code file <path> line <n>}, {@code option <source>}, {@code database}).
 */
@RestController
class ConfigController {

    private final LibpodRuntime runtime;

    ConfigController(LibpodRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/jpod/v1/config")
    Map<String, Object> config() {
        RuntimeConfig c = runtime.config();
        Map<String, Object> values = c.effectiveValues();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config", values);
        out.put("origins", c.origins());
        out.put("explicit", c.explicit());
        return out;
    }
}
