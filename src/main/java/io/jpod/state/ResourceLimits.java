package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A container's resource limits (Docker's HostConfig resource fields, libpod's {@code resource_limits}),
 * in Docker's units: bytes, nano-CPUs, CFS microseconds. A null field is not set: the engine's default.
 * In a create or update request the same record says what the client asks for; stored, it is checked
 * and normalised (a memory limit's swap resolved).
 *
 * @param memorySwap memory plus swap, -1 for unlimited swap
 * @param memorySwappiness 0 to 100
 * @param nanoCpus CPUs × 10⁹ ({@code --cpus}); exclusive with {@link #cpuQuota}/{@link #cpuPeriod}
 * @param pidsLimit -1 for unlimited
 * @param ulimits by name without {@code RLIMIT_} ({@code nofile}); -1 is unlimited
 * @param shmSize the size of the container's /dev/shm tmpfs
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResourceLimits(Long memory, Long memorySwap, Long memoryReservation, Long memorySwappiness,
        Boolean oomKillDisable, Long nanoCpus, Long cpuShares, Long cpuPeriod, Long cpuQuota, String cpusetCpus,
        String cpusetMems, Long pidsLimit, List<Ulimit> ulimits, Integer blkioWeight, Long shmSize,
        Integer oomScoreAdj) {

    public static final ResourceLimits NONE = new ResourceLimits(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);

    public ResourceLimits {
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
    }

    /** One rlimit of the container's process. */
    public record Ulimit(String name, long soft, long hard) {}
}
