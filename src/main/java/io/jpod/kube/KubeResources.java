package io.jpod.kube;

import static io.jpod.kube.KubeYaml.map;

import io.jpod.error.EngineException;
import io.jpod.state.ResourceLimits;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's {@code resources:} as the container limits podman gives it: {@code limits.memory} the
 * memory limit, {@code requests.memory} the memory reservation, {@code limits.cpu} a CFS quota over a
 * 100 ms period, {@code requests.cpu} CPU shares (Kubernetes' 1024 per CPU, at least 2). Other
 * resources (GPUs, ephemeral storage, huge pages) cannot be honoured and are refused.
 */
final class KubeResources {

    /** The CFS period podman and Kubernetes use, in microseconds. */
    static final long CPU_PERIOD = 100_000;

    /** A Kubernetes quantity: a decimal number, then a binary, decimal or exponent suffix. */
    private static final Pattern QUANTITY = Pattern.compile(
            "([+-]?(?:\\d+\\.?\\d*|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

    private KubeResources() {}

    static ResourceLimits of(String container, Object resources) {
        Map<String, Object> r = map(resources);
        Map<String, Object> limits = map(r.get("limits"));
        Map<String, Object> requests = map(r.get("requests"));
        for (Map.Entry<String, Map<String, Object>> e : Map.of("limits", limits, "requests", requests).entrySet()) {
            for (String key : e.getValue().keySet()) {
                if (!key.equals("cpu") && !key.equals("memory")) {
                    throw EngineException.invalidArgument("container " + container + ": resources." + e.getKey()
                            + "." + key + " cannot be honoured: only cpu and memory are");
                }
            }
        }
        if (limits.isEmpty() && requests.isEmpty()) {
            return ResourceLimits.NONE;
        }
        Long memory = bytes(container, "limits.memory", limits.get("memory"));
        Long reservation = bytes(container, "requests.memory", requests.get("memory"));
        BigDecimal cpus = quantity(container, "limits.cpu", limits.get("cpu"));
        BigDecimal requested = quantity(container, "requests.cpu", requests.get("cpu"));
        Long quota = null;
        Long period = null;
        if (cpus != null) {
            quota = Math.max(1000, cpus.multiply(BigDecimal.valueOf(CPU_PERIOD)).longValue()); // the kernel's least
            period = CPU_PERIOD;
        }
        Long shares = requested == null ? null
                : Math.max(2, requested.multiply(BigDecimal.valueOf(1024)).longValue());
        return new ResourceLimits(memory, null, reservation, null, null, null, shares, period, quota, null, null,
                null, null, null, null, null);
    }

    /**
     * The other way, for {@code generate kube}: the container's limits as {@code resources:} that
     * {@link #of} reads back the same; null when it has none of them.
     */
    static Map<String, Object> toYaml(ResourceLimits r) {
        Map<String, Object> limits = new java.util.LinkedHashMap<>();
        Map<String, Object> requests = new java.util.LinkedHashMap<>();
        if (r.memory() != null && r.memory() > 0) {
            limits.put("memory", r.memory());
        }
        long milliCpus = r.nanoCpus() != null && r.nanoCpus() > 0 ? r.nanoCpus() / 1_000_000
                : r.cpuQuota() != null && r.cpuQuota() > 0 ? r.cpuQuota() * 1000
                        / (r.cpuPeriod() != null && r.cpuPeriod() > 0 ? r.cpuPeriod() : CPU_PERIOD) : 0;
        if (milliCpus > 0) {
            limits.put("cpu", milliCpus + "m");
        }
        if (r.memoryReservation() != null && r.memoryReservation() > 0) {
            requests.put("memory", r.memoryReservation());
        }
        if (r.cpuShares() != null && r.cpuShares() > 0) {
            // shares / 1024 ends within ten decimals: written exactly, it reads back as the same shares
            requests.put("cpu", BigDecimal.valueOf(r.cpuShares()).divide(BigDecimal.valueOf(1024))
                    .stripTrailingZeros().toPlainString());
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (!limits.isEmpty()) {
            out.put("limits", limits);
        }
        if (!requests.isEmpty()) {
            out.put("requests", requests);
        }
        return out.isEmpty() ? null : out;
    }

    private static Long bytes(String container, String field, Object value) {
        BigDecimal q = quantity(container, field, value);
        return q == null ? null : q.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    /** The quantity's value in its base unit (bytes, CPUs); null when absent. */
    static BigDecimal quantity(String container, String field, Object value) {
        if (value == null) {
            return null;
        }
        String s = value.toString().strip();
        Matcher m = QUANTITY.matcher(s);
        if (!m.matches()) {
            throw EngineException.invalidArgument("container " + container + ": resources." + field + " \"" + s
                    + "\" is not a quantity (such as 128Mi, 1G, 500m or 0.5)");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        BigDecimal v = switch (suffix) {
            case "" -> n;
            case "n" -> n.movePointLeft(9);
            case "u" -> n.movePointLeft(6);
            case "m" -> n.movePointLeft(3);
            case "k" -> n.movePointRight(3);
            case "M" -> n.movePointRight(6);
            case "G" -> n.movePointRight(9);
            case "T" -> n.movePointRight(12);
            case "P" -> n.movePointRight(15);
            case "E" -> n.movePointRight(18);
            case "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" -> n.multiply(BigDecimal.valueOf(1024)
                    .pow("KMGTPE".indexOf(suffix.charAt(0)) + 1));
            default -> n.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        if (v.signum() <= 0) {
            throw EngineException.invalidArgument("container " + container + ": resources." + field
                    + " must be positive, not " + s);
        }
        return v;
    }
}
