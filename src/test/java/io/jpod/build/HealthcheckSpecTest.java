package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthcheckSpecTest {

    private static HealthcheckSpec parse(String line) {
        return HealthcheckSpec.parse(Dockerfile.parseLine(line, 3, '\\'));
    }

    @Test
    void forms() {
        assertThat(parse("HEALTHCHECK NONE").test()).containsExactly("NONE");
        HealthcheckSpec shell = parse("HEALTHCHECK CMD curl -f http://localhost/ || exit 1");
        assertThat(shell.test()).containsExactly("CMD-SHELL", "curl -f http://localhost/ || exit 1");
        assertThat(shell.interval()).isZero();
        assertThat(shell.timeout()).isZero();
        assertThat(shell.startPeriod()).isZero();
        assertThat(shell.startInterval()).isZero();
        assertThat(shell.retries()).isZero();
        assertThat(parse("HEALTHCHECK cmd [\"/bin/check\", \"-v\"]").test()).containsExactly("CMD", "/bin/check", "-v");
    }

    @Test
    void flags() {
        HealthcheckSpec h = parse("HEALTHCHECK --interval=1m30s --timeout=\"500ms\" --start-period=2s "
                + "--start-interval=1.5s --retries=4 CMD true");
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(h.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(h.startPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.startInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(h.retries()).isEqualTo(4);
        assertThat(parse("HEALTHCHECK --interval=0 CMD true").interval()).isZero();
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> parse("HEALTHCHECK NONE extra")).isInstanceOf(EngineException.class)
                .hasMessage("Dockerfile line 3: HEALTHCHECK NONE takes no arguments");
        assertThatThrownBy(() -> parse("HEALTHCHECK RUN x")).hasMessageContaining("Unknown type \"RUN\"");
        assertThatThrownBy(() -> parse("HEALTHCHECK CMD")).hasMessageContaining("Missing command");
        assertThatThrownBy(() -> parse("HEALTHCHECK --interval=5 CMD x")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> parse("HEALTHCHECK --interval=-5s CMD x")).hasMessageContaining("less than 1ms");
        assertThatThrownBy(() -> parse("HEALTHCHECK --timeout=100us CMD x")).hasMessageContaining("less than 1ms");
        assertThatThrownBy(() -> parse("HEALTHCHECK --retries=-1 CMD x")).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> parse("HEALTHCHECK --retries=many CMD x")).hasMessageContaining("--retries");
    }

    @Test
    void goDurations() {
        assertThat(Durations.parseGo("1h2m3s4ms5us6ns")).isEqualTo(Duration.ofHours(1).plusMinutes(2).plusSeconds(3)
                .plusMillis(4).plusNanos(5006));
        assertThat(Durations.parseGo("+.5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parseGo("-1m")).isEqualTo(Duration.ofMinutes(-1));
        assertThat(Durations.parseGo("2µs")).isEqualTo(Duration.ofNanos(2000));
        for (String bad : new String[] {"", "s", "1", "1x", "1s2", ".s", "1 s"}) {
            assertThatThrownBy(() -> Durations.parseGo(bad)).as(bad).isInstanceOf(EngineException.class);
        }
    }
}
