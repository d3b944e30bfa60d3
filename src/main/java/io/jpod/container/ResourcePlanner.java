package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.host.CgroupFeatures;
import io.jpod.oci.ResourceSpec;
import io.jpod.state.ResourceLimits;
import io.jpod.state.ResourceLimits.Ulimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks resource limits against what the host can enforce, fills in the defaults Docker and podman
 * apply (swap twice the memory limit), merges an update into the current limits, and turns limits
 * into their OCI form. Whatever cannot be honoured is a clear {@code INVALID_ARGUMENT}.
 */
final class ResourcePlanner {

    /** podman's default pids limit (containers.conf {@code pids_limit}). */
    static final long DEFAULT_PIDS = 2048;
    /** podman's and Docker's default /dev/shm size, 64 MiB. */
    static final long DEFAULT_SHM = 64L << 20;
    /** The smallest memory limit Docker and podman accept. */
    static final long MIN_MEMORY = 6L << 20;
    private static final long PERIOD = 100_000;

    /** /proc/self/limits' descriptions of the rlimits, by the short names Docker and podman use. */
    private static final Map<String, String> LIMIT_NAMES = Map.ofEntries(Map.entry("cpu", "Max cpu time"),
            Map.entry("fsize", "Max file size"), Map.entry("data", "Max data size"),
            Map.entry("stack", "Max stack size"), Map.entry("core", "Max core file size"),
            Map.entry("rss", "Max resident set"), Map.entry("nproc", "Max processes"),
            Map.entry("nofile", "Max open files"), Map.entry("memlock", "Max locked memory"),
            Map.entry("as", "Max address space"), Map.entry("locks", "Max file locks"),
            Map.entry("sigpending", "Max pending signals"), Map.entry("msgqueue", "Max msgqueue size"),
            Map.entry("nice", "Max nice priority"), Map.entry("rtprio", "Max realtime priority"),
            Map.entry("rttime", "Max realtime timeout"));

    private final CgroupFeatures cgroups;
    private final int cpuCount;
    /** The daemon's hard limits by short name, -1 for unlimited: a container cannot get more. */
    private final Map<String, Long> hardLimits;
    /** Rootless on cgroups v1: runc cannot write the cgroups, and would ignore the limits. */
    private final boolean noCgroups;

    ResourcePlanner(CgroupFeatures cgroups, int cpuCount, Map<String, Long> hardLimits, boolean rootless) {
        this.cgroups = cgroups;
        this.cpuCount = cpuCount;
        this.hardLimits = Map.copyOf(hardLimits);
        this.noCgroups = rootless && !cgroups.v2();
    }

    static ResourcePlanner forHost(boolean rootless) {
        return new ResourcePlanner(CgroupFeatures.read(Path.of("/sys/fs/cgroup")),
                Runtime.getRuntime().availableProcessors(), hardLimits(Path.of("/proc/self/limits")), rootless);
    }

    /** A create's limits, checked, with the defaults resolved; {@code ipcMode} as the container's security has it. */
    ResourceLimits plan(ResourceLimits asked, String ipcMode) {
        ResourceLimits r = asked == null ? ResourceLimits.NONE : asked;
        if (r.shmSize() != null && (ipcMode.equals("host") || ipcMode.startsWith("container:"))) {
            throw EngineException.invalidArgument("a /dev/shm size cannot be set for a container that shares "
                    + "another's IPC namespace (ipc " + ipcMode + "): its /dev/shm is the other's");
        }
        Long swap = r.memorySwap();
        if (r.memory() != null && swap == null && cgroups.swap()) {
            swap = 2 * r.memory(); // Docker's and podman's default: as much swap as memory
        }
        ResourceLimits out = new ResourceLimits(r.memory(), swap, r.memoryReservation(), r.memorySwappiness(),
                r.oomKillDisable(), r.nanoCpus(), r.cpuShares(), r.cpuPeriod(), r.cpuQuota(), r.cpusetCpus(),
                r.cpusetMems(), r.pidsLimit(), r.ulimits(), r.blkioWeight(), r.shmSize(), r.oomScoreAdj());
        check(out);
        return out;
    }

