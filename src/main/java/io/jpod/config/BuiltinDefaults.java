package io.jpod.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jpod's built-in defaults, as Spring properties at the lowest precedence. They follow the seed
 * libpod's table, except that every root is jpod's own ({@code /var/lib/jpod}, {@code /run/jpod},
 * {@code /jpod_lock}) so jpod never touches an installed podman's storage or locks. The static dir
 * and volume path follow the graph root by placeholder, as libpod derived them from it.
 */
public final class BuiltinDefaults {

    public static final String SOURCE_NAME = "libpodBuiltinDefaults";

    public static final List<String> RUNC_PATHS = List.of(
            "/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc", "/usr/local/sbin/runc",
            "/sbin/runc", "/bin/runc", "/usr/lib/cri-o-runc/sbin/runc");
    public static final List<String> CRUN_PATHS = List.of(
            "/usr/bin/crun", "/usr/sbin/crun", "/usr/local/bin/crun", "/usr/local/sbin/crun", "/sbin/crun", "/bin/crun");
    public static final List<String> CONMON_PATHS = List.of(
            "/usr/libexec/podman/conmon", "/usr/libexec/crio/conmon", "/usr/local/lib/podman/conmon",
            "/usr/local/libexec/crio/conmon", "/usr/bin/conmon", "/usr/sbin/conmon", "/usr/lib/crio/bin/conmon");
    public static final List<String> CNI_PLUGIN_DIRS =
            List.of("/usr/libexec/cni", "/usr/lib/cni", "/usr/local/lib/cni", "/opt/cni/bin");

    private BuiltinDefaults() {}

    /** Default properties for this identity (root or rootless). */
    public static Map<String, Object> properties(HostIdentity who) {
        Map<String, Object> p = new LinkedHashMap<>();
        Path runtimeDir = who.rootless() ? who.rootlessRuntimeDir() : null;
        storage(p, who, runtimeDir);
        libpod(p, who, runtimeDir);
        jpod(p, who);
        return p;
    }

    /** containers/storage's storage.conf keys; the defaults are jpod's own roots. */
    private static void storage(Map<String, Object> p, HostIdentity who, Path runtimeDir) {
        boolean rootless = who.rootless();
        p.put("libpod.storage.driver", "overlay");
        p.put("libpod.storage.graph-root",
                rootless ? who.dataHome().resolve("jpod/storage").toString() : "/var/lib/jpod/storage");
        p.put("libpod.storage.run-root",
                rootless ? runtimeDir.resolve("jpod/storage").toString() : "/run/jpod/storage");
        p.put("libpod.storage.config-file",
                rootless ? who.configHome().resolve("jpod/storage.conf").toString() : "/etc/jpod/storage.conf");
    }

    /** libpod.conf's keys, with libpod's defaults. */
    private static void libpod(Map<String, Object> p, HostIdentity who, Path runtimeDir) {
        boolean rootless = who.rootless();
        p.put(ConfigKey.VOLUME_PATH.property(), "${libpod.storage.graph-root}/volumes");
        p.put(ConfigKey.IMAGE_DEFAULT_TRANSPORT.property(), "docker://");
        Path policy = who.configHome().resolve("containers/policy.json");
        p.put(ConfigKey.SIGNATURE_POLICY_PATH.property(), rootless && Files.exists(policy) ? policy.toString() : "");
        p.put(ConfigKey.RUNTIME.property(), "runc");
        putList(p, ConfigKey.RUNTIMES.property() + "[runc]", RUNC_PATHS);
        putList(p, ConfigKey.RUNTIMES.property() + "[crun]", CRUN_PATHS);
        p.put(ConfigKey.RUNTIME_PATH.property(), "");
        putList(p, ConfigKey.CONMON_PATH.property(), CONMON_PATHS);
        putList(p, ConfigKey.CONMON_ENV_VARS.property(),
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        p.put(ConfigKey.CGROUP_MANAGER.property(), "systemd");
        p.put(ConfigKey.INIT_PATH.property(), "/usr/libexec/podman/catatonit");
        p.put(ConfigKey.STATIC_DIR.property(), "${libpod.storage.graph-root}/libpod");
        p.put(ConfigKey.TMP_DIR.property(),
                rootless ? runtimeDir.resolve("jpod/libpod/tmp").toString() : "/run/jpod/libpod");
        p.put(ConfigKey.MAX_LOG_SIZE.property(), -1L);
        p.put(ConfigKey.NO_PIVOT_ROOT.property(), false);
        p.put(ConfigKey.CNI_CONFIG_DIR.property(), "/etc/jpod/cni/net.d/");
        putList(p, ConfigKey.CNI_PLUGIN_DIR.property(), CNI_PLUGIN_DIRS);
        p.put(ConfigKey.CNI_DEFAULT_NETWORK.property(), "");
        p.put(ConfigKey.HOOKS_DIR.property(), "");
        p.put(ConfigKey.NAMESPACE.property(), "");
        p.put(ConfigKey.INFRA_IMAGE.property(), "k8s.gcr.io/pause:3.1");
        p.put(ConfigKey.INFRA_COMMAND.property(), "/pause");
        p.put(ConfigKey.ENABLE_PORT_RESERVATION.property(), true);
        p.put(ConfigKey.LABEL.property(), true);
        p.put(ConfigKey.NUM_LOCKS.property(), 2048L);
    }

    /** jpod's own settings. */
    private static void jpod(Map<String, Object> p, HostIdentity who) {
        boolean rootless = who.rootless();
        p.put("libpod.state-type", "sqlite");
        // libpod's hierarchy in jpod's own directories: Debian's podman package ships an
        // /etc/containers/libpod.conf (runtime crun, tmp_dir /var/run/libpod) that must not steer jpod.
        p.put("libpod.system-config-file", "/etc/jpod/libpod.conf");
        p.put("libpod.vendor-config-file", "/usr/share/jpod/libpod.conf");
        p.put("libpod.user-config-file", who.configHome().resolve("jpod/libpod.conf").toString());
        p.put("libpod.registries-config-file", "/etc/containers/registries.conf");
        p.put("libpod.shm-lock-path", rootless ? "/jpod_rootless_lock_" + who.euid() : "/jpod_lock");
        p.put("libpod.lock-type", "");
        p.put("libpod.renumber", false);
    }

    private static void putList(Map<String, Object> p, String name, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            p.put(name + "[" + i + "]", values.get(i));
        }
    }
}
