package io.jpod.stats;

import io.jpod.container.ContainerService;
import io.jpod.pod.PodService;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers' resource usage, sampled on demand and shared: a container is read at most once per
 * {@link #FRESH} however many clients and pages watch it, and not at all when nobody asks. Each
 * sample keeps the one before it, so a CPU percentage needs no second read.
 */
public final class ContainerStats {

    /** A sample younger than this is served as it is: one read per second serves every viewer. */
    public static final Duration FRESH = Duration.ofMillis(900);
    /** A sample older than this is no base for a rate (the CPU % would be an average over minutes). */
    private static final Duration RATE_BASE = Duration.ofSeconds(10);
    /** Samples of containers nobody asked about for this long are dropped. */
    private static final Duration FORGET = Duration.ofMinutes(2);

    private final ContainerService containers;
    private final PodService pods;
    private final StatsReader reader;
    private final Map<String, Sample> latest = new ConcurrentHashMap<>();

    public ContainerStats(ContainerService containers, PodService pods, StatsReader reader) {
        this.containers = containers;
        this.pods = pods;
        this.reader = reader;
    }

    /**
     * A container's usage now, and its previous sample.
     *
     * @param running false for a container without a process: its sample is {@link CgroupSample#EMPTY}
     * @param before the sample before {@code now} (at most {@link #RATE_BASE} older), or null
     * @param podId the container's pod, or null
     * @param started when its process started (null if never)
     */
    public record Sample(String id, String name, String podId, Instant started, boolean running, CgroupSample now,
            CgroupSample before) {

        /**
         * CPU use since {@code before} as dockerd and podman show it: 100 is one CPU kept busy, so the
         * most is 100 times the host's CPUs. 0 without a previous sample.
         */
        public double cpuPercent() {
            return cpuPercent(now, before);
        }

        public static double cpuPercent(CgroupSample now, CgroupSample before) {
            if (before == null || before.isEmpty() || now.isEmpty()) {
                return 0;
            }
            double cpu = now.cpu().total() - before.cpu().total();
            double system = now.systemCpu() - before.systemCpu();
            return cpu > 0 && system > 0 ? cpu / system * now.onlineCpus() * 100.0 : 0;
        }

        /** Memory in use (page cache it could give back left out) of its limit, in percent. */
        public double memoryPercent() {
            long limit = now.memory().limit();
            return limit > 0 ? now.memory().workingSet() * 100.0 / limit : 0;
        }
    }

    /** The host's CPUs and memory, and the CPU time it has spent since boot. */
    public record Host(int cpus, long memory, long cpuTime) {}

    /** One container's usage: read now unless a sample younger than {@link #FRESH} is at hand. */
    public Sample sample(String nameOrId) {
        return sample(containers.inspect(nameOrId));
    }

    /** Every running (or paused) container's usage, newest first as the engine lists them. */
    public List<Sample> running() {
        List<Sample> out = new ArrayList<>();
        for (StoredContainer c : containers.list()) {
            if (hasProcess(c)) {
                out.add(sample(c));
            }
        }
        return out;
    }

    /** The usage of a pod's running containers (its infra container too). */
    public List<Sample> pod(String nameOrId) {
        List<Sample> out = new ArrayList<>();
        for (StoredContainer c : pods.inspect(nameOrId).containers()) {
            if (hasProcess(c)) {
                out.add(sample(c));
            }
        }
        return out;
    }

    /** The IDs of every pod. */
    public List<String> podIds() {
        return pods.list().stream().map(v -> v.pod().id()).toList();
    }

    public Host host() {
        long[] cpu;
        try {
            cpu = reader.hostCpu();
        } catch (java.io.IOException e) {
            cpu = new long[] {0, Runtime.getRuntime().availableProcessors()};
        }
        return new Host((int) cpu[1], reader.hostMemory(), cpu[0]);
    }

    private Sample sample(StoredContainer c) {
        forgetOld();
        if (!hasProcess(c)) {
            latest.remove(c.id());
            return new Sample(c.id(), c.name(), c.config().podId(), c.state().startedAt(), false,
                    CgroupSample.EMPTY, null);
        }
        int pid = c.state().pid();
        // compute() makes concurrent viewers of one container wait for a single read and share it
        return latest.compute(c.id(), (id, last) -> {
            Instant now = Instant.now();
            if (last != null && last.running() && last.now().read().plus(FRESH).isAfter(now)) {
                return last;
            }
            CgroupSample read = reader.read(pid);
            CgroupSample before = last != null && !last.now().isEmpty()
                    && last.now().read().plus(RATE_BASE).isAfter(now) ? last.now() : null;
            return new Sample(c.id(), c.name(), c.config().podId(), c.state().startedAt(),
                    !read.isEmpty(), read, before);
        });
    }

    private void forgetOld() {
        Instant cutoff = Instant.now().minus(FORGET);
        latest.values().removeIf(s -> s.now().read().isBefore(cutoff));
    }

    private static boolean hasProcess(StoredContainer c) {
        ContainerStatus s = c.state().status();
        return (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED) && c.state().pid() > 0;
    }
}
