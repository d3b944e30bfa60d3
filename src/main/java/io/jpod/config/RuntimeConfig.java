package io.jpod.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The effective runtime configuration, libpod's {@code RuntimeConfig}. Collections are plain mutable
 * ones, as in libpod, which is why the runtime only ever hands out {@link #deepCopy()}.
 *
 * @param explicit which of the DB-checked settings the admin set (file or option) rather than defaulted
 * @param origins per TOML key (and {@code storage.*}), where its value came from
 */
public record RuntimeConfig(
        String volumePath,
        String imageDefaultTransport,
        String signaturePolicyPath,
        String runtime,
        Map<String, List<String>> runtimes,
        List<String> conmonPath,
        List<String> conmonEnvVars,
        String cgroupManager,
        String initPath,
        String staticDir,
        String tmpDir,
        long maxLogSize,
        boolean noPivotRoot,
        String cniConfigDir,
        List<String> cniPluginDir,
        String cniDefaultNetwork,
        List<String> hooksDir,
        String namespace,
        String infraImage,
        String infraCommand,
        boolean enablePortReservation,
        boolean label,
        long numLocks,
        StateType stateType,
        String shmLockPath,
        String lockType,
        boolean renumber,
        String registriesConfigFile,
        Storage storage,
        Set<Explicit> explicit,
        Map<String, String> origins) {

    /** The state backends. */
    public enum StateType {
        SQLITE,
        MEMORY
    }

    /** Settings whose "explicitly set" status decides whether the database may replace them. */
    public enum Explicit {
        STATIC_DIR,
        TMP_DIR,
        VOLUME_PATH,
        GRAPH_ROOT,
        RUN_ROOT,
        GRAPH_DRIVER
    }

    /** Storage settings (containers/storage StoreOptions subset). */
    public record Storage(String driver, String graphRoot, String runRoot, String configFile) {}

    /** A copy sharing no mutable state with this one. */
    public RuntimeConfig deepCopy() {
        Map<String, List<String>> rt = new TreeMap<>();
        runtimes.forEach((k, v) -> rt.put(k, new ArrayList<>(v)));
        return new RuntimeConfig(volumePath, imageDefaultTransport, signaturePolicyPath, runtime, rt,
                new ArrayList<>(conmonPath), new ArrayList<>(conmonEnvVars), cgroupManager, initPath, staticDir,
                tmpDir, maxLogSize, noPivotRoot, cniConfigDir, new ArrayList<>(cniPluginDir), cniDefaultNetwork,
                new ArrayList<>(hooksDir), namespace, infraImage, infraCommand, enablePortReservation, label,
                numLocks, stateType, shmLockPath, lockType, renumber, registriesConfigFile, storage,
                explicit.isEmpty() ? EnumSet.noneOf(Explicit.class) : EnumSet.copyOf(explicit),
                new LinkedHashMap<>(origins));
    }

    /** The libpod.conf keys and values of this config, by TOML name (as written back for rootless users). */
    public Map<String, Object> tomlValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volume_path", volumePath);
        m.put("image_default_transport", imageDefaultTransport);
        if (!signaturePolicyPath.isEmpty()) {
            m.put("signature_policy_path", signaturePolicyPath);
        }
        m.put("runtime", runtime);
        m.put("conmon_path", conmonPath);
        m.put("conmon_env_vars", conmonEnvVars);
        m.put("cgroup_manager", cgroupManager);
        m.put("init_path", initPath);
        m.put("static_dir", staticDir);
        m.put("tmp_dir", tmpDir);
        m.put("max_log_size", maxLogSize);
        m.put("no_pivot_root", noPivotRoot);
        m.put("cni_config_dir", cniConfigDir);
        m.put("cni_plugin_dir", cniPluginDir);
        if (!cniDefaultNetwork.isEmpty()) {
            m.put("cni_default_network", cniDefaultNetwork);
        }
        m.put("hooks_dir", hooksDir);
        if (!namespace.isEmpty()) {
            m.put("namespace", namespace);
        }
        m.put("infra_image", infraImage);
        m.put("infra_command", infraCommand);
        m.put("enable_port_reservation", enablePortReservation);
        m.put("label", label);
        m.put("num_locks", numLocks);
        m.put("runtimes", runtimes);
        return m;
    }

    /** Every effective setting by its key: the libpod.conf keys plus storage, state and lock settings. */
    public Map<String, Object> effectiveValues() {
        Map<String, Object> values = new LinkedHashMap<>(tomlValues());
        values.put("storage.driver", storage.driver());
        values.put("storage.graphroot", storage.graphRoot());
        values.put("storage.runroot", storage.runRoot());
        values.put("state_type", stateType.name().toLowerCase(java.util.Locale.ROOT));
        values.put("shm_lock_path", shmLockPath);
        return values;
    }

    /** This config with the database's values for the given settings (libpod's reset-if-not-explicit). */
    public RuntimeConfig withPaths(String newStaticDir, String newTmpDir, String newVolumePath, Storage newStorage,
            Map<String, String> newOrigins) {
        return new RuntimeConfig(newVolumePath, imageDefaultTransport, signaturePolicyPath, runtime, runtimes,
                conmonPath, conmonEnvVars, cgroupManager, initPath, newStaticDir, newTmpDir, maxLogSize, noPivotRoot,
                cniConfigDir, cniPluginDir, cniDefaultNetwork, hooksDir, namespace, infraImage, infraCommand,
                enablePortReservation, label, numLocks, stateType, shmLockPath, lockType, renumber, registriesConfigFile,
                newStorage, explicit, newOrigins);
    }

    /** This config with another cgroup manager (the systemd fallback). */
    public RuntimeConfig withCgroupManager(String manager, String origin) {
        Map<String, String> o = new LinkedHashMap<>(origins);
        o.put("cgroup_manager", origin);
        return new RuntimeConfig(volumePath, imageDefaultTransport, signaturePolicyPath, runtime, runtimes,
                conmonPath, conmonEnvVars, manager, initPath, staticDir, tmpDir, maxLogSize, noPivotRoot,
                cniConfigDir, cniPluginDir, cniDefaultNetwork, hooksDir, namespace, infraImage, infraCommand,
                enablePortReservation, label, numLocks, stateType, shmLockPath, lockType, renumber, registriesConfigFile,
                storage, explicit, o);
    }

    public boolean isExplicit(Explicit e) {
        return explicit.contains(e);
    }
}
