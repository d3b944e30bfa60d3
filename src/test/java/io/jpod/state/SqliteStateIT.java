package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real SQLite file, plus what only a real database shows. */
class SqliteStateIT extends StateContract {

    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        root = Files.createTempDirectory("jpod-sqlite-state");
        daemon = TestDaemon.start(TestDaemon.isolated(root));
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root.toFile());
    }

    @Override
    protected State state() {
        return daemon.bean(State.class);
    }

    @Test
    void usesTheDatabaseFileInTheStaticDirWithTheChosenPragmas() throws Exception {
        assertThat(state).isInstanceOf(SqliteState.class);
        assertThat(root.resolve("storage/libpod/jpod.db")).isRegularFile();
        try (Connection c = daemon.bean(DataSource.class).getConnection()) {
            assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
            assertThat(pragma(c, "synchronous")).isEqualTo("2");
            assertThat(pragma(c, "busy_timeout")).isEqualTo("100000");
        }
    }

    private static String pragma(Connection c, String name) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** WAL: a reader takes no write lock, so another process's write lock does not hold it up. */
    @Test
    void readsGoOnAtOnceWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
        String id = newId();
        String n = name("read-under-lock");
        state.addContainer(new ContainerConfig(id, n, ns, null, 1, Instant.now(), null, null, List.of(), Map.of(),
                false), ContainerState.configured());
        try (Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + root.resolve("storage/libpod/jpod.db")); var st = other.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            long t0 = System.nanoTime();
            for (int i = 0; i < 8; i++) { // more than the pool holds: every connection reads under the lock
                assertThat(state.lookupContainer(n).config().id()).isEqualTo(id);
                assertThat(state.allContainers()).extracting(c -> c.config().id()).contains(id);
            }
            long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("16 reads under another connection's write lock (busy timeout 100 s)").isLessThan(5000);
            st.execute("ROLLBACK");
        }
        state.saveContainerState(id, state.container(id).state().withStatus(ContainerStatus.CREATED));
        assertThat(state.container(id).state().status()).isEqualTo(ContainerStatus.CREATED);
        state.removeContainer(id);
    }

    @Test
    void concurrentCheckThenWriteCallsNeverSeeDatabaseIsLocked() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    String id = newId();
                    String n = name("c" + thread + "-" + i);
                    state.addContainer(new ContainerConfig(id, n, ns, null, i, Instant.now(), null, null, List.of(),
                            Map.of(), false), ContainerState.configured());
                    state.lookupContainer(n);
                    state.saveContainerState(id, state.container(id).state().withStatus(ContainerStatus.CREATED));
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        assertThat(state.allContainers()).hasSize(320)
                .allMatch(c -> c.state().status() == ContainerStatus.CREATED);
    }
}
