package io.jpod.api.wire;

import io.jpod.state.ResourceLimits;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The resource fields of an inspected container's {@code HostConfig}, in Docker's shape (libpod's is
 * the same but for the ulimits' names): 0 where nothing is set, the defaults jpod applies (pids
 * limit, /dev/shm size) where they apply. Unwrapped into the adapters' HostConfig records.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ResourcesView(long memory, long memorySwap, long memoryReservation, Long memorySwappiness,
        boolean oomKillDisable, long nanoCpus, long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus,
        String cpusetMems, long pidsLimit, List<Ulimit> ulimits, int blkioWeight, long shmSize, int oomScoreAdj,
        String cgroupParent, long kernelMemory, long cpuRealtimePeriod, long cpuRealtimeRuntime,
        List<Object> blkioWeightDevice, List<Object> blkioDeviceReadBps, List<Object> blkioDeviceWriteBps,
        List<Object> blkioDeviceReadIOps, List<Object> blkioDeviceWriteIOps) {

    /** podman's containers.conf pids_limit, which jpod applies too. */
    static final long DEFAULT_PIDS = 2048;
    static final long DEFAULT_SHM = 64L << 20;

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record Ulimit(String name, long soft, long hard) {}

    /** @param libpod ulimits named as podman does ({@code RLIMIT_NOFILE}), else as Docker ({@code nofile}) */
    public static ResourcesView of(ResourceLimits r, boolean libpod) {
        ResourceLimits l = r == null ? ResourceLimits.NONE : r;
        List<Ulimit> ulimits = l.ulimits().stream()
                .map(u -> new Ulimit(libpod ? "RLIMIT_" + u.name().toUpperCase() : u.name(), u.soft(), u.hard()))
                .toList();
        long pids = l.pidsLimit() == null ? DEFAULT_PIDS : l.pidsLimit() == -1 ? 0 : l.pidsLimit();
        long nano = n(l.nanoCpus());
        if (libpod && nano == 0 && n(l.cpuQuota()) > 0 && n(l.cpuPeriod()) > 0) {
            nano = l.cpuQuota() * 1_000_000_000L / l.cpuPeriod(); // podman shows --cpus, which its client sends as both
        }
        return new ResourcesView(n(l.memory()), n(l.memorySwap()), n(l.memoryReservation()), l.memorySwappiness(),
                Boolean.TRUE.equals(l.oomKillDisable()), nano, n(l.cpuShares()), n(l.cpuPeriod()),
                n(l.cpuQuota()), l.cpusetCpus() == null ? "" : l.cpusetCpus(),
                l.cpusetMems() == null ? "" : l.cpusetMems(), pids, ulimits,
                l.blkioWeight() == null ? 0 : l.blkioWeight(), l.shmSize() == null ? DEFAULT_SHM : l.shmSize(),
                l.oomScoreAdj() == null ? 0 : l.oomScoreAdj(), "", 0, 0, 0, List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }
}
