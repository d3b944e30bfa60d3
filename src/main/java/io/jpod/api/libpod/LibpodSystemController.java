package io.jpod.api.libpod;

import io.jpod.host.BinaryDiscovery;
import io.jpod.host.HostFacts;
import io.jpod.system.Info;
import io.jpod.system.SystemService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** libpod's system endpoints ({@code /libpod/info}, {@code /libpod/version}, {@code /libpod/_ping}); versioned paths arrive through {@link io.jpod.api.ApiVersionFilter}. */
@RestController
class LibpodSystemController {

    private final SystemService system;

    LibpodSystemController(SystemService system) {
        this.system = system;
    }

    @RequestMapping(path = {"/_ping", "/libpod/_ping"},
            method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<String> ping() {
        HttpHeaders h = new HttpHeaders();
        h.add("API-Version", SystemService.DOCKER_API_VERSION);
        h.add("Libpod-API-Version", SystemService.LIBPOD_API_VERSION);
        h.add("Docker-Experimental", "true");
        h.add("OSType", "linux"); // the docker CLI checks --device paths by the server's OS
        h.add("Cache-Control", "no-cache");
        h.add("Pragma", "no-cache");
        h.add("BuildKit-Version", "");
        h.add("Libpod-Buildah-Version", "");
        return ResponseEntity.ok().headers(h).contentType(MediaType.TEXT_PLAIN).body("OK");
    }

    @GetMapping("/libpod/info")
    Map<String, Object> info() {
        Info info = system.info();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host(info.host()));
        out.put("store", store(info.store()));
        Map<String, Object> registries = new LinkedHashMap<>();
        registries.put("search", info.searchRegistries());
        registries.put("insecure", info.insecureRegistries());
        out.put("registries", registries);
        out.put("plugins", Map.of("volume", List.of("local"), "network", List.of("bridge"), "log", List.of("k8s-file")));
        out.put("version", versionBlock());
        return out;
    }

    @GetMapping("/libpod/version")
    Map<String, Object> version() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Platform", Map.of("Name", "linux/" + HostFacts.arch() + "/jpod"));
        out.put("Components", List.of(Map.of("Name", "Podman Engine", "Version", SystemService.LIBPOD_API_VERSION,
                "Details", Map.of("APIVersion", SystemService.LIBPOD_API_VERSION, "MinAPIVersion", "4.0.0",
                        "Os", "linux", "Arch", HostFacts.arch(), "JpodVersion", system.version()))));
        out.put("Version", SystemService.LIBPOD_API_VERSION);
        out.put("ApiVersion", SystemService.DOCKER_API_VERSION);
        out.put("MinAPIVersion", SystemService.DOCKER_MIN_API_VERSION);
        out.put("Os", "linux");
        out.put("Arch", HostFacts.arch());
        out.put("KernelVersion", system.info().host().kernel());
        out.put("GoVersion", "java" + System.getProperty("java.version"));
        out.put("GitCommit", "");
        out.put("BuildTime", "");
        return out;
    }

    private Map<String, Object> versionBlock() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("APIVersion", SystemService.LIBPOD_API_VERSION);
        v.put("Version", SystemService.LIBPOD_API_VERSION);
        v.put("GoVersion", "java" + System.getProperty("java.version"));
        v.put("GitCommit", "");
        v.put("BuiltTime", "");
        v.put("Built", 0);
        v.put("OsArch", "linux/" + HostFacts.arch());
        v.put("Os", "linux");
        v.put("JpodVersion", system.version());
        return v;
    }

    private static Map<String, Object> host(Info.Host h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", h.arch());
        m.put("buildahVersion", "");
        m.put("cgroupManager", h.cgroupManager());
        m.put("cgroupVersion", h.cgroupVersion());
        m.put("conmon", binary(h.conmon(), false));
        m.put("cpus", h.cpus());
        m.put("distribution", h.distribution());
        m.put("eventLogger", h.eventLogger());
        m.put("hostname", h.hostname());
        m.put("kernel", h.kernel());
        m.put("memFree", h.memFree());
        m.put("memTotal", h.memTotal());
        m.put("ociRuntime", binary(h.ociRuntime(), true));
        m.put("os", h.os());
        m.put("rootless", h.rootless());
        m.put("swapFree", h.swapFree());
        m.put("swapTotal", h.swapTotal());
        m.put("uptime", h.uptime());
        m.put("linkmode", "dynamic");
        m.put("namespace", h.namespace());
        return m;
    }

    private static Map<String, Object> binary(BinaryDiscovery d, boolean withName) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (withName) {
            m.put("name", d.name());
        }
        m.put("package", "");
        m.put("path", d.found() ? d.path().toString() : "");
        m.put("version", d.version());
        if (!d.found()) {
            m.put("error", d.problem());
        }
        return m;
    }

    private static Map<String, Object> store(Info.Store s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configFile", s.configFile());
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("number", s.containerCount());
        cs.put("paused", s.containersByState().getOrDefault("paused", 0));
        cs.put("running", s.containersByState().getOrDefault("running", 0));
        cs.put("stopped", s.containerCount() - s.containersByState().getOrDefault("paused", 0)
                - s.containersByState().getOrDefault("running", 0));
        m.put("containerStore", cs);
        m.put("graphDriverName", s.graphDriver());
        m.put("graphOptions", Map.of());
        m.put("graphRoot", s.graphRoot());
        m.put("graphStatus", Map.of());
        m.put("imageStore", Map.of("number", s.imageCount()));
        m.put("podStore", Map.of("number", s.podCount()));
        m.put("runRoot", s.runRoot());
        m.put("volumePath", s.volumePath());
        m.put("staticDir", s.staticDir());
        m.put("tmpDir", s.tmpDir());
        return m;
    }
}
