package io.jpod.observability;

import io.jpod.config.RuntimeConfig;
import io.jpod.image.ImageStore;
import io.jpod.network.NetworkService;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.state.State;
import io.jpod.state.StateConfiguration;
import io.jpod.volume.VolumeService;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metrics and the health of the runtime, its state and its storage (the binaries' health sits with the runtime). */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    @Bean
    EngineMetrics engineMetrics(State state, ObjectProvider<ImageStore> images, VolumeService volumes,
            NetworkService networks) {
        // the image store reports its imports here: looked up when scraped, not when built
        return new EngineMetrics(state, () -> images.getObject().list().size(), () -> volumes.list().size(),
                () -> networks.list().size());
    }

    /** {@code runtime}: DOWN while the runtime is not valid, refreshing or renumbering; part of readiness. */
    @Bean
    HealthIndicator runtimeHealthIndicator(LibpodRuntime runtime) {
        return () -> runtime.ready() ? Health.up().withDetail("valid", true).build()
                : Health.down()
                        .withDetail("reason", "the runtime is starting, refreshing, renumbering or stopped").build();
    }

    /**
     * {@code state}: the state database answers a read, its file is still the one the daemon
     * opened, and it can be written. SQLite keeps working on a file removed or replaced under it, so every later change
     * would go to a file nobody reads again: that is reported, not hidden.
     */
    @Bean
    HealthIndicator stateHealthIndicator(LibpodRuntime runtime, State state, RuntimeConfig configured) {
        Path db = configured.stateType() == RuntimeConfig.StateType.SQLITE
                ? Path.of(configured.staticDir(), StateConfiguration.DB_FILE) : null;
        Object opened = db == null ? null : fileKey(db);
        return () -> {
            try {
                var dbConfig = state.dbConfig();
                if (db != null && (opened == null || !opened.equals(fileKey(db)))) {
                    return Health.down().withDetail("type", runtime.config().stateType())
                            .withDetail("error", "the state database " + db + " was removed or replaced while the "
                                    + "daemon runs: changes go to a file that is no longer there; put it back or "
                                    + "restart the daemon").build();
                }
                if (db != null && !Files.isWritable(db)) {
                    return Health.down().withDetail("type", runtime.config().stateType())
                            .withDetail("error", "the state database " + db + " cannot be written (is its directory "
                                    + "or file system read-only?): changes are refused, reads go on").build();
                }
                return Health.up().withDetail("type", runtime.config().stateType())
                        .withDetail("staticDir", dbConfig.staticDir()).build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("type", runtime.config().stateType())
                        .withDetail("error", String.valueOf(e.getMessage())).build();
            }
        };
    }

    /** The file's identity (device and inode), or null when it is not there. */
    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code storage}: the graph driver and the space left under the graph root. */
    @Bean
    HealthIndicator storageHealthIndicator(LibpodRuntime runtime) {
        return () -> {
            Path root = Path.of(runtime.config().storage().graphRoot());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("driver", runtime.config().storage().driver());
            d.put("graphRoot", root.toString());
            try {
                FileStore fs = Files.getFileStore(Files.exists(root) ? root : root.getRoot());
                d.put("free", fs.getUsableSpace());
                d.put("total", fs.getTotalSpace());
                // under 1 GiB or 2 % free, containers and image imports start failing
                boolean low = fs.getUsableSpace() < Math.min(1L << 30, fs.getTotalSpace() / 50);
                return (low ? Health.down().withDetail("reason", "little space left") : Health.up()).withDetails(d)
                        .build();
            } catch (IOException e) {
                return Health.down().withDetails(d).withDetail("error", e.getMessage()).build();
            }
        };
    }
}
