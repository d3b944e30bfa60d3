package io.jpod.system;

import io.jpod.config.RuntimeConfig;
import io.jpod.host.Cgroups;
import io.jpod.host.HostFacts;
import io.jpod.registry.RegistryConfig;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Engine-wide queries: info and version. */
public final class SystemService {

    /** The libpod API version jpod speaks, and the Docker API version it answers as. */
    public static final String LIBPOD_API_VERSION = "4.3.1";
    public static final String DOCKER_API_VERSION = "1.41";
    public static final String DOCKER_MIN_API_VERSION = "1.24";

    private final LibpodRuntime runtime;
    private final State state;
    private final String jpodVersion;
    private final RegistryConfig registries;

    public SystemService(LibpodRuntime runtime, State state, String jpodVersion, RegistryConfig registries) {
        this.runtime = runtime;
        this.state = state;
        this.jpodVersion = jpodVersion;
        this.registries = registries;
    }

    public String version() {
        return jpodVersion;
    }

    public Info info() {
        RuntimeConfig c = runtime.config();
        var env = runtime.environment();
        HostFacts facts = new HostFacts(env.procRoot(), env.etcRoot());
        Map<String, Long> mem = facts.memory();
        double uptime = facts.uptimeSeconds();
        Info.Host host = new Info.Host("linux", HostFacts.arch(), facts.kernel(), facts.distribution(),
                facts.hostname(), Runtime.getRuntime().availableProcessors(), mem.getOrDefault("MemTotal", 0L),
                mem.getOrDefault("MemFree", 0L), mem.getOrDefault("SwapTotal", 0L), mem.getOrDefault("SwapFree", 0L),
                uptime, HostFacts.formatUptime(uptime), Cgroups.version(env.cgroupRoot()), c.cgroupManager(),
                env.identity().rootless(), runtime.conmonDiscovery(), runtime.ociRuntimeDiscovery(), "none",
                c.namespace());
        var containers = state.allContainers();
        Map<String, Integer> byState = new TreeMap<>();
        for (StoredContainer ctr : containers) {
            byState.merge(ctr.state().status().display(), 1, Integer::sum);
        }
        Info.Store store = new Info.Store(env.configFile() == null ? "" : env.configFile().toString(),
                c.storage().driver(), c.storage().graphRoot(), c.storage().runRoot(), c.volumePath(), c.staticDir(),
                c.tmpDir(), countImages(Path.of(c.storage().graphRoot())), containers.size(), byState,
                state.allPods().size());
        return new Info(host, store, registries.searchRegistries(), registries.insecureRegistries());
    }

    /** Images are stored one directory each under {@code <graph root>/images}. */
    static int countImages(Path graphRoot) {
        Path images = graphRoot.resolve("images");
        if (!Files.isDirectory(images)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(images)) {
            return (int) s.filter(Files::isDirectory).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
