package io.jpod.config;

import io.jpod.error.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Turns the bound {@link LibpodProperties} into the effective {@link RuntimeConfig}: finds where each
 * value came from, derives libpod's "explicitly set" flags from that, converts the deprecated
 * {@code runtime_path}, and rejects impossible values naming their origin.
 */
public final class RuntimeConfigFactory {

    private static final Log LOG = LogFactory.getLog(RuntimeConfigFactory.class);
    static final String DEFAULT = "default";

    private final ConfigurableEnvironment env;

    public RuntimeConfigFactory(ConfigurableEnvironment env) {
        this.env = env;
    }

    public RuntimeConfig create(LibpodProperties p, boolean root) {
        Map<String, String> origins = origins();
        check(ConfigKey.NUM_LOCKS, p.numLocks(), origins);
        check(ConfigKey.MAX_LOG_SIZE, p.maxLogSize(), origins);
        check(ConfigKey.CGROUP_MANAGER, p.cgroupManager(), origins);
        check(ConfigKey.HOOKS_DIR, nonNull(p.hooksDir()), origins);
        RuntimeChoice chosen = runtimeChoice(p, origins, root);
        Set<RuntimeConfig.Explicit> explicit = explicit(origins);
        LibpodProperties.Storage s = p.storage();
        return new RuntimeConfig(p.volumePath(), p.imageDefaultTransport(), nz(p.signaturePolicyPath()),
                nz(chosen.runtime()), chosen.runtimes(), nonNull(p.conmonPath()), nonNull(p.conmonEnvVars()),
                p.cgroupManager(), nz(p.initPath()), nz(p.staticDir()), nz(p.tmpDir()), p.maxLogSize(),
                p.noPivotRoot(), nz(p.cniConfigDir()), nonNull(p.cniPluginDir()), nz(p.cniDefaultNetwork()),
                nonNull(p.hooksDir()), nz(p.namespace()), nz(p.infraImage()), nz(p.infraCommand()),
                p.enablePortReservation(), p.label(), p.numLocks(), stateType(p.stateType()), nz(p.shmLockPath()),
                lockType(p.lockType()), p.renumber(), nz(p.registriesConfigFile()),
                new RuntimeConfig.Storage(nz(s.driver()), nz(s.graphRoot()), nz(s.runRoot()), nz(s.configFile())),
                explicit, origins);
    }

