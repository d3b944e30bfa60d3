package io.jpod.api.libpod;

import io.jpod.error.EngineException;
import io.jpod.state.ResourceLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The limits of podman's SpecGenerator: {@code resource_limits} (an OCI {@code LinuxResources} object,
 * also the body of {@code POST /libpod/containers/{id}/update}), {@code r_limits}, {@code shm_size}
 * and {@code oom_score_adj}. What jpod cannot honour is refused when set.
 */
final class LibpodResources {

    /** Unsupported parts of {@code resource_limits}, by object, with podman's option for each. */
    private static final Map<String, Map<String, String>> REFUSED_OCI = Map.of(
            "memory", Map.of("kernel", "--kernel-memory", "kernelTCP", "kernel TCP memory"),
            "cpu", Map.of("realtimeRuntime", "--cpu-rt-runtime", "realtimePeriod", "--cpu-rt-period"),
            "blockIO", Map.of("leafWeight", "a leaf weight", "weightDevice", "--blkio-weight-device",
                    "throttleReadBpsDevice", "--device-read-bps", "throttleWriteBpsDevice", "--device-write-bps",
                    "throttleReadIOPSDevice", "--device-read-iops", "throttleWriteIOPSDevice", "--device-write-iops"));
    private static final Map<String, String> REFUSED_TOP_OCI = Map.of("hugepageLimits", "hugepage limits",
            "network", "network class limits", "rdma", "RDMA limits", "unified", "cgroups v2 settings (--cgroup-conf)",
            "devices", "device cgroup rules");
    /** Unsupported SpecGenerator fields. */
    private static final Map<String, String> REFUSED_SPEC = Map.of("cgroup_parent", "--cgroup-parent",
            "weightDevice", "--blkio-weight-device", "throttleReadBpsDevice", "--device-read-bps",
            "throttleWriteBpsDevice", "--device-write-bps", "throttleReadIOPSDevice", "--device-read-iops",
            "throttleWriteIOPSDevice", "--device-write-iops", "unified", "--cgroup-conf", "intelRdt", "Intel RDT");

    private LibpodResources() {}

    /** The limits of a create's SpecGenerator. */
    static ResourceLimits fromSpec(JsonNode spec) {
        REFUSED_SPEC.forEach((field, option) -> {
            if (set(spec.path(field))) {
                throw refused(field, option);
            }
        });
        ResourceLimits r = fromOci(spec.path("resource_limits"));
        List<ResourceLimits.Ulimit> ulimits = new ArrayList<>();
        for (JsonNode u : spec.path("r_limits")) {
            String type = u.path("type").asString("").toLowerCase();
            ulimits.add(new ResourceLimits.Ulimit(type.startsWith("rlimit_") ? type.substring(7) : type,
                    u.path("soft").asLong(0), u.path("hard").asLong(0)));
        }
        return new ResourceLimits(r.memory(), r.memorySwap(), r.memoryReservation(), r.memorySwappiness(),
                r.oomKillDisable(), null, r.cpuShares(), r.cpuPeriod(), r.cpuQuota(), r.cpusetCpus(), r.cpusetMems(),
                r.pidsLimit(), ulimits, r.blkioWeight(), number(spec.path("shm_size")),
                spec.path("oom_score_adj").isNumber() ? spec.path("oom_score_adj").asInt() : null);
    }

    /** An OCI {@code LinuxResources} object as limits; absent values are null. */
    static ResourceLimits fromOci(JsonNode res) {
        if (!res.isObject()) {
            return ResourceLimits.NONE;
        }
        REFUSED_TOP_OCI.forEach((field, what) -> {
            if (set(res.path(field))) {
                throw refused("resource_limits." + field, what);
            }
        });
        REFUSED_OCI.forEach((object, fields) -> fields.forEach((field, what) -> {
            if (set(res.path(object).path(field))) {
                throw refused("resource_limits." + object + "." + field, what);
            }
        }));
        JsonNode mem = res.path("memory");
        JsonNode cpu = res.path("cpu");
        Long pids = number(res.path("pids").path("limit"));
        JsonNode weight = res.path("blockIO").path("weight");
        return new ResourceLimits(number(mem.path("limit")), number(mem.path("swap")),
                number(mem.path("reservation")), number(mem.path("swappiness")),
                mem.path("disableOOMKiller").asBoolean(false) ? Boolean.TRUE : null, null,
                number(cpu.path("shares")), number(cpu.path("period")), number(cpu.path("quota")),
                text(cpu.path("cpus")), text(cpu.path("mems")), pids == null ? null : pids <= 0 ? -1L : pids, null,
                weight.isNumber() && weight.asInt() != 0 ? weight.asInt() : null, null, null);
    }

    private static Long number(JsonNode n) {
        return n.isNumber() && n.asLong() != 0 ? n.asLong() : null;
    }

    private static String text(JsonNode n) {
        return n.isString() && !n.asString().isEmpty() ? n.asString() : null;
    }

    private static boolean set(JsonNode v) {
        return v.isBoolean() ? v.asBoolean() : v.isNumber() ? v.asLong() != 0
                : v.isString() ? !v.asString().isEmpty() : (v.isArray() || v.isObject()) && !v.isEmpty();
    }

    private static EngineException refused(String field, String what) {
        return EngineException.invalidArgument("\"" + field + "\" (" + what + ") cannot be honoured: jpod does not "
                + "implement it");
    }
}
