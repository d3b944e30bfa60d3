package io.jpod.api.docker;

import io.jpod.api.wire.Bodies;
import io.jpod.error.EngineException;
import io.jpod.state.ResourceLimits;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/**
 * The resource fields of Docker's {@code HostConfig} (API 1.41's {@code Resources}, plus {@code ShmSize}
 * and {@code OomScoreAdj}), also the body of {@code POST /containers/{id}/update}. The CLI sends every
 * field, zero or empty when unused: zero means "not set" (on update, "unchanged"). A field jpod cannot
 * honour is refused when it is set.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record DockerResources(long memory, long memorySwap, long memoryReservation, Long memorySwappiness,
        Boolean oomKillDisable, long nanoCpus, long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus,
        String cpusetMems, Long pidsLimit, List<Ulimit> ulimits, int blkioWeight, long shmSize, int oomScoreAdj) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Ulimit(String name, long soft, long hard) {}

    /** Fields jpod does not implement, with the CLI option that sets each and why. */
    private static final List<List<String>> REFUSED = List.of(
            List.of("CgroupParent", "--cgroup-parent", "containers' cgroups are under jpod's own parent"),
            List.of("BlkioWeightDevice", "--blkio-weight-device", "per-device block I/O weights are not supported"),
            List.of("BlkioDeviceReadBps", "--device-read-bps", "block device throttling is not supported"),
            List.of("BlkioDeviceWriteBps", "--device-write-bps", "block device throttling is not supported"),
            List.of("BlkioDeviceReadIOps", "--device-read-iops", "block device throttling is not supported"),
            List.of("BlkioDeviceWriteIOps", "--device-write-iops", "block device throttling is not supported"),
            List.of("CpuRealtimePeriod", "--cpu-rt-period", "real-time CPU scheduling is not supported"),
            List.of("CpuRealtimeRuntime", "--cpu-rt-runtime", "real-time CPU scheduling is not supported"),
            List.of("CpuCount", "--cpu-count", "it is a Windows option"),
            List.of("CpuPercent", "--cpu-percent", "it is a Windows option"),
            List.of("IOMaximumIOps", "--io-maxiops", "it is a Windows option"),
            List.of("IOMaximumBandwidth", "--io-maxbandwidth", "it is a Windows option"),
            List.of("KernelMemory", "--kernel-memory", "kernel memory limits are deprecated and not supported"),
            List.of("KernelMemoryTCP", "--kernel-memory-tcp", "kernel memory limits are not supported"),
            List.of("DeviceRequests", "--gpus", "device requests (GPUs) are not supported: give devices with --device"));

    /** Update bodies also refuse what only create can set. */
    private static final List<List<String>> UPDATE_ONLY_REFUSED = List.of(
            List.of("Devices", "--device", "devices cannot be changed on an existing container"),
            List.of("DeviceCgroupRules", "--device-cgroup-rule", "device rules cannot be changed"));

    /** The limits of a create's {@code HostConfig}. */
    static ResourceLimits fromCreate(JsonMapper json, JsonNode hostConfig) {
        return read(json, hostConfig, "HostConfig.", REFUSED);
    }

    /** The changes of an update body ({@code UpdateConfig}: the same fields plus {@code RestartPolicy}). */
    static ResourceLimits fromUpdate(JsonMapper json, JsonNode body) {
        read(json, body, "", UPDATE_ONLY_REFUSED);
        return read(json, body, "", REFUSED);
    }

    private static ResourceLimits read(JsonMapper json, JsonNode node, String prefix, List<List<String>> refused) {
        if (node == null || !node.isObject()) {
            return ResourceLimits.NONE;
        }
        for (List<String> r : refused) {
            JsonNode v = node.path(r.get(0));
            boolean set = v.isBoolean() ? v.asBoolean() : v.isNumber() ? v.asLong() != 0
                    : v.isString() ? !v.asString().isEmpty() : (v.isArray() || v.isObject()) && !v.isEmpty();
            if (set) {
                throw EngineException.invalidArgument(prefix + r.get(0) + " (" + r.get(1) + ") cannot be honoured: "
                        + r.get(2));
            }
        }
        return Bodies.read(json, node, DockerResources.class, "the resource limits").limits();
    }

    private ResourceLimits limits() {
        List<ResourceLimits.Ulimit> ul = ulimits == null ? List.of() : ulimits.stream()
                .map(u -> new ResourceLimits.Ulimit(name(u.name()), u.soft(), u.hard())).toList();
        return new ResourceLimits(set(memory), set(memorySwap), set(memoryReservation),
                memorySwappiness == null || memorySwappiness == -1 ? null : memorySwappiness,
                Boolean.TRUE.equals(oomKillDisable) ? Boolean.TRUE : null, set(nanoCpus), set(cpuShares),
                set(cpuPeriod), set(cpuQuota), empty(cpusetCpus), empty(cpusetMems),
                pidsLimit == null || pidsLimit == 0 ? null : pidsLimit, ul, blkioWeight == 0 ? null : blkioWeight,
                set(shmSize), oomScoreAdj == 0 ? null : oomScoreAdj);
    }

    private static String name(String n) {
        String s = n == null ? "" : n.toLowerCase();
        return s.startsWith("rlimit_") ? s.substring("rlimit_".length()) : s;
    }

    private static Long set(long v) {
        return v == 0 ? null : v;
    }

    private static String empty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
