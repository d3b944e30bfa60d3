package io.jpod.api.docker;

import io.jpod.stats.CgroupSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker's stats JSON (API 1.41, {@code types.StatsJSON}) from two samples: {@code cpu_stats} now,
 * {@code precpu_stats} the one before, which clients subtract for a CPU percentage. Fields Docker
 * leaves out when empty are left out here too; a stopped container gets Docker's zero shape.
 */
final class DockerStats {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final List<String> BLKIO_LISTS = List.of("io_service_bytes_recursive", "io_serviced_recursive",
            "io_queue_recursive", "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive",
            "io_time_recursive", "sectors_recursive");

    private DockerStats() {}

    static Map<String, Object> of(String id, String name, CgroupSample now, CgroupSample pre) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", time(now));
        m.put("preread", time(pre));
        m.put("pids_stats", pids(now));
        m.put("blkio_stats", blkio(now));
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        m.put("cpu_stats", cpu(now));
        m.put("precpu_stats", cpu(pre));
        m.put("memory_stats", memory(now));
        m.put("name", "/" + name);
        m.put("id", id);
        if (!now.isEmpty()) {
            Map<String, Object> nets = new LinkedHashMap<>();
            now.networks().forEach((iface, n) -> nets.put(iface, network(n)));
            m.put("networks", nets);
        }
        return m;
    }

    private static String time(CgroupSample s) {
        return s == null || s.isEmpty() ? ZERO_TIME : s.read().toString();
    }

    private static Map<String, Object> pids(CgroupSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!s.isEmpty()) {
            m.put("current", s.pids().current());
            if (s.pids().limit() > 0) {
                m.put("limit", s.pids().limit());
            }
        }
        return m;
    }

    private static Map<String, Object> blkio(CgroupSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String list : BLKIO_LISTS) {
            m.put(list, null);
        }
        if (!s.isEmpty()) {
            List<Map<String, Object>> bytes = new ArrayList<>();
            for (CgroupSample.BlkioEntry e : s.blkio()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("major", e.major());
                entry.put("minor", e.minor());
                entry.put("op", e.op());
                entry.put("value", e.value());
                bytes.add(entry);
            }
            m.put("io_service_bytes_recursive", bytes);
        }
        return m;
    }

    private static Map<String, Object> cpu(CgroupSample s) {
        CgroupSample.Cpu c = s == null ? CgroupSample.Cpu.NONE : s.cpu();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", c.total());
        if (!c.perCpu().isEmpty()) {
            usage.put("percpu_usage", c.perCpu());
        }
        usage.put("usage_in_kernelmode", c.kernel());
        usage.put("usage_in_usermode", c.user());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_usage", usage);
        if (s != null && !s.isEmpty()) {
            m.put("system_cpu_usage", s.systemCpu());
            m.put("online_cpus", s.onlineCpus());
        }
        Map<String, Object> throttling = new LinkedHashMap<>();
        throttling.put("periods", c.periods());
        throttling.put("throttled_periods", c.throttledPeriods());
        throttling.put("throttled_time", c.throttledTime());
        m.put("throttling_data", throttling);
        return m;
    }

    private static Map<String, Object> memory(CgroupSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!s.isEmpty()) {
            m.put("usage", s.memory().usage());
            if (s.memory().maxUsage() > 0) {
                m.put("max_usage", s.memory().maxUsage());
            }
            m.put("stats", s.memory().stats());
            m.put("limit", s.memory().limit());
        }
        return m;
    }

    private static Map<String, Object> network(CgroupSample.Network n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rx_bytes", n.rxBytes());
        m.put("rx_packets", n.rxPackets());
        m.put("rx_errors", n.rxErrors());
        m.put("rx_dropped", n.rxDropped());
        m.put("tx_bytes", n.txBytes());
        m.put("tx_packets", n.txPackets());
        m.put("tx_errors", n.txErrors());
        m.put("tx_dropped", n.txDropped());
        return m;
    }
}
