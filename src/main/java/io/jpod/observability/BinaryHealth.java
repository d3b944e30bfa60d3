package io.jpod.observability;



import io.jpod.host.BinaryDiscovery;
import org.springframework.boot.health.contributor.Health;

/** Health details of one discovered binary: UP with where and which version, DOWN with what was tried and the fix. */
final class BinaryHealth {

    private BinaryHealth() {}

    static Health of(BinaryDiscovery d) {
        if (d.available()) {
            return Health.up().withDetail("name", d.name()).withDetail("path", d.path().toString())
                    .withDetail("version", d.version()).build();
        }
        return Health.down().withDetail("name", d.name()).withDetail("error", d.unavailableReason())
                .withDetail("candidates", d.candidates()).withDetail("fix", d.hint()).build();
    }
}
