package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void defaultsToAnUnboundedK8sFile() {
        LogConfig c = LogConfig.of(null, null, null);
        assertThat(c.type()).isEqualTo("k8s-file");
        assertThat(c.maxSize()).isZero();
        assertThat(c.none()).isFalse();
    }

    @Test
    void jsonFileIsKeptAsAskedWithItsSize() {
        LogConfig c = LogConfig.of("json-file", Map.of("max-size", "10m", "max-file", "1"), null);
        assertThat(c.type()).isEqualTo("json-file");
        assertThat(c.maxSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.options()).containsEntry("max-size", "10m");
        assertThat(LogConfig.of("k8s-file", null, 4096L).maxSize()).isEqualTo(4096);
        assertThat(LogConfig.bytes("1.5k")).isEqualTo(1536);
        assertThat(LogConfig.bytes("200")).isEqualTo(200);
        assertThat(c.maxFile()).isEqualTo(1);
    }

    @Test
    void severalFilesNeedASize() {
        assertThat(LogConfig.of("json-file", Map.of("max-size", "1k", "max-file", "3"), null).maxFile()).isEqualTo(3);
        assertThat(LogConfig.of("k8s-file", Map.of("max-file", "2"), 4096L).maxFile()).isEqualTo(2);
        assertThat(LogConfig.DEFAULT.maxFile()).isEqualTo(1);
        assertThatThrownBy(() -> LogConfig.of("json-file", Map.of("max-file", "3"), null))
                .hasMessageContaining("max-file=3 needs max-size");
        assertThatThrownBy(() -> LogConfig.of("json-file", Map.of("max-size", "1k", "max-file", "0"), null))
                .hasMessageContaining("at least 1");
    }

    @Test
    void noneKeepsNoLog() {
        assertThat(LogConfig.of("none", Map.of(), null).none()).isTrue();
    }

    @Test
    void refusesWhatCannotBeHonoured() {
        assertThatThrownBy(() -> LogConfig.of("journald", null, null)).isInstanceOf(EngineException.class)
                .hasMessageContaining("journald");
        assertThatThrownBy(() -> LogConfig.of("syslog", null, null)).hasMessageContaining("not supported");
        assertThatThrownBy(() -> LogConfig.of("json-file", Map.of("max-size", "ten"), null))
                .hasMessageContaining("max-size");
        assertThatThrownBy(() -> LogConfig.of("json-file", Map.of("compress", "true"), null))
                .hasMessageContaining("compress");
        assertThatThrownBy(() -> LogConfig.of("none", Map.of("max-size", "1m"), null))
                .hasMessageContaining("none");
    }
}
