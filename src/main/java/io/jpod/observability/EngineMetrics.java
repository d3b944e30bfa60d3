package io.jpod.observability;

import io.jpod.events.OperationObserver;
import io.jpod.registry.TransferObserver;
import io.jpod.error.EngineException;
import io.jpod.state.State;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine's metrics: containers by state, pods, images, volumes and networks (read from the
 * state when scraped, at most once a second), and per-operation counts and latency ({@code
 * jpod.operations}, tagged operation and outcome) with OCI runtime / conmon failures
 * ({@code jpod.runtime.failures}).
 */
public final class EngineMetrics implements MeterBinder, OperationObserver, TransferObserver {

    private final State state;
    private final Supplier<Integer> images;
    private final Supplier<Integer> volumes;
    private final Supplier<Integer> networks;
    private volatile MeterRegistry registry;
    private volatile long countedAt;
    private volatile Map<ContainerStatus, Integer> byState = Map.of();
    private volatile int podCount;

    public EngineMetrics(State state, Supplier<Integer> images, Supplier<Integer> volumes,
            Supplier<Integer> networks) {
        this.state = state;
        this.images = images;
        this.volumes = volumes;
        this.networks = networks;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        this.registry = r;
        for (ContainerStatus s : ContainerStatus.values()) {
            Gauge.builder("jpod.containers", this, m -> m.counts().getOrDefault(s, 0))
                    .description("containers by state").tag("state", s.display()).register(r);
        }
        Gauge.builder("jpod.pods", this, m -> {
            m.counts();
            return m.podCount;
        }).description("pods").register(r);
        Gauge.builder("jpod.images", images, Supplier::get).description("images in the store").register(r);
        Gauge.builder("jpod.volumes", volumes, Supplier::get).description("named volumes").register(r);
        Gauge.builder("jpod.networks", networks, Supplier::get).description("networks").register(r);
    }

    /** Counts from the state, refreshed at most once a second so a scrape costs one query. */
    private synchronized Map<ContainerStatus, Integer> counts() {
        long now = System.nanoTime();
        if (now - countedAt > TimeUnit.SECONDS.toNanos(1)) {
            Map<ContainerStatus, Integer> m = new EnumMap<>(ContainerStatus.class);
            try {
                List<StoredContainer> all = state.allContainers();
                all.forEach(c -> m.merge(c.state().status(), 1, Integer::sum));
                podCount = state.allPods().size();
            } catch (RuntimeException stateUnavailable) {
                return byState; // the last counts; the state's health says why
            }
            byState = m;
            countedAt = now;
        }
        return byState;
    }

    @Override
    public void completed(String operation, long nanos, Throwable failure) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Timer.builder("jpod.operations").description("engine operations")
                .tag("operation", operation).tag("outcome", failure == null ? "success" : "error")
                // pulls and pushes take seconds to minutes: their spread is worth a histogram
                .publishPercentileHistogram(operation.equals("pull") || operation.equals("push"))
                .register(r).record(nanos, TimeUnit.NANOSECONDS);
        if (failure instanceof EngineException e && e.category() == EngineException.Category.RUNTIME_FAILURE) {
            Counter.builder("jpod.runtime.failures").description("conmon or OCI runtime failures")
                    .tag("operation", operation).register(r).increment();
        }
    }

    @Override
    public void bytes(String direction, long count) {
        MeterRegistry r = registry;
        if (r != null && count > 0) {
            Counter.builder("jpod.registry.bytes").description("bytes pulled from and pushed to registries")
                    .baseUnit("bytes").tag("direction", direction).register(r).increment(count);
        }
    }

    @Override
    public void blob(String direction, boolean reused) {
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder("jpod.registry.blobs").description("layer blobs moved, or reused because already there")
                    .tag("direction", direction).tag("reused", Boolean.toString(reused)).register(r).increment();
        }
    }
}
