package io.jpod.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBusTest {

    @Test
    void followersGetTheBacklogThenLiveEventsInOrderWithoutRepeats() throws Exception {
        EventBus bus = new EventBus(100);
        Instant start = Instant.now();
        bus.publish("container", "create", "a", "one", Map.of());
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable f = bus.follow(start, e -> seen.add(e.action() + " " + e.id()))) {
            bus.publish("container", "start", "a", "one", Map.of());
        }
        bus.publish("container", "die", "a", "one", Map.of());
        assertThat(seen).containsExactly("create a", "start a");
    }

    @Test
    void manyPublishersWhileFollowingLoseAndRepeatNothing() throws Exception {
        EventBus bus = new EventBus(100_000);
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] publishers = new Thread[4];
        for (int t = 0; t < publishers.length; t++) {
            int n = t;
            publishers[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    bus.publish("container", "start", n + "-" + i, "", Map.of());
                }
            });
            publishers[t].start();
        }
        Instant before = Instant.EPOCH;
        go.countDown();
        Thread.sleep(1); // subscribe while the publishers run: part backlog, part live
        try (AutoCloseable f = bus.follow(before, e -> seen.add(e.id()))) {
            for (Thread p : publishers) {
                p.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        assertThat(seen).hasSize(2000).doesNotHaveDuplicates();
    }

    @Test
    void aFailingFollowerDoesNotStopThePublisherOrTheOthers() throws Exception {
        EventBus bus = new EventBus(10);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable bad = bus.follow(null, e -> {
            throw new IllegalStateException("broken page");
        }); AutoCloseable good = bus.follow(null, e -> seen.add(e.action()))) {
            bus.publish("volume", "create", "v", "v", Map.of());
        }
        assertThat(seen).containsExactly("create");
    }

    @Test
    void keepsOnlyTheNewestEventsAndAnswersRanges() {
        EventBus bus = new EventBus(3);
        for (int i = 0; i < 5; i++) {
            bus.publish(new EngineEvent("image", "tag", "i" + i, "", Map.of(), Instant.ofEpochSecond(100 + i)));
        }
        assertThat(bus.between(null, null)).extracting(EngineEvent::id).containsExactly("i2", "i3", "i4");
        assertThat(bus.between(Instant.ofEpochSecond(103), Instant.ofEpochSecond(103)))
                .extracting(EngineEvent::id).containsExactly("i3");
        assertThat(EventBus.attributes("image", "busybox", "pod", null, "exitCode", ""))
                .containsExactly(Map.entry("image", "busybox"));
    }
}