    /**
     * The limits after an update: each field {@code changes} sets replaces the current one. Only the
     * cgroup limits runc can change on a live container may change.
     */
    ResourceLimits merge(ResourceLimits current, ResourceLimits changes) {
        List<String> fixed = new ArrayList<>();
        if (!changes.ulimits().isEmpty()) {
            fixed.add("ulimits");
        }
        if (changes.shmSize() != null) {
            fixed.add("the /dev/shm size");
        }
        if (changes.oomScoreAdj() != null) {
            fixed.add("the OOM score adjustment");
        }
        if (changes.memorySwappiness() != null && !changes.memorySwappiness().equals(current.memorySwappiness())) {
            fixed.add("memory swappiness");
        }
        if (changes.oomKillDisable() != null && !changes.oomKillDisable().equals(current.oomKillDisable())) {
            fixed.add("the OOM killer setting");
        }
        if (!fixed.isEmpty()) {
            throw EngineException.invalidArgument(String.join(", ", fixed) + " cannot be changed on an existing "
                    + "container: create it again with the new value");
        }
        Long memory = or(changes.memory(), current.memory());
        Long swap = or(changes.memorySwap(), current.memorySwap());
        if (changes.memory() != null && changes.memorySwap() == null && swap != null && swap > 0 && memory > swap) {
            throw EngineException.invalidArgument("a memory limit of " + memory + " bytes is above the current "
                    + "memory+swap limit of " + swap + ": update the memory-swap limit at the same time");
        }
        // --cpus replaces a quota and period, and the other way round
        boolean cfs = changes.cpuQuota() != null || changes.cpuPeriod() != null;
        Long nano = changes.nanoCpus() != null ? changes.nanoCpus() : cfs ? null : current.nanoCpus();
        Long quota = changes.nanoCpus() != null ? null : or(changes.cpuQuota(), current.cpuQuota());
        Long period = changes.nanoCpus() != null ? null : or(changes.cpuPeriod(), current.cpuPeriod());
        ResourceLimits out = new ResourceLimits(memory, swap,
                or(changes.memoryReservation(), current.memoryReservation()), current.memorySwappiness(),
                current.oomKillDisable(), nano, or(changes.cpuShares(), current.cpuShares()), period, quota,
                or(changes.cpusetCpus(), current.cpusetCpus()), or(changes.cpusetMems(), current.cpusetMems()),
                or(changes.pidsLimit(), current.pidsLimit()), current.ulimits(),
                or(changes.blkioWeight(), current.blkioWeight()), current.shmSize(), current.oomScoreAdj());
        check(out);
        return out;
    }

    /** The OCI form; the pids limit stays null (the spec's default) when none was asked for. */
    static ResourceSpec spec(ResourceLimits r) {
        Long quota = r.cpuQuota();
        Long period = r.cpuPeriod();
        if (r.nanoCpus() != null && r.nanoCpus() > 0) {
            period = PERIOD;
            quota = r.nanoCpus() * PERIOD / 1_000_000_000L;
        }
        List<ResourceSpec.Rlimit> rlimits = r.ulimits().stream()
                .map(u -> new ResourceSpec.Rlimit("RLIMIT_" + u.name().toUpperCase(), u.soft(), u.hard())).toList();
        return new ResourceSpec(r.memory(), r.memoryReservation(), r.memorySwap(), r.memorySwappiness(),
                r.oomKillDisable(), r.cpuShares(), quota, period, r.cpusetCpus(), r.cpusetMems(), r.pidsLimit(),
                r.blkioWeight(), rlimits, r.oomScoreAdj(), r.shmSize());
    }

    private void check(ResourceLimits r) {
        boolean cgroupLimits = r.memory() != null || r.memorySwap() != null || r.memoryReservation() != null
                || r.memorySwappiness() != null || r.oomKillDisable() != null || r.nanoCpus() != null
                || r.cpuShares() != null || r.cpuPeriod() != null || r.cpuQuota() != null || r.cpusetCpus() != null
                || r.cpusetMems() != null || r.pidsLimit() != null || r.blkioWeight() != null;
        if (noCgroups && cgroupLimits) {
            throw bad("cgroup limits (memory, CPU, pids, block I/O) cannot be enforced for rootless containers on "
                    + "cgroups v1: only ulimits, --shm-size and --oom-score-adj apply");
        }
        checkMemory(r);
        checkCpu(r);
        if (r.pidsLimit() != null && r.pidsLimit() < -1) {
            throw bad("the pids limit must be a positive number, or -1 for none");
        }
        if (r.pidsLimit() != null && !cgroups.pids()) {
            throw bad("this host's cgroups have no pids controller: a pids limit cannot be enforced");
        }
        if (r.blkioWeight() != null) {
            if (r.blkioWeight() < 10 || r.blkioWeight() > 1000) {
                throw bad("the block I/O weight must be between 10 and 1000");
            }
            if (!cgroups.blkioWeight()) {
                throw bad("this host's block I/O cgroup offers no weight (no blkio.weight: the disk's I/O "
                        + "scheduler is not BFQ or CFQ): a block I/O weight cannot be enforced");
            }
        }
        if (r.shmSize() != null && r.shmSize() <= 0) {
            throw bad("the /dev/shm size must be a positive number of bytes");
        }
        if (r.oomScoreAdj() != null && (r.oomScoreAdj() < -1000 || r.oomScoreAdj() > 1000)) {
            throw bad("the OOM score adjustment must be between -1000 and 1000");
        }
        checkUlimits(r.ulimits());
    }

