package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.events.EngineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsControllerTest {

    static final EngineEvent DIED = new EngineEvent("container", "die", "abc123", "web",
            Map.of("image", "busybox", "exitCode", "3", "pod", "p1"), Instant.ofEpochSecond(1700000000, 5));

    @Test
    void dockerMessageCarriesTheOldAndNewFields() {
        Map<String, Object> m = EventsController.message(DIED);
        assertThat(m).containsEntry("status", "die").containsEntry("id", "abc123").containsEntry("from", "busybox")
                .containsEntry("Type", "container").containsEntry("Action", "die")
                .containsEntry("time", 1700000000L).containsEntry("timeNano", 1700000000000000005L);
        assertThat(((Map<?, ?>) m.get("Actor")).get("ID")).isEqualTo("abc123");
    }

    @Test
    void libpodWordsAreWhatPodmansClientReads() {
        EngineEvent e = EventsController.libpodWords(DIED);
        assertThat(e.action()).isEqualTo("died");
        assertThat(e.attributes()).containsEntry("containerExitCode", "3").containsEntry("podId", "p1")
                .doesNotContainKey("exitCode");
        EngineEvent started = EventsController.libpodWords(new EngineEvent("container", "start", "x", "", Map.of(),
                Instant.now()));
        assertThat(started.attributes()).containsEntry("containerExitCode", "0");
        assertThat(EventsController.libpodWords(new EngineEvent("image", "delete", "i", "", Map.of(), Instant.now()))
                .action()).isEqualTo("remove");
    }

    @Test
    void filtersByTypeActionObjectAndImage() {
        assertThat(EventsController.matches(DIED, Map.of("type", List.of("container"), "event", List.of("die"))))
                .isTrue();
        assertThat(EventsController.matches(DIED, Map.of("event", List.of("start")))).isFalse();
        assertThat(EventsController.matches(DIED, Map.of("container", List.of("web")))).isTrue();
        assertThat(EventsController.matches(DIED, Map.of("container", List.of("abc")))).isTrue();
        assertThat(EventsController.matches(DIED, Map.of("volume", List.of("web")))).isFalse();
        assertThat(EventsController.matches(DIED, Map.of("image", List.of("busybox")))).isTrue();
    }

    @Test
    void healthStatusEventsMatchTheirPrefixAndReadAsPodmansWord() {
        EngineEvent healthy = new EngineEvent("container", "health_status: healthy", "abc123", "web",
                Map.of("image", "busybox", "health_status", "healthy"), Instant.now());
        assertThat(EventsController.matches(healthy, Map.of("event", List.of("health_status")))).isTrue();
        assertThat(EventsController.matches(healthy, Map.of("event", List.of("health_status: healthy")))).isTrue();
        assertThat(EventsController.matches(healthy, Map.of("event", List.of("health_status: unhealthy"))))
                .isFalse();
        assertThat(EventsController.matches(DIED, Map.of("event", List.of("health_status")))).isFalse();
        EngineEvent libpod = EventsController.libpodWords(healthy);
        assertThat(libpod.action()).isEqualTo("health_status");
        assertThat(libpod.attributes()).containsEntry("health_status", "healthy");
    }

    @Test
    void boundsAreUnixSecondsRfc3339OrDurationsBackFromNow() {
        assertThat(EventsController.time("1700000000.5")).isEqualTo(Instant.ofEpochSecond(1700000000, 500_000_000));
        assertThat(EventsController.time("2024-01-02T03:04:05Z")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        Instant ninetyMinutesAgo = EventsController.time("1h30m");
        assertThat(Duration.between(ninetyMinutesAgo, Instant.now())).isBetween(Duration.ofMinutes(89),
                Duration.ofMinutes(91));
        assertThat(EventsController.time(null)).isNull();
    }
}
