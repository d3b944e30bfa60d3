package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.config.ConfigFailureAnalyzer;
import io.jpod.error.ConfigException;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Configuration errors stop a real start-up with a message that names file, line and key. */
class StartupFailureIT {

    @TempDir
    Path root;

    @Test
    void badTomlStopsStartupNamingFileAndLine() throws Exception {
        Path conf = root.resolve("etc/containers/libpod.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "runtime = \"runc\"\nnum_locks = \"lots\"\n");
        Throwable failure = catchStart(TestDaemon.isolated(root));
        ConfigException e = rootConfigException(failure);
        assertThat(e.file()).isEqualTo(conf);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.key()).isEqualTo("num_locks");
        FailureAnalysis analysis = new ConfigFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).contains(conf.toString()).contains("line 2");
        assertThat(analysis.getAction()).contains("num_locks").contains("line 2");
        // nothing was created: the failure came before any directory or database
        assertThat(root.resolve("storage")).doesNotExist();
    }

    @Test
    void unknownStateTypeStopsStartup() {
        Map<String, Object> p = TestDaemon.isolated(root);
        p.put("libpod.state-type", "boltdb");
        assertThat(rootConfigException(catchStart(p)).getMessage()).contains("unrecognized state type");
    }

    @Test
    void memoryStateRunsWithoutADatabaseFile() throws Exception {
        Map<String, Object> p = TestDaemon.isolated(root);
        p.put("libpod.state-type", "memory");
        try (TestDaemon d = TestDaemon.start(p)) {
            assertThat(d.state()).isInstanceOf(io.jpod.state.InMemoryState.class);
            assertThat(d.get("/libpod/info").statusCode()).isEqualTo(200);
            assertThat(d.state().dbConfig().staticDir()).isEqualTo(d.runtime().config().staticDir());
        }
        assertThat(root.resolve("storage/libpod/jpod.db")).doesNotExist();
    }

    private static Throwable catchStart(Map<String, Object> props) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                TestDaemon.start(props).close();
            } catch (Throwable t) {
                caught[0] = t;
                throw t;
            }
        }).isNotNull();
        return caught[0];
    }

    private static ConfigException rootConfigException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException e) {
                return e;
            }
        }
        throw new AssertionError("no ConfigException in " + t);
    }
}
