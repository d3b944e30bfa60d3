package io.jpod.dashboard;

import io.jpod.stats.CgroupSample;
import io.jpod.stats.ContainerStats;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Resource usage as the pages show it, from the engine's shared sampler: the templates call it as
 * {@code @usage} for the figures a page starts with, the live streams for every update after.
 */
@Component("usage")
public class UsageView {

    private final ContainerStats stats;

    UsageView(ContainerStats stats) {
        this.stats = stats;
    }

    /**
     * One container's figures.
     *
     * @param time milliseconds since the epoch of the reading
     * @param cpu percent of one CPU since the reading before
     * @param measured whether there was a reading before (else {@code cpu} is 0, not a measure)
     * @param memory in use, page cache it could give back left out
     */
    public record Figures(String id, String name, boolean running, long time, double cpu, boolean measured,
            long memory, long memoryLimit, double memoryPercent, long rx, long tx) {

        public String cpuText() {
            return measured ? String.format(Locale.ROOT, "%.1f%%", cpu) : "-";
        }

        public String memoryText() {
            return Bytes.human(memory) + " / " + Bytes.human(memoryLimit);
        }

        public String networkText() {
            return Bytes.human(rx) + " in, " + Bytes.human(tx) + " out";
        }
    }

    /** The host and all its running containers together; {@code measured} when every CPU figure is. */
    public record Totals(long time, int cpus, long hostMemory, int running, double cpu, boolean measured,
            long memory) {

        public String cpuText() {
            return measured ? String.format(Locale.ROOT, "%.1f%% of %d CPUs (%d%%)", cpu, cpus,
                    Math.round(cpu / Math.max(cpus, 1))) : "- of " + cpus + " CPUs";
        }

        public String memoryText() {
            return Bytes.human(memory) + " of " + Bytes.human(hostMemory);
        }
    }

    /** A container's figures; one without a process reads zeros. */
    public Figures of(String nameOrId) {
        return figures(stats.sample(nameOrId));
    }

    /** Every running container's figures. */
    public List<Figures> running() {
        return stats.running().stream().map(UsageView::figures).toList();
    }

    /** Every running container's figures by ID, for a table's usage column. */
    public java.util.Map<String, Figures> byId() {
        java.util.Map<String, Figures> out = new java.util.HashMap<>();
        running().forEach(f -> out.put(f.id(), f));
        return out;
    }

    public Totals totals(List<Figures> running) {
        ContainerStats.Host host = stats.host();
        double cpu = running.stream().mapToDouble(Figures::cpu).sum();
        long memory = running.stream().mapToLong(Figures::memory).sum();
        boolean measured = running.stream().allMatch(Figures::measured);
        return new Totals(System.currentTimeMillis(), host.cpus(), host.memory(), running.size(), cpu, measured,
                memory);
    }

    public Totals totals() {
        return totals(running());
    }

    private static Figures figures(ContainerStats.Sample s) {
        CgroupSample n = s.now();
        long time = n.isEmpty() ? System.currentTimeMillis() : n.read().toEpochMilli();
        return new Figures(s.id(), s.name(), s.running(), time, s.cpuPercent(), s.before() != null,
                n.memory().workingSet(),
                n.memory().limit(), s.memoryPercent(), n.rxBytes(), n.txBytes());
    }
}