    /** Where each libpod.conf key and storage setting came from, by its TOML name. */
    private Map<String, String> origins() {
        Map<String, String> origins = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            origins.put(key.toml(), originOf(key.property()));
        }
        origins.put("storage.driver", originOf("libpod.storage.driver"));
        origins.put("storage.graphroot", originOf("libpod.storage.graph-root"));
        origins.put("storage.runroot", originOf("libpod.storage.run-root"));
        return origins;
    }

    private record RuntimeChoice(String runtime, Map<String, List<String>> runtimes) {}

    /**
     * The OCI runtime and the table of runtimes, with a deprecated {@code runtime_path} converted
     * into both (and {@code origins} saying so).
     */
    private static RuntimeChoice runtimeChoice(LibpodProperties p, Map<String, String> origins, boolean root) {
        String runtime = p.runtime();
        Map<String, List<String>> runtimes = new TreeMap<>();
        if (p.runtimes() != null) {
            p.runtimes().forEach((k, v) -> runtimes.put(k, new ArrayList<>(v)));
        }
        List<String> runtimePath = nonNull(p.runtimePath());
        // An explicit runtime option clears runtime_path, as libpod's WithOCIRuntime did.
        boolean runtimeOptionWins = isOption(origins.get("runtime")) && !isOption(origins.get("runtime_path"));
        if (!runtimePath.isEmpty() && !runtimeOptionWins) {
            if (root) {
                LOG.warn("The configuration is using `runtime_path`, which is deprecated and will be removed in "
                        + "future. Please use `runtimes` and `runtime`");
                LOG.warn("The configuration is using `runtime_path`, and `runtime_path` overrides `runtime`");
            }
            runtime = Path.of(runtimePath.get(0)).getFileName().toString();
            runtimes.clear();
            runtimes.put(runtime, new ArrayList<>(runtimePath));
            origins.put("runtime", origins.get("runtime_path") + " (converted from runtime_path)");
            origins.put("runtimes", origins.get("runtime_path") + " (converted from runtime_path)");
        }
        return new RuntimeChoice(runtime, runtimes);
    }

    /** libpod's "explicitly set" flags: an explicit path wins over the one stored in the database. */
    private static Set<RuntimeConfig.Explicit> explicit(Map<String, String> origins) {
        Set<RuntimeConfig.Explicit> explicit = EnumSet.noneOf(RuntimeConfig.Explicit.class);
        if (isOption(origins.get("storage.graphroot"))) {
            explicit.add(RuntimeConfig.Explicit.GRAPH_ROOT);
            // libpod's WithStorageConfig derived (and marked) the static dir and volume path from the graph root.
            explicit.add(RuntimeConfig.Explicit.STATIC_DIR);
            explicit.add(RuntimeConfig.Explicit.VOLUME_PATH);
        }
        if (isOption(origins.get("storage.runroot"))) {
            explicit.add(RuntimeConfig.Explicit.RUN_ROOT);
        }
        if (isOption(origins.get("storage.driver"))) {
            explicit.add(RuntimeConfig.Explicit.GRAPH_DRIVER);
        }
        if (isSet(origins.get("static_dir"))) {
            explicit.add(RuntimeConfig.Explicit.STATIC_DIR);
        }
        if (isSet(origins.get("tmp_dir"))) {
            explicit.add(RuntimeConfig.Explicit.TMP_DIR);
        }
        if (isSet(origins.get("volume_path"))) {
            explicit.add(RuntimeConfig.Explicit.VOLUME_PATH);
        }
        return explicit;
    }

    static String lockType(String value) {
        String v = nz(value).toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && !v.equals("shm") && !v.equals("memory")) {
            throw new ConfigException("unknown lock type \"" + value + "\" (libpod.lock-type must be shm, memory, "
                    + "or empty to choose shm unless the state is in memory or /dev/shm is missing)");
        }
        return v;
    }

    static RuntimeConfig.StateType stateType(String value) {
        try {
            return RuntimeConfig.StateType.valueOf(nz(value).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("unrecognized state type passed: \"" + value
                    + "\" (libpod.state-type must be sqlite or memory)");
        }
    }

    private static void check(ConfigKey key, Object value, Map<String, String> origins) {
        ValueRules.check(key, value).ifPresent(problem -> {
            throw new ConfigException(problem + " (set by " + origins.get(key.toml()) + ", property "
                    + key.property() + ")");
        });
    }

    /** Set in a libpod.conf or by an option (storage.conf does not count, as in libpod). */
    private static boolean isSet(String origin) {
        return origin.startsWith("file ") || isOption(origin);
    }

    private static boolean isOption(String origin) {
        return origin.startsWith("option ");
    }

    /** Where the highest-precedence value of {@code property} comes from. */
    String originOf(String property) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            ConfigurationProperty direct = source.getConfigurationProperty(name);
            ConfigurationProperty found = direct;
            if (found == null && source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                found = firstDescendant(source, name);
                if (found == null) {
                    continue;
                }
            }
            if (found == null) {
                continue;
            }
            Object underlying = source.getUnderlyingSource();
            String sourceName = underlying instanceof PropertySource<?> ps ? ps.getName() : String.valueOf(underlying);
            return describe(sourceName, found.getOrigin());
        }
        return DEFAULT;
    }

    private static ConfigurationProperty firstDescendant(ConfigurationPropertySource source,
            ConfigurationPropertyName name) {
        ConfigurationProperty p = source.getConfigurationProperty(name.append("[0]"));
        if (p != null) {
            return p;
        }
        if (source instanceof Iterable<?> names) {
            for (Object n : names) {
                if (n instanceof ConfigurationPropertyName child && name.isAncestorOf(child)) {
                    return source.getConfigurationProperty(child);
                }
            }
        }
        return null;
    }

    private static String describe(String sourceName, Origin found) {
        // Spring wraps a source's own origin in a PropertySourceOrigin; the file and line are inside.
        Origin origin = found instanceof PropertySourceOrigin pso && pso.getOrigin() != null ? pso.getOrigin() : found;
        if (BuiltinDefaults.SOURCE_NAME.equals(sourceName)) {
            return DEFAULT;
        }
        if (LibpodConfigEnvironmentPostProcessor.FILE_SOURCE.equals(sourceName)
                || LibpodConfigEnvironmentPostProcessor.STORAGE_SOURCE.equals(sourceName)) {
            String kind = LibpodConfigEnvironmentPostProcessor.FILE_SOURCE.equals(sourceName) ? "file " : "storage.conf ";
            if (origin instanceof TextResourceOrigin t && t.getResource() != null) {
                String path = t.getResource().getDescription().replaceFirst("^file \\[(.*)]$", "$1");
                return kind + path + (t.getLocation() != null ? " line " + (t.getLocation().getLine() + 1) : "");
            }
            return kind.trim();
        }
        if (origin instanceof TextResourceOrigin t && t.getResource() != null && t.getLocation() != null) {
            return "option " + t.getResource().getDescription() + " line " + (t.getLocation().getLine() + 1);
        }
        return "option " + sourceName;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? new ArrayList<>() : new ArrayList<>(l);
    }
}
