package io.jpod.system;

import io.jpod.host.BinaryDiscovery;
import java.util.List;
import java.util.Map;

/** libpod's Info: host, store and registries. */
public record Info(Host host, Store store, List<String> searchRegistries, List<String> insecureRegistries) {

    /** What the host is and what the engine found on it. */
    public record Host(String os, String arch, String kernel, Map<String, String> distribution, String hostname,
            int cpus, long memTotal, long memFree, long swapTotal, long swapFree, double uptimeSeconds,
            String uptime, String cgroupVersion, String cgroupManager, boolean rootless, BinaryDiscovery conmon,
            BinaryDiscovery ociRuntime, String eventLogger, String namespace) {}

    /** Where things are stored and how many there are. */
    public record Store(String configFile, String graphDriver, String graphRoot, String runRoot, String volumePath,
            String staticDir, String tmpDir, int imageCount, int containerCount, Map<String, Integer> containersByState,
            int podCount) {}
}
