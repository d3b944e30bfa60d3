package io.jpod.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * Puts the libpod.conf hierarchy under Spring's own property sources, so that application
 * properties, {@code LIBPOD_*}/{@code JPOD_*} environment variables and command-line options win
 * over the file, as libpod's runtime options won over it. Order, lowest first: built-in defaults;
 * storage.conf; ONE libpod.conf (libpod never merged files); the environment aliases; Spring's own.
 */
public class LibpodConfigEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String FILE_SOURCE = "libpodConfigFile";
    public static final String STORAGE_SOURCE = "storageConfigFile";
    public static final String ENV_ALIAS_SOURCE = "libpodEnvironmentAliases";

    /** Keys a rootless user without a libpod.conf of their own takes from the global file. */
    static final Set<ConfigKey> ROOTLESS_CHERRY_PICK = EnumSet.of(ConfigKey.CONMON_PATH, ConfigKey.CONMON_ENV_VARS,
            ConfigKey.RUNTIMES, ConfigKey.RUNTIME_PATH, ConfigKey.CNI_PLUGIN_DIR, ConfigKey.NO_PIVOT_ROOT);

    private final Log log;

    public LibpodConfigEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(LibpodConfigEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        // After config data (application.properties) so that file paths set there are seen.
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        MutablePropertySources sources = env.getPropertySources();
        if (sources.contains(BuiltinDefaults.SOURCE_NAME)) {
            return;
        }
        addEnvironmentAliases(sources);
        HostIdentity who = identityOf(env);
        sources.addLast(new MapPropertySource(BuiltinDefaults.SOURCE_NAME, BuiltinDefaults.properties(who)));

        ConfigFileSource file = loadLibpodConf(env, who);
        sources.addBefore(BuiltinDefaults.SOURCE_NAME, file);
        file.unknownKeys().ifPresent(unknown -> log.warn("Ignoring unknown keys in " + file.path() + ": " + unknown));

        Path storageConf = Path.of(env.getProperty("libpod.storage.config-file"));
        if (Files.isRegularFile(storageConf)) {
            sources.addBefore(BuiltinDefaults.SOURCE_NAME,
                    new OriginTrackedMapPropertySource(STORAGE_SOURCE, StorageConfFile.properties(storageConf)));
        }
    }

    /** The identity to configure for; {@code jpod.host.*} properties stand in for the real one in tests. */
    public static HostIdentity identityOf(ConfigurableEnvironment env) {
        HostIdentity real = HostIdentity.current();
        Binder binder = Binder.get(env);
        int euid = binder.bind("jpod.host.euid", Integer.class).orElse(real.euid());
        Path home = binder.bind("jpod.host.home", String.class).map(Path::of).orElse(real.home());
        Map<String, String> vars = new HashMap<>(real.env());
        vars.putAll(binder.bind("jpod.host.env", Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
        return new HostIdentity(euid, home, vars);
    }

    private ConfigFileSource loadLibpodConf(ConfigurableEnvironment env, HostIdentity who) {
        String explicit = env.getProperty("libpod.config-file");
        if (explicit != null && !explicit.isEmpty()) {
            Path path = Path.of(explicit);
            if (!Files.exists(path)) {
                throw new io.jpod.error.ConfigException(
                        "error checking existence of configuration file " + path + ": no such file "
                                + "(libpod.config-file must name an existing libpod.conf)");
            }
            LibpodConfFile conf = LibpodConfFile.read(path);
            return new ConfigFileSource(ConfigFileSource.Mode.CONFIG_FILE, conf, conf.toProperties());
        }
        Path system = Path.of(env.getProperty("libpod.system-config-file"));
        Path vendor = Path.of(env.getProperty("libpod.vendor-config-file"));
        if (who.rootless()) {
            Path user = Path.of(env.getProperty("libpod.user-config-file"));
            if (Files.exists(user)) {
                LibpodConfFile conf = LibpodConfFile.read(user);
                return new ConfigFileSource(ConfigFileSource.Mode.USER, conf, conf.toProperties());
            }
            for (Path global : new Path[] {system, vendor}) {
                if (Files.isReadable(global)) {
                    LibpodConfFile conf = LibpodConfFile.read(global);
                    return new ConfigFileSource(
                            ConfigFileSource.Mode.ROOTLESS_GLOBAL, conf, conf.toProperties(ROOTLESS_CHERRY_PICK));
                }
            }
            return ConfigFileSource.none(true);
        }
        for (Path candidate : new Path[] {system, vendor}) {
            if (Files.exists(candidate)) {
                LibpodConfFile conf = LibpodConfFile.read(candidate);
                return new ConfigFileSource(ConfigFileSource.Mode.SYSTEM, conf, conf.toProperties());
            }
        }
        return ConfigFileSource.none(false);
    }

    /**
     * {@code LIBPOD_STATIC_DIR} and {@code JPOD_STATIC_DIR} mean {@code libpod.static-dir}; Spring's
     * own relaxed rule would want {@code LIBPOD_STATICDIR}, which keeps working too.
     */
    private static void addEnvironmentAliases(MutablePropertySources sources) {
        Map<String, Object> aliases = new LinkedHashMap<>();
        var systemEnv = sources.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        Map<?, ?> vars = systemEnv != null && systemEnv.getSource() instanceof Map<?, ?> m ? m : Map.of();
        vars.forEach((key, raw) -> {
            String name = String.valueOf(key);
            Object value = raw;
            String rest = name.startsWith("LIBPOD_") ? name.substring(7)
                    : name.startsWith("JPOD_") ? name.substring(5) : null;
            if (rest == null || rest.isEmpty()) {
                return;
            }
            String prop = rest.toLowerCase(Locale.ROOT);
            prop = prop.startsWith("storage_") ? "storage." + prop.substring(8) : prop;
            aliases.put("libpod." + prop.replace('_', '-'), value);
        });
        MapPropertySource source = new MapPropertySource(ENV_ALIAS_SOURCE, aliases);
        if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, source);
        } else {
            sources.addLast(source);
        }
    }
}
