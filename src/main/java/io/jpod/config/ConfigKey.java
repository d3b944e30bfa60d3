package io.jpod.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every key of the seed (2019) libpod.conf, with its TOML name and value kind. The Spring property
 * name is {@code libpod.} plus the TOML name with dashes, so {@code static_dir} binds from
 * {@code libpod.static-dir}.
 */
public enum ConfigKey {
    VOLUME_PATH("volume_path", Kind.STRING),
    IMAGE_DEFAULT_TRANSPORT("image_default_transport", Kind.STRING),
    SIGNATURE_POLICY_PATH("signature_policy_path", Kind.STRING),
    RUNTIME("runtime", Kind.STRING),
    RUNTIMES("runtimes", Kind.TABLE_OF_LISTS),
    RUNTIME_PATH("runtime_path", Kind.STRING_LIST),
    CONMON_PATH("conmon_path", Kind.STRING_LIST),
    CONMON_ENV_VARS("conmon_env_vars", Kind.STRING_LIST),
    CGROUP_MANAGER("cgroup_manager", Kind.STRING),
    INIT_PATH("init_path", Kind.STRING),
    STATIC_DIR("static_dir", Kind.STRING),
    TMP_DIR("tmp_dir", Kind.STRING),
    MAX_LOG_SIZE("max_log_size", Kind.INTEGER),
    NO_PIVOT_ROOT("no_pivot_root", Kind.BOOLEAN),
    CNI_CONFIG_DIR("cni_config_dir", Kind.STRING),
    CNI_PLUGIN_DIR("cni_plugin_dir", Kind.STRING_LIST),
    CNI_DEFAULT_NETWORK("cni_default_network", Kind.STRING),
    HOOKS_DIR("hooks_dir", Kind.STRING_LIST),
    NAMESPACE("namespace", Kind.STRING),
    INFRA_IMAGE("infra_image", Kind.STRING),
    INFRA_COMMAND("infra_command", Kind.STRING),
    ENABLE_PORT_RESERVATION("enable_port_reservation", Kind.BOOLEAN),
    LABEL("label", Kind.BOOLEAN),
    NUM_LOCKS("num_locks", Kind.INTEGER);

    /** The TOML value kinds libpod.conf uses. */
    public enum Kind {
        STRING("a string"),
        STRING_LIST("an array of strings"),
        BOOLEAN("a boolean"),
        INTEGER("an integer"),
        TABLE_OF_LISTS("a table of string arrays");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Map<String, ConfigKey> BY_TOML =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ConfigKey::toml, Function.identity()));

    private final String toml;
    private final Kind kind;

    ConfigKey(String toml, Kind kind) {
        this.toml = toml;
        this.kind = kind;
    }

    public String toml() {
        return toml;
    }

    public Kind kind() {
        return kind;
    }

    /** Spring property name, e.g. {@code libpod.static-dir}. */
    public String property() {
        return "libpod." + toml.replace('_', '-');
    }

    public static Optional<ConfigKey> byToml(String toml) {
        return Optional.ofNullable(BY_TOML.get(toml));
    }
}
