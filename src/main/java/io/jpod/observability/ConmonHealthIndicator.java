package io.jpod.observability;

import io.jpod.runtime.LibpodRuntime;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Health of the conmon discovery ({@code conmon} in {@code /actuator/health}). */
public final class ConmonHealthIndicator implements HealthIndicator {

    private final LibpodRuntime runtime;

    public ConmonHealthIndicator(LibpodRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        return BinaryHealth.of(runtime.conmonDiscovery());
    }
}
