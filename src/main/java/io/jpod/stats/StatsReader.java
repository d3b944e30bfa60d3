package io.jpod.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a running container's counters from the files the kernel keeps: its cgroups (found through
 * {@code /proc/<pid>/cgroup}, wherever the runtime put them, v1 or v2) and its network namespace
 * ({@code /proc/<pid>/net/dev}). Stateless: any number of threads may share one.
 */
public final class StatsReader {

    /** USER_HZ, the unit of {@code cpuacct.stat} and {@code /proc/stat}: 100 on every Linux ABI jpod runs on. */
    private static final long CLOCK_TICKS = 100;
    private static final long NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS;

    private final Path procRoot;

    public StatsReader(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The counters of the process {@code pid} and its cgroup; {@link CgroupSample#EMPTY} once it is gone. */
    public CgroupSample read(int pid) {
        if (pid <= 0) {
            return CgroupSample.EMPTY;
        }
        try {
            CgroupPaths cg = CgroupPaths.of(procRoot, pid);
            Instant now = Instant.now();
            long[] host = hostCpu();
            CgroupSample.Cpu cpu;
            CgroupSample.Memory memory;
            CgroupSample.Pids pids;
            List<CgroupSample.BlkioEntry> blkio;
            long hostMemory = hostMemory();
            if (cg.v2()) {
                Path d = cg.unified();
                cpu = cpuV2(d);
                memory = memoryV2(d, hostMemory);
                pids = pids(d);
                blkio = ioV2(d);
            } else {
                cpu = cpuV1(cg.controller("cpuacct"), cg.controller("cpu"));
                memory = memoryV1(cg.controller("memory"), hostMemory);
                pids = pids(cg.controller("pids"));
                blkio = blkioV1(cg.controller("blkio"));
            }
            return new CgroupSample(now, cpu, memory, pids, blkio, networks(pid), host[0], (int) host[1]);
        } catch (IOException | RuntimeException gone) {
            // the process ended while it was read (its /proc entry and cgroup go away): a stopped container
            return CgroupSample.EMPTY;
        }
    }

    /** The host's total memory in bytes. */
    public long hostMemory() {
        try {
            for (String line : Files.readAllLines(procRoot.resolve("meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 0;
    }

    /** The host's CPU time since boot in nanoseconds (user to softirq, as dockerd counts) and its CPU count. */
    public long[] hostCpu() throws IOException {
        long total = 0;
        int cpus = 0;
        for (String line : Files.readAllLines(procRoot.resolve("stat"))) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i <= 7 && i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
            } else if (line.startsWith("cpu")) {
                cpus++;
            }
        }
        return new long[] {total * NANOS_PER_TICK, cpus};
    }

    // ---- cgroup v1 ---------------------------------------------------------------------------

    private static CgroupSample.Cpu cpuV1(Path cpuacct, Path cpu) throws IOException {
        if (cpuacct == null) {
            return CgroupSample.Cpu.NONE;
        }
        List<Long> perCpu = new ArrayList<>();
        String percpu = optional(cpuacct.resolve("cpuacct.usage_percpu"));
        if (!percpu.isBlank()) {
            for (String v : percpu.trim().split("\\s+")) {
                perCpu.add(Long.parseLong(v));
            }
        }
        Map<String, Long> stat = keyed(cpuacct.resolve("cpuacct.stat"));
        Map<String, Long> throttling = cpu == null ? Map.of() : keyed(cpu.resolve("cpu.stat"));
        return new CgroupSample.Cpu(number(cpuacct.resolve("cpuacct.usage")), perCpu,
                stat.getOrDefault("system", 0L) * NANOS_PER_TICK, stat.getOrDefault("user", 0L) * NANOS_PER_TICK,
                throttling.getOrDefault("nr_periods", 0L), throttling.getOrDefault("nr_throttled", 0L),
                throttling.getOrDefault("throttled_time", 0L));
    }

    private static CgroupSample.Memory memoryV1(Path d, long hostMemory) throws IOException {
        if (d == null) {
            return CgroupSample.Memory.NONE;
        }
        return new CgroupSample.Memory(number(d.resolve("memory.usage_in_bytes")),
                number(d.resolve("memory.max_usage_in_bytes")),
                limit(number(d.resolve("memory.limit_in_bytes")), hostMemory), keyed(d.resolve("memory.stat")));
    }

    /**
     * The proportional-weight files ({@code blkio.io_service_bytes_recursive}) are empty without the CFQ
     * scheduler, as on most kernels now: then the throttling layer's counters, which always count.
     */
    private static List<CgroupSample.BlkioEntry> blkioV1(Path d) throws IOException {
        if (d == null) {
            return List.of();
        }
        List<CgroupSample.BlkioEntry> out = blkioFile(d.resolve("blkio.io_service_bytes_recursive"));
        return out.isEmpty() ? blkioFile(d.resolve("blkio.throttle.io_service_bytes_recursive")) : out;
    }

    /** Lines {@code 8:0 Read 4096}; the {@code Total} line is left out. */
    private static List<CgroupSample.BlkioEntry> blkioFile(Path f) throws IOException {
        List<CgroupSample.BlkioEntry> out = new ArrayList<>();
        for (String line : optional(f).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 3 && p[0].contains(":")) {
                String[] dev = p[0].split(":");
                out.add(new CgroupSample.BlkioEntry(Long.parseLong(dev[0]), Long.parseLong(dev[1]), p[1],
                        Long.parseLong(p[2])));
            }
        }
        return out;
    }

    // ---- cgroup v2 ---------------------------------------------------------------------------

    private static CgroupSample.Cpu cpuV2(Path d) throws IOException {
        Map<String, Long> stat = keyed(d.resolve("cpu.stat"));
        return new CgroupSample.Cpu(stat.getOrDefault("usage_usec", 0L) * 1000, List.of(),
                stat.getOrDefault("system_usec", 0L) * 1000, stat.getOrDefault("user_usec", 0L) * 1000,
                stat.getOrDefault("nr_periods", 0L), stat.getOrDefault("nr_throttled", 0L),
                stat.getOrDefault("throttled_usec", 0L) * 1000);
    }

    private static CgroupSample.Memory memoryV2(Path d, long hostMemory) throws IOException {
        String peak = optional(d.resolve("memory.peak")).trim();
        return new CgroupSample.Memory(number(d.resolve("memory.current")), peak.isEmpty() ? 0 : Long.parseLong(peak),
                limit(number(d.resolve("memory.max")), hostMemory), keyed(d.resolve("memory.stat")));
    }

    /** Lines {@code 8:0 rbytes=4096 wbytes=0 rios=1 ...}, as Docker reports them on v2: ops {@code read}, {@code write}. */
    private static List<CgroupSample.BlkioEntry> ioV2(Path d) throws IOException {
        List<CgroupSample.BlkioEntry> out = new ArrayList<>();
        for (String line : optional(d.resolve("io.stat")).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length < 2 || !p[0].contains(":")) {
                continue;
            }
            String[] dev = p[0].split(":");
            for (String kv : p) {
                String op = kv.startsWith("rbytes=") ? "read" : kv.startsWith("wbytes=") ? "write" : null;
                if (op != null) {
                    out.add(new CgroupSample.BlkioEntry(Long.parseLong(dev[0]), Long.parseLong(dev[1]), op,
                            Long.parseLong(kv.substring(7))));
                }
            }
        }
        return out;
    }

    // ---- both --------------------------------------------------------------------------------

    private static CgroupSample.Pids pids(Path d) throws IOException {
        if (d == null) {
            return CgroupSample.Pids.NONE;
        }
        String max = optional(d.resolve("pids.max")).trim();
        return new CgroupSample.Pids(number(d.resolve("pids.current")),
                max.isEmpty() || max.equals("max") ? 0 : Long.parseLong(max));
    }

    /** Interfaces of the process's network namespace, as {@code /proc/<pid>/net/dev} lists them. */
    private Map<String, CgroupSample.Network> networks(int pid) throws IOException {
        Map<String, CgroupSample.Network> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(procRoot.resolve(pid + "/net/dev"));
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 12) {
                continue;
            }
            out.put(name, new CgroupSample.Network(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]),
                    Long.parseLong(f[11])));
        }
        return out;
    }

    /** An unlimited cgroup says so with a huge number (v1) or {@code max} (v2, read as -1): the host's memory then. */
    private static long limit(long cgroup, long hostMemory) {
        if (cgroup < 0) {
            return hostMemory;
        }
        return hostMemory > 0 ? Math.min(cgroup, hostMemory) : cgroup;
    }

    /** A one-number file; {@code max} is -1; a missing file 0 (a controller the kernel lacks). */
    private static long number(Path f) throws IOException {
        String s = optional(f).trim();
        if (s.isEmpty()) {
            return 0;
        }
        return s.equals("max") ? -1 : Long.parseLong(s);
    }

    /** A file of {@code key value} lines. */
    private static Map<String, Long> keyed(Path f) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : optional(f).split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 2) {
                try {
                    out.put(p[0], Long.parseLong(p[1]));
                } catch (NumberFormatException notANumber) {
                    // not a counter
                }
            }
        }
        return out;
    }

    private static String optional(Path f) throws IOException {
        return Files.isReadable(f) ? Files.readString(f) : "";
    }
}