    private void checkMemory(ResourceLimits r) {
        Long mem = r.memory();
        if (mem != null && mem < MIN_MEMORY) {
            throw bad("the memory limit must be at least 6 MiB");
        }
        Long swap = r.memorySwap();
        if (swap != null) {
            if (mem == null) {
                throw bad("a memory+swap limit needs a memory limit as well");
            }
            if (swap != -1 && swap < mem) {
                throw bad("the memory+swap limit (" + swap + ") must be at least the memory limit (" + mem
                        + "), or -1 for unlimited swap");
            }
            if (!cgroups.swap()) {
                throw bad("this host's memory cgroup has no swap accounting: a memory+swap limit cannot be enforced");
            }
        }
        Long reservation = r.memoryReservation();
        if (reservation != null && (reservation < 0 || (mem != null && reservation > mem))) {
            throw bad("the memory reservation must be between 0 and the memory limit");
        }
        if (r.memorySwappiness() != null) {
            if (r.memorySwappiness() < 0 || r.memorySwappiness() > 100) {
                throw bad("memory swappiness must be between 0 and 100");
            }
            if (cgroups.v2()) {
                throw bad("memory swappiness cannot be set on cgroups v2");
            }
        }
        if (Boolean.TRUE.equals(r.oomKillDisable()) && cgroups.v2()) {
            throw bad("the OOM killer cannot be disabled on cgroups v2");
        }
    }

    private void checkCpu(ResourceLimits r) {
        if (r.nanoCpus() != null) {
            if (r.cpuQuota() != null || r.cpuPeriod() != null) {
                throw bad("a number of CPUs (--cpus) cannot be given with a CPU quota or period");
            }
            if (r.nanoCpus() < 10_000_000L || r.nanoCpus() > cpuCount * 1_000_000_000L) {
                throw bad(String.format("the number of CPUs must be between 0.01 and %d.00: this host has %d",
                        cpuCount, cpuCount));
            }
        }
        if (r.cpuShares() != null && (r.cpuShares() < 2 || r.cpuShares() > 262_144)) {
            throw bad("CPU shares must be between 2 and 262144");
        }
        if (r.cpuPeriod() != null && (r.cpuPeriod() < 1000 || r.cpuPeriod() > 1_000_000)) {
            throw bad("the CPU period must be between 1000 and 1000000 microseconds");
        }
        if (r.cpuQuota() != null && r.cpuQuota() != -1 && r.cpuQuota() < 1000) {
            throw bad("the CPU quota must be at least 1000 microseconds, or -1 for none");
        }
        checkSet("CPUs", r.cpusetCpus(), cgroups.cpus());
        checkSet("memory nodes", r.cpusetMems(), cgroups.mems());
    }

    /** A cpuset list must name only what the host offers. */
    private static void checkSet(String what, String asked, String offered) {
        if (asked == null || asked.isEmpty()) {
            return;
        }
        BitSet want = parseSet(what, asked);
        BitSet have = offered.isEmpty() ? want : parseSet(what, offered);
        BitSet missing = (BitSet) want.clone();
        missing.andNot(have);
        if (!missing.isEmpty()) {
            throw bad("the " + what + " " + missing.stream().mapToObj(Integer::toString).toList()
                    + " are not available: this host offers " + offered);
        }
    }

    private static BitSet parseSet(String what, String list) {
        BitSet set = new BitSet();
        try {
            for (String part : list.split(",")) {
                String[] range = part.trim().split("-", 2);
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (from < 0 || to < from || to > 4096) {
                    throw new NumberFormatException();
                }
                set.set(from, to + 1);
            }
        } catch (NumberFormatException e) {
            throw bad("invalid list of " + what + " \"" + list + "\": use numbers and ranges, e.g. 0-1,3");
        }
        return set;
    }

    private void checkUlimits(List<Ulimit> ulimits) {
        Map<String, Ulimit> seen = new HashMap<>();
        for (Ulimit u : ulimits) {
            String name = u.name();
            if (!LIMIT_NAMES.containsKey(name)) {
                throw bad("unknown ulimit \"" + name + "\": use one of " + new java.util.TreeSet<>(LIMIT_NAMES.keySet()));
            }
            if (seen.put(name, u) != null) {
                throw bad("ulimit " + name + " is given twice");
            }
            if (u.hard() != -1 && (u.soft() == -1 || u.soft() > u.hard())) {
                throw bad("ulimit " + name + ": the soft limit " + u.soft() + " is above the hard limit " + u.hard());
            }
            long host = hardLimits.getOrDefault(name, -1L);
            if (host != -1 && (u.hard() == -1 || u.hard() > host)) {
                throw bad("ulimit " + name + "=" + (u.hard() == -1 ? "unlimited" : u.hard()) + " is above this host's "
                        + "hard limit of " + host + ": a container cannot be given more than the engine has");
            }
        }
    }

    /** The hard limits in a {@code /proc/<pid>/limits} file by short name, -1 for unlimited. */
    static Map<String, Long> hardLimits(Path limitsFile) {
        Map<String, Long> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(limitsFile)) {
                String[] f = line.trim().split("\\s{2,}");
                if (f.length < 3) {
                    continue;
                }
                LIMIT_NAMES.forEach((name, description) -> {
                    if (f[0].equals(description)) {
                        out.put(name, f[2].equals("unlimited") ? -1L : Long.parseLong(f[2]));
                    }
                });
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: runc refuses what the host does not allow
        }
        return out;
    }

    private static <T> T or(T changed, T current) {
        return changed != null ? changed : current;
    }

    private static EngineException bad(String message) {
        return EngineException.invalidArgument(message);
    }
}
