package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.image.ImageConfig;
import io.jpod.state.ContainerConfig.Healthcheck;
import io.jpod.state.ContainerHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker's health rules: merging with the image's check, the status a result leads to, the timeout's words. */
class HealthchecksTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static ContainerHealth.Result result(int code, long secondsAfterStart) {
        Instant at = T0.plusSeconds(secondsAfterStart);
        return new ContainerHealth.Result(at, at.plusMillis(10), code, "");
    }

    @Test
    void successMakesHealthyAndRetriesFailuresInARowUnhealthy() {
        Healthcheck h = new Healthcheck(List.of("CMD", "true"), 0, 0, 0, 0, 2);
        ContainerHealth s = ContainerHealth.starting();
        s = Healthchecks.next(s, h, T0, result(1, 1));
        assertThat(s.status()).isEqualTo("starting");
        assertThat(s.failingStreak()).isEqualTo(1);
        s = Healthchecks.next(s, h, T0, result(1, 2));
        assertThat(s.status()).isEqualTo("unhealthy");
        assertThat(s.failingStreak()).isEqualTo(2);
        s = Healthchecks.next(s, h, T0, result(0, 3));
        assertThat(s.status()).isEqualTo("healthy");
        assertThat(s.failingStreak()).isZero();
        s = Healthchecks.next(s, h, T0, result(1, 4));
        assertThat(s.status()).as("one failure of two allowed").isEqualTo("healthy");
        assertThat(s.log()).hasSize(4);
    }

    @Test
    void failuresInTheStartPeriodDoNotCountUntilAPassOrItsEnd() {
        Healthcheck h = new Healthcheck(List.of("CMD", "true"), 0, 0, Duration.ofSeconds(10).toNanos(), 0, 1);
        ContainerHealth s = Healthchecks.next(ContainerHealth.starting(), h, T0, result(1, 5));
        assertThat(s.status()).isEqualTo("starting");
        assertThat(s.failingStreak()).isZero();
        s = Healthchecks.next(s, h, T0, result(1, 11));
        assertThat(s.status()).isEqualTo("unhealthy");
    }

    @Test
    void onlyTheLastFiveResultsAreKept() {
        Healthcheck h = new Healthcheck(List.of("CMD", "true"), 0, 0, 0, 0, 0);
        ContainerHealth s = ContainerHealth.starting();
        for (int i = 0; i < 7; i++) {
            s = Healthchecks.next(s, h, T0, result(i == 6 ? 0 : 1, i));
        }
        assertThat(s.log()).hasSize(5);
        assertThat(s.log().get(4).start()).isEqualTo(T0.plusSeconds(6));
        assertThat(h.effectiveRetries()).isEqualTo(3);
        assertThat(h.effectiveInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theRequestOverridesTheImagesFieldByFieldAndNoneTurnsItOff() {
        ImageConfig.Healthcheck image = new ImageConfig.Healthcheck(List.of("CMD-SHELL", "curl -f x"), 5_000_000_000L,
                2_000_000_000L, 0, 0, 4);
        assertThat(HealthSettings.merge(null, image).test()).containsExactly("CMD-SHELL", "curl -f x");
        Healthcheck merged = HealthSettings.merge(new Healthcheck(null, 1_000_000_000L, 0, 0, 0, 0), image);
        assertThat(merged.test()).containsExactly("CMD-SHELL", "curl -f x");
        assertThat(merged.interval()).isEqualTo(1_000_000_000L);
        assertThat(merged.timeout()).isEqualTo(2_000_000_000L);
        assertThat(merged.retries()).isEqualTo(4);
        assertThat(HealthSettings.merge(new Healthcheck(List.of("NONE"), 0, 0, 0, 0, 0), image).test())
                .containsExactly("NONE");
        assertThat(HealthSettings.merge(null, null)).isNull();
        assertThat(HealthSettings.argv(merged, List.of())).containsExactly("/bin/sh", "-c", "curl -f x");
        assertThat(HealthSettings.argv(new Healthcheck(List.of("CMD", "ls", "-l"), 0, 0, 0, 0, 0), List.of()))
                .containsExactly("ls", "-l");
    }

    @Test
    void badChecksAreTheClientsMistake() {
        assertThatThrownBy(() -> HealthSettings.merge(new Healthcheck(List.of("SHELL", "x"), 0, 0, 0, 0, 0), null))
                .isInstanceOf(EngineException.class).hasMessageContaining("unknown test type");
        assertThatThrownBy(() -> HealthSettings.merge(new Healthcheck(List.of("CMD"), 0, 0, 0, 0, 0), null))
                .isInstanceOf(EngineException.class).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> HealthSettings.merge(new Healthcheck(List.of("CMD", "x"), 10, 0, 0, 0, 0), null))
                .hasMessageContaining("Interval in Healthcheck cannot be less than 1ms");
        assertThatThrownBy(() -> HealthSettings.merge(new Healthcheck(List.of("CMD", "x"), 0, 0, 0, 0, -1), null))
                .hasMessageContaining("cannot be negative");
    }

    @Test
    void timeoutsReadAsGoPrintsThem() {
        assertThat(HealthProbe.goDuration(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(HealthProbe.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(HealthProbe.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(HealthProbe.goDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(HealthProbe.goDuration(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(HealthProbe.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
    }
}
