package io.jpod.observability;

import io.jpod.lock.LockManager;
import io.jpod.lock.ShmLockManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Lock usage for operators: health details ({@code locks} in {@code /actuator/health}) and the
 * gauges {@code jpod.locks.total}, {@code jpod.locks.used} and {@code jpod.locks.free}.
 */
public final class LockUsage implements HealthIndicator, MeterBinder {

    private final LockManager locks;

    public LockUsage(LockManager locks) {
        this.locks = locks;
    }

    public int total() {
        return locks.total();
    }

    /** Free locks, or -1 where the manager cannot count them. */
    public int free() {
        return locks.available().orElse(-1);
    }

    private int freeOrTotal() {
        return locks.available().orElse(locks.total());
    }

    @Override
    public Health health() {
        int free = freeOrTotal();
        Health.Builder b = Health.up().withDetail("type", locks instanceof ShmLockManager shm ? "shm " + shm.name()
                : "in-process").withDetail("total", locks.total()).withDetail("used", locks.total() - free)
                .withDetail("free", free);
        if (free == 0) {
            b.withDetail("warning", "no free locks: new containers and pods cannot be created; raise num_locks and "
                    + "restart with --libpod.renumber=true");
        }
        return b.build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("jpod.locks.total", locks, LockManager::total).description("SHM locks in the segment")
                .register(registry);
        Gauge.builder("jpod.locks.free", this, LockUsage::freeOrTotal).description("locks free for new objects")
                .register(registry);
        Gauge.builder("jpod.locks.used", this, u -> locks.total() - u.freeOrTotal())
                .description("locks held by containers and pods").register(registry);
    }
}
