package io.jpod.api.libpod;

import io.jpod.stats.CgroupSample;
import io.jpod.stats.ContainerStats;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * podman's stats shapes: {@code ContainerStats} (numbers, for {@code podman stats}) and
 * {@code PodStatsReport} (strings already formatted, one per container, for {@code podman pod stats}).
 */
final class StatsReports {

    private static final List<String> DECIMAL = List.of("B", "kB", "MB", "GB", "TB", "PB");
    private static final List<String> BINARY = List.of("B", "KiB", "MiB", "GiB", "TiB", "PiB");

    private StatsReports() {}

    /**
     * One container's numbers; {@code pre} is the sample the CPU % is measured from, or null for the
     * average since the container started (podman's first report).
     */
    static Map<String, Object> container(ContainerStats.Sample s, CgroupSample pre) {
        CgroupSample now = s.now();
        Map<String, Object> m = new LinkedHashMap<>();
        double avg = average(s);
        m.put("AvgCPU", avg);
        m.put("ContainerID", s.id());
        m.put("Name", s.name());
        m.put("PerCPU", now.cpu().perCpu().isEmpty() ? null : now.cpu().perCpu());
        m.put("CPU", pre == null ? avg : ContainerStats.Sample.cpuPercent(now, pre));
        m.put("CPUNano", now.cpu().total());
        m.put("CPUSystemNano", now.cpu().kernel());
        m.put("SystemNano", now.isEmpty() ? 0 : now.read().getEpochSecond() * 1_000_000_000L + now.read().getNano());
        m.put("MemUsage", now.memory().workingSet());
        m.put("MemLimit", now.memory().limit());
        m.put("MemPerc", s.memoryPercent());
        m.put("NetInput", now.rxBytes());
        m.put("NetOutput", now.txBytes());
        m.put("BlockInput", now.blockRead());
        m.put("BlockOutput", now.blockWritten());
        m.put("PIDs", now.pids().current());
        // podman reports the CPU time under both names
        m.put("UpTime", now.cpu().total());
        m.put("Duration", now.cpu().total());
        return m;
    }

    /** One line of {@code podman pod stats}. */
    static Map<String, Object> pod(ContainerStats.Sample s) {
        CgroupSample now = s.now();
        long usage = now.memory().workingSet();
        long limit = now.memory().limit();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CPU", percent(s.before() == null ? average(s) : s.cpuPercent()));
        m.put("MemUsage", decimal(usage) + " / " + decimal(limit));
        m.put("MemUsageBytes", binary(usage) + " / " + binary(limit));
        m.put("Mem", percent(s.memoryPercent()));
        m.put("NetIO", pair(now.rxBytes(), now.txBytes()));
        m.put("BlockIO", pair(now.blockRead(), now.blockWritten()));
        m.put("PIDS", Long.toString(now.pids().current()));
        m.put("Pod", s.podId() == null ? "" : s.podId().substring(0, 12));
        m.put("CID", s.id().substring(0, 12));
        m.put("Name", s.name());
        return m;
    }

    /** CPU time over time alive, in percent of one CPU. */
    private static double average(ContainerStats.Sample s) {
        if (s.started() == null || s.now().isEmpty()) {
            return 0;
        }
        long alive = Duration.between(s.started(), s.now().read()).toNanos();
        return alive > 0 ? s.now().cpu().total() * 100.0 / alive : 0;
    }

    private static String percent(double p) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", p);
    }

    private static String pair(long a, long b) {
        return a == 0 && b == 0 ? "-- / --" : decimal(a) + " / " + decimal(b);
    }

    static String decimal(long bytes) {
        return scaled(bytes, 1000, DECIMAL);
    }

    static String binary(long bytes) {
        return scaled(bytes, 1024, BINARY);
    }

    /** Four significant digits and the unit, without trailing zeros, as podman's (Go's {@code %.4g}) sizes read. */
    private static String scaled(long bytes, double base, List<String> units) {
        double v = bytes;
        int i = 0;
        while (v >= base && i < units.size() - 1) {
            v /= base;
            i++;
        }
        String n = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        return n + units.get(i);
    }
}
