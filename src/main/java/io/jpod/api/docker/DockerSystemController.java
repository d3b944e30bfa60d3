package io.jpod.api.docker;

import io.jpod.host.HostFacts;
import io.jpod.system.Info;
import io.jpod.system.SystemService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Docker Engine API: {@code /version} and {@code /info}. */
@RestController
class DockerSystemController {

    private final SystemService system;

    DockerSystemController(SystemService system) {
        this.system = system;
    }

    @GetMapping("/version")
    Map<String, Object> version() {
        Info info = system.info();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Platform", Map.of("Name", "jpod"));
        m.put("Components", List.of(Map.of("Name", "Engine", "Version", system.version(), "Details",
                Map.of("ApiVersion", SystemService.DOCKER_API_VERSION, "MinAPIVersion",
                        SystemService.DOCKER_MIN_API_VERSION, "Os", "linux", "Arch", HostFacts.arch()))));
        m.put("Version", system.version());
        m.put("ApiVersion", SystemService.DOCKER_API_VERSION);
        m.put("MinAPIVersion", SystemService.DOCKER_MIN_API_VERSION);
        m.put("GitCommit", "");
        m.put("GoVersion", "java" + System.getProperty("java.version"));
        m.put("Os", "linux");
        m.put("Arch", HostFacts.arch());
        m.put("KernelVersion", info.host().kernel());
        m.put("BuildTime", "");
        return m;
    }

    @GetMapping("/info")
    Map<String, Object> info() {
        Info info = system.info();
        Map<String, Integer> byState = info.store().containersByState();
        int running = byState.getOrDefault("running", 0) + byState.getOrDefault("stopping", 0);
        int paused = byState.getOrDefault("paused", 0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", info.host().hostname());
        m.put("Containers", info.store().containerCount());
        m.put("ContainersRunning", running);
        m.put("ContainersPaused", paused);
        m.put("ContainersStopped", info.store().containerCount() - running - paused);
        m.put("Images", info.store().imageCount());
        m.put("Driver", info.store().graphDriver());
        m.put("DriverStatus", List.of());
        m.put("DockerRootDir", info.store().graphRoot());
        m.put("MemoryLimit", true);
        m.put("SwapLimit", true);
        m.put("CgroupDriver", info.host().cgroupManager());
        m.put("CgroupVersion", info.host().cgroupVersion().substring(1));
        m.put("KernelVersion", info.host().kernel());
        m.put("OperatingSystem", info.host().distribution().getOrDefault("distribution", "unknown"));
        m.put("OSVersion", info.host().distribution().getOrDefault("version", ""));
        m.put("OSType", "linux");
        m.put("Architecture", HostFacts.arch().equals("amd64") ? "x86_64" : HostFacts.arch());
        m.put("NCPU", info.host().cpus());
        m.put("MemTotal", info.host().memTotal());
        m.put("Name", info.host().hostname());
        m.put("ServerVersion", system.version());
        m.put("DefaultRuntime", info.host().ociRuntime().name());
        m.put("Runtimes", Map.of(info.host().ociRuntime().name(), Map.of("path",
                info.host().ociRuntime().found() ? info.host().ociRuntime().path().toString() : "")));
        m.put("Plugins", Map.of("Volume", List.of("local"), "Network", List.of("bridge"), "Log", List.of("k8s-file")));
        m.put("RegistryConfig", Map.of("IndexConfigs", Map.of(), "InsecureRegistryCIDRs", List.of(),
                "Mirrors", List.of()));
        // what containers get unless they ask otherwise: the default seccomp profile (and rootless mode)
        m.put("SecurityOptions", info.host().rootless() ? List.of("name=seccomp,profile=default", "name=rootless")
                : List.of("name=seccomp,profile=default"));
        m.put("Warnings", List.of());
        return m;
    }
}
