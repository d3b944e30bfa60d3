package io.jpod.observability;

import io.jpod.runtime.LibpodRuntime;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Health of the OCI runtime discovery ({@code ociRuntime} in {@code /actuator/health}). */
public final class OciRuntimeHealthIndicator implements HealthIndicator {

    private final LibpodRuntime runtime;

    public OciRuntimeHealthIndicator(LibpodRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        return BinaryHealth.of(runtime.ociRuntimeDiscovery());
    }
}
