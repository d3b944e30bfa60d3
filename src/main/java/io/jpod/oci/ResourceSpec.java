package io.jpod.oci;

import java.math.BigInteger;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A container's limits in OCI terms: the cgroup values of {@code linux.resources} (also what
 * {@code runc update} takes), the process's rlimits, its OOM score and its /dev/shm size. A null
 * value is not set.
 *
 * @param memorySwap memory plus swap, -1 unlimited
 * @param cpuQuota CFS quota in µs per {@code cpuPeriod}, -1 unlimited
 * @param pids -1 unlimited; null for the spec's default
 * @param rlimits replace the defaults of the same type
 * @param shmSize bytes of the tmpfs at /dev/shm when runc makes it (rootless)
 */
public record ResourceSpec(Long memory, Long memoryReservation, Long memorySwap, Long swappiness,
        Boolean disableOomKiller, Long cpuShares, Long cpuQuota, Long cpuPeriod, String cpus, String mems, Long pids,
        Integer blkioWeight, List<Rlimit> rlimits, Integer oomScoreAdj, Long shmSize) {

    public static final ResourceSpec NONE = new ResourceSpec(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null);

    public ResourceSpec {
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    }

    /** One rlimit; -1 stands for unlimited ({@code RLIM_INFINITY}). */
    public record Rlimit(String type, long soft, long hard) {}

    /** Adds the cgroup values to an OCI {@code LinuxResources} object (memory, cpu, pids, blockIO). */
    public void writeTo(ObjectNode resources) {
        ObjectNode mem = resources.objectNode();
        put(mem, "limit", memory);
        put(mem, "reservation", memoryReservation);
        put(mem, "swap", memorySwap);
        put(mem, "swappiness", swappiness);
        if (disableOomKiller != null) {
            mem.put("disableOOMKiller", disableOomKiller);
        }
        ObjectNode cpu = resources.objectNode();
        put(cpu, "shares", cpuShares);
        put(cpu, "quota", cpuQuota);
        put(cpu, "period", cpuPeriod);
        if (cpus != null && !cpus.isEmpty()) {
            cpu.put("cpus", cpus);
        }
        if (mems != null && !mems.isEmpty()) {
            cpu.put("mems", mems);
        }
        if (!mem.isEmpty()) {
            resources.set("memory", mem);
        }
        if (!cpu.isEmpty()) {
            resources.set("cpu", cpu);
        }
        if (pids != null) {
            resources.putObject("pids").put("limit", pids);
        }
        if (blkioWeight != null) {
            resources.putObject("blockIO").put("weight", blkioWeight);
        }
    }

    /** Adds an OCI rlimit; -1 becomes {@code RLIM_INFINITY}, which the spec holds as an unsigned 64-bit value. */
    static void rlimit(ArrayNode rlimits, String type, long soft, long hard) {
        rlimits.addObject().put("type", type).put("hard", unsigned(hard)).put("soft", unsigned(soft));
    }

    private static BigInteger unsigned(long v) {
        return v < 0 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(v);
    }

    private static void put(ObjectNode o, String name, Long v) {
        if (v != null) {
            o.put(name, v);
        }
    }
}
