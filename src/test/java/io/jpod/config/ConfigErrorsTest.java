package io.jpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigErrorsTest {

    @TempDir
    Path tmp;

    ConfigHarness h;

    @BeforeEach
    void setUp() {
        h = new ConfigHarness(tmp);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "runtime = \"runc\"\\nnum_locks = 2048\\ninit_path = \"/x\\n| 3",
        "runtime = \"runc\"\\n[runtimes\\nrunc = []\\n| 2",
        "runtime = \"runc\"\\nruntime = \"crun\"\\n| 2",
        "# c\\n# c\\n# c\\nlabel = nope\\n| 4"
    })
    void malformedTomlNamesFileAndLine(String text, int line) throws Exception {
        h.write(h.etcConf(), text.replace("\\n", "\n"));
        assertThatThrownBy(h::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.file()).isEqualTo(h.etcConf());
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.getMessage()).contains(h.etcConf().toString()).contains("line " + line);
        });
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws Exception {
        h.write(h.etcConf(), "runtime = \"runc\"\n\nnum_locks = \"many\"\n");
        assertThatThrownBy(h::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.key()).isEqualTo("num_locks");
            assertThat(e.getMessage()).contains("line 3").contains("\"num_locks\"").contains("must be an integer");
        });
    }

    @Test
    void wrongTypeInsideTheRuntimesTable() throws Exception {
        h.write(h.etcConf(), "[runtimes]\nrunc = \"/usr/bin/runc\"\n");
        assertThatThrownBy(h::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.key()).isEqualTo("runtimes.runc");
            assertThat(e.line()).isEqualTo(2);
        });
    }

    @Test
    void wrongTypeOfArrayElement() throws Exception {
        h.write(h.etcConf(), "conmon_path = [\"/a\", 3]\n");
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"conmon_path\"").hasMessageContaining("an array of strings");
    }

    @Test
    void impossibleValueInFileNamesLineAndKey() throws Exception {
        h.write(h.etcConf(), "label = true\nnum_locks = 0\n");
        assertThatThrownBy(h::load).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.key()).isEqualTo("num_locks");
        });
    }

    @Test
    void badCgroupManagerInFile() throws Exception {
        h.write(h.etcConf(), "cgroup_manager = \"upstart\"\n");
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class).hasMessageContaining("line 1");
    }

    @Test
    void unknownKeysGiveOneWarningListingThem() throws Exception {
        h.write(h.etcConf(), "pause_image = \"x\"\nruntime = \"runc\"\npause_command = \"y\"\n");
        RuntimeConfig c = h.load();
        assertThat(c.runtime()).isEqualTo("runc");
        assertThat(h.warnings).hasSize(1);
        assertThat(h.warnings.get(0)).contains("pause_image (line 1)").contains("pause_command (line 3)");
    }

    @Test
    void malformedStorageConfIsReported() throws Exception {
        h.write(tmp.resolve("etc/jpod/storage.conf"), "[storage\ndriver = \"overlay\"\n");
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class).hasMessageContaining("storage.conf");
    }
}
