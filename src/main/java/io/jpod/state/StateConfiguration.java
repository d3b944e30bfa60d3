package io.jpod.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jpod.config.RuntimeConfig;
import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the state backend from {@code libpod.state-type}: {@code sqlite} (default) opens
 * {@code <static_dir>/jpod.db}; {@code memory} keeps everything in this process.
 */
@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    public static final String DB_FILE = "jpod.db";

    /**
     * Connection settings, and why:
     * <ul>
     *   <li>{@code journal_mode=WAL}: readers never block the writer nor the writer the readers, so reads
     *       do not queue behind writes at all.</li>
     *   <li>Write transactions begin IMMEDIATE: they take the write lock at BEGIN. podman's
     *       "database is locked" errors under WAL came from deferred transactions that read and then
     *       tried to upgrade to a write lock; SQLite refuses such an upgrade at once (SQLITE_BUSY /
     *       BUSY_SNAPSHOT) whatever the busy timeout. Taking the lock up front makes waiting work.
     *       The connection itself is {@code transaction_mode=DEFERRED}, and {@link ImmediateWritesDialect}
     *       makes a write's BEGIN IMMEDIATE: reads never write, so never upgrade, and take no lock that
     *       waits (a reader is not blocked by a writer in WAL), so they go on while another process holds
     *       the database locked or its directory is read-only.</li>
     *   <li>{@code busy_timeout=100000}: podman's value; a writer waits instead of failing
     *       ({@code jpod.state.busy-timeout} changes it: a database another process holds locked then
     *       fails sooner, with a clear message).</li>
     *   <li>{@code synchronous=FULL}: a commit survives power loss, as in podman.</li>
     *   <li>{@code foreign_keys=ON}: SQLite leaves them off by default.</li>
     *   <li>A pool of 4: enough for concurrent API calls; writers are serialised by SQLite anyway.</li>
     * </ul>
     */
    /** Taken before the database opens (the data source needs it): a second daemon on these roots stops here. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "libpod.state-type", havingValue = "sqlite", matchIfMissing = true)
    RootsLock rootsLock(RuntimeConfig config) {
        // the tmp dir too: the crash recovery at start sweeps the runtime entries, conmons and leases under it.
        // Made here with libpod's mode for it (the runtime, later, only makes what is missing)
        Path tmp = Path.of(config.tmpDir());
        try {
            if (!Files.isDirectory(tmp)) {
                Files.createDirectories(tmp);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-x--x"));
            }
        } catch (IOException e) {
            throw EngineException.internal("error creating directory " + tmp + ": " + e.getMessage(), e);
        }
        return RootsLock.acquire(java.util.List.of(Path.of(config.staticDir()), Path.of(config.storage().graphRoot()),
                Path.of(config.tmpDir())));
    }

    @Bean
    @ConditionalOnProperty(name = "libpod.state-type", havingValue = "sqlite", matchIfMissing = true)
    DataSource dataSource(RuntimeConfig config, RootsLock rootsLock,
            @Value("${jpod.state.busy-timeout:100s}") Duration busyTimeout) {
        Path staticDir = Path.of(config.staticDir());
        try {
            if (!Files.isDirectory(staticDir)) {
                Files.createDirectories(staticDir);
                Files.setPosixFilePermissions(staticDir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw EngineException.internal("error creating runtime static files directory " + staticDir + ": "
                    + e.getMessage(), e);
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("jpod-state");
        hikari.setDriverClassName("org.sqlite.JDBC");
        hikari.setJdbcUrl("jdbc:sqlite:" + staticDir.resolve(DB_FILE) + "?journal_mode=WAL&synchronous=FULL"
                + "&foreign_keys=true&busy_timeout=" + busyTimeout.toMillis() + "&transaction_mode=DEFERRED");
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(1);
        return new HikariDataSource(hikari);
    }

    /** What is done to the connections after a fault of the file, and the one held open for the daemon's life. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "libpod.state-type", havingValue = "sqlite", matchIfMissing = true)
    StateConnections stateConnections(DataSource dataSource, RuntimeConfig config) throws java.sql.SQLException {
        HikariDataSource pool = (HikariDataSource) dataSource;
        return new StateConnections(() -> pool.getHikariPoolMXBean().softEvictConnections(),
                Path.of(config.staticDir()).resolve(DB_FILE), java.sql.DriverManager.getConnection(pool.getJdbcUrl()));
    }

    @Bean
    @ConditionalOnProperty(name = "libpod.state-type", havingValue = "sqlite", matchIfMissing = true)
    State sqliteState(DbConfigRepository dbConfigs, RegistryRepository registry,
            ContainerRepository containers, PodRepository pods, VolumeRepository volumes,
            ExecSessionRepository execs, JsonMapper json, RuntimeConfig config,
            jakarta.persistence.EntityManagerFactory emf, StateConnections connections) {
        // the state's own transaction manager: its dialect begins writes IMMEDIATE and repairs a failed BEGIN
        var tm = new org.springframework.orm.jpa.JpaTransactionManager(emf);
        tm.afterPropertiesSet(); // takes the factory's dialect: ours goes after it
        tm.setJpaDialect(new ImmediateWritesDialect());
        return new SqliteState(tm, tm, dbConfigs, registry, containers, pods, volumes, execs, json,
                Path.of(config.staticDir()).resolve(DB_FILE), connections);
    }

    @Bean
    @ConditionalOnProperty(name = "libpod.state-type", havingValue = "memory")
    State memoryState() {
        return new InMemoryState();
    }
}
