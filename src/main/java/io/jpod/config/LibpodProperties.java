package io.jpod.config;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every libpod.conf key plus jpod's own settings, bound from all property sources (see
 * {@link LibpodConfigEnvironmentPostProcessor} for their order). The defaults live in
 * {@link BuiltinDefaults}, not here, because they depend on root versus rootless.
 */
@ConfigurationProperties("libpod")
public record LibpodProperties(
        String volumePath,
        String imageDefaultTransport,
        String signaturePolicyPath,
        String runtime,
        Map<String, List<String>> runtimes,
        List<String> runtimePath,
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
        String stateType,
        String configFile,
        String systemConfigFile,
        String vendorConfigFile,
        String userConfigFile,
        String registriesConfigFile,
        String shmLockPath,
        String lockType,
        boolean renumber,
        Storage storage) {

    /** containers/storage settings (storage.conf's {@code [storage]} table, overridable as properties). */
    public record Storage(String driver, String graphRoot, String runRoot, String configFile) {}
}
