package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PruneFiltersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static PruneFilters of(Map<String, List<String>> f) {
        return PruneFilters.of(f, NOW);
    }

    private static void invalid(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(message).contains("nothing was removed");
        });
    }

    @Test
    void goDurationsCountBackFromNow() {
        assertThat(PruneFilters.timestamp("24h", NOW)).isEqualTo(NOW.minus(Duration.ofHours(24)));
        assertThat(PruneFilters.timestamp("1h30m", NOW)).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
        assertThat(PruneFilters.timestamp("1.5h", NOW)).isEqualTo(NOW.minus(Duration.ofMinutes(90)));
        assertThat(PruneFilters.timestamp("10s", NOW)).isEqualTo(NOW.minusSeconds(10));
        assertThat(PruneFilters.timestamp("250ms", NOW)).isEqualTo(NOW.minusMillis(250));
        assertThat(PruneFilters.timestamp("0", NOW)).isEqualTo(NOW);
        // a negative duration is in the future: everything old enough
        assertThat(PruneFilters.timestamp("-1h", NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(PruneFilters.duration("1d")).isNull();
        assertThat(PruneFilters.duration("h")).isNull();
        assertThat(PruneFilters.duration("1h 2m")).isNull();
    }

    @Test
    void unixSecondsRfc3339AndDates() {
        assertThat(PruneFilters.timestamp("1700000000", NOW)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(PruneFilters.timestamp("1700000000.5", NOW))
                .isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000L));
        assertThat(PruneFilters.timestamp("2026-12-01T10:00:00Z", NOW)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(PruneFilters.timestamp("2026-12-01T10:00:00.123+02:00", NOW))
                .isEqualTo(Instant.parse("2026-12-01T08:00:00.123Z"));
        assertThat(PruneFilters.timestamp("2026-12-01", NOW))
                .isEqualTo(LocalDate.parse("2026-12-01").atStartOfDay(ZoneId.systemDefault()).toInstant());
        invalid(() -> PruneFilters.timestamp("yesterday", NOW), "until=yesterday");
        invalid(() -> of(Map.of("until", List.of("1h", "2h"))), "more than one");
        invalid(() -> of(Map.of("until", List.of("1h"), "unused-for", List.of("2h"))), "more than one");
    }

    @Test
    void untilKeepsWhatIsNewerOrOfUnknownAge() {
        PruneFilters f = of(Map.of("until", List.of("1h")));
        assertThat(f.test(Map.of(), NOW.minus(Duration.ofHours(2)))).isTrue();
        assertThat(f.test(Map.of(), NOW.minus(Duration.ofMinutes(30)))).isFalse();
        assertThat(f.test(Map.of(), null)).isFalse();
        assertThat(of(Map.of("unused-for", List.of("1h"))).test(Map.of(), NOW.minus(Duration.ofMinutes(30))))
                .isFalse();
        assertThat(of(Map.of()).test(Map.of(), null)).isTrue();
    }

    @Test
    void labelsAllMustHoldAndNotLabelsNoneMay() {
        Map<String, String> labels = Map.of("stage", "build", "team", "a");
        assertThat(of(Map.of("label", List.of("stage"))).test(labels, NOW)).isTrue();
        assertThat(of(Map.of("label", List.of("stage=build", "team=a"))).test(labels, NOW)).isTrue();
        assertThat(of(Map.of("label", List.of("stage=build", "team=b"))).test(labels, NOW)).isFalse();
        assertThat(of(Map.of("label", List.of("other"))).test(labels, NOW)).isFalse();
        assertThat(of(Map.of("label!", List.of("keep"))).test(labels, NOW)).isTrue();
        assertThat(of(Map.of("label!", List.of("stage"))).test(labels, NOW)).isFalse();
        assertThat(of(Map.of("label!", List.of("stage=test"))).test(labels, NOW)).isTrue();
        assertThat(of(Map.of("label!", List.of("stage=build"))).test(labels, NOW)).isFalse();
        assertThat(of(Map.of("label!", List.of("keep", "team=a"))).test(labels, NOW)).isFalse();
        assertThat(of(Map.of("label", List.of("stage"), "label!", List.of("team=b"))).test(labels, NOW)).isTrue();
    }

    @Test
    void aKeyThePruneDoesNotHonourIsRefused() {
        invalid(() -> PruneFilters.parse(JSON, "{\"until\":[\"1h\"]}", PruneFilters.LABELS), "invalid filter 'until'");
        invalid(() -> PruneFilters.parse(JSON, "{\"name\":[\"x\"]}", PruneFilters.LABELS_UNTIL), "'name'");
        invalid(() -> PruneFilters.parse(JSON, "{\"until\":[\"soon\"]}", PruneFilters.LABELS_UNTIL), "soon");
        PruneFilters images = PruneFilters.parse(JSON, "{\"dangling\":[\"false\"],\"label!\":{\"keep\":true}}",
                PruneFilters.IMAGES);
        assertThat(images.allImages()).isTrue();
        assertThat(images.test(Map.of("keep", ""), null)).isFalse();
        assertThat(PruneFilters.parse(JSON, "{}", PruneFilters.IMAGES).allImages()).isFalse();
        assertThat(PruneFilters.parse(JSON, null, PruneFilters.LABELS).isEmpty()).isTrue();
    }
}
