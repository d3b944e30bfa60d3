package io.jpod.runtime;

import io.jpod.config.HostIdentity;
import java.nio.file.Path;

/**
 * The host-facing inputs of the runtime that tests may redirect.
 *
 * @param identity who the daemon runs as
 * @param procRoot normally {@code /proc}
 * @param etcRoot normally {@code /etc}
 * @param cgroupRoot normally {@code /sys/fs/cgroup}
 * @param userConfigFile rootless per-user libpod.conf, written back after start when it was missing
 * @param writeBackUserConfig whether that write-back is due
 * @param configFile the libpod.conf in use, or null
 */
public record RuntimeEnvironment(HostIdentity identity, Path procRoot, Path etcRoot, Path cgroupRoot,
        Path userConfigFile, boolean writeBackUserConfig, Path configFile) {}
