package io.jpod.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One reading of a container's counters, as the kernel keeps them: CPU and block I/O are totals since
 * the container started, memory and PIDs are now. Times are nanoseconds. A stopped container's
 * reading is {@link #EMPTY}.
 *
 * @param read when it was read ({@link Instant#EPOCH} for the empty one)
 * @param systemCpu the host's CPU time since boot (all CPUs, /proc/stat), Docker's {@code system_cpu_usage}
 * @param onlineCpus the host's CPUs
 * @param networks per interface of the container's network namespace, loopback left out
 */
public record CgroupSample(Instant read, Cpu cpu, Memory memory, Pids pids, List<BlkioEntry> blkio,
        Map<String, Network> networks, long systemCpu, int onlineCpus) {

    public static final CgroupSample EMPTY = new CgroupSample(Instant.EPOCH, Cpu.NONE, Memory.NONE, Pids.NONE,
            List.of(), Map.of(), 0, 0);

    public CgroupSample {
        blkio = List.copyOf(blkio);
        networks = Map.copyOf(networks);
    }

    public boolean isEmpty() {
        return read.equals(Instant.EPOCH);
    }

    /** Bytes read from block devices, all of them. */
    public long blockRead() {
        return blkio.stream().filter(e -> e.op().equalsIgnoreCase("read")).mapToLong(BlkioEntry::value).sum();
    }

    public long blockWritten() {
        return blkio.stream().filter(e -> e.op().equalsIgnoreCase("write")).mapToLong(BlkioEntry::value).sum();
    }

    public long rxBytes() {
        return networks.values().stream().mapToLong(Network::rxBytes).sum();
    }

    public long txBytes() {
        return networks.values().stream().mapToLong(Network::txBytes).sum();
    }

    /**
     * @param total CPU time of all the container's tasks
     * @param perCpu the same per CPU (empty on cgroup v2, which does not keep it)
     */
    public record Cpu(long total, List<Long> perCpu, long kernel, long user, long periods, long throttledPeriods,
            long throttledTime) {
        public static final Cpu NONE = new Cpu(0, List.of(), 0, 0, 0, 0, 0);

        public Cpu {
            perCpu = List.copyOf(perCpu);
        }
    }

    /**
     * @param limit the cgroup's limit, or the host's memory when that is less (an unlimited cgroup)
     * @param stats the controller's {@code memory.stat}, as its keys say
     */
    public record Memory(long usage, long maxUsage, long limit, Map<String, Long> stats) {
        public static final Memory NONE = new Memory(0, 0, 0, Map.of());

        public Memory {
            stats = Map.copyOf(stats);
        }

        /** What the container itself uses: the page cache it could give back left out, as the docker CLI counts. */
        public long workingSet() {
            Long inactive = stats.containsKey("total_inactive_file") ? stats.get("total_inactive_file")
                    : stats.get("inactive_file");
            return inactive != null && inactive < usage ? usage - inactive : usage;
        }
    }

    /** @param limit 0 when unlimited */
    public record Pids(long current, long limit) {
        public static final Pids NONE = new Pids(0, 0);
    }

    /** One line of the block I/O counters: bytes of {@code op} (Read, Write, ...) on device major:minor. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    public record Network(long rxBytes, long rxPackets, long rxErrors, long rxDropped, long txBytes, long txPackets,
            long txErrors, long txDropped) {}
}
