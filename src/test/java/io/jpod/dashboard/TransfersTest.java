package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.registry.ProgressListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's background jobs, with work that stands in for the registry code. */
class TransfersTest {

    final Transfers transfers = new Transfers();

    @AfterEach
    void close() {
        transfers.close();
    }

    static Transfer.Snapshot awaitDone(Transfer t) throws InterruptedException {
        long seen = -1;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!t.snapshot().done() && System.nanoTime() < end) {
            seen = t.awaitChange(seen, 500);
        }
        assertThat(t.snapshot().done()).as("job finished").isTrue();
        return t.snapshot();
    }

    @Test
    void aJobRecordsItsLayersMessagesAndOutcome() throws Exception {
        Transfer t = transfers.start("pull", "busybox", l -> {
            l.layer("latest", "Pulling from library/busybox", 0, 0);
            l.layer("aaaaaaaaaaaa", "Pulling fs layer", 0, 0);
            l.layer("aaaaaaaaaaaa", "Downloading", 512, 2048);
            l.layer("bbbbbbbbbbbb", "Already exists", 0, 0);
            l.layer("aaaaaaaaaaaa", "Download complete", 0, 0);
            l.message("Digest: sha256:abc");
            return new Transfer.Outcome("pulled busybox", "0123456789abcdef", null);
        });
        Transfer.Snapshot s = awaitDone(t);
        assertThat(s.state()).isEqualTo(Transfer.State.SUCCEEDED);
        assertThat(s.layers()).extracting(Transfer.Layer::id).containsExactly("aaaaaaaaaaaa", "bbbbbbbbbbbb");
        // a step without a byte count keeps the size the download reported, and fills the bar
        assertThat(s.layers().get(0)).isEqualTo(new Transfer.Layer("aaaaaaaaaaaa", "Download complete", 2048, 2048,
                100, "2.0 KiB"));
        assertThat(s.layers().get(1).percent()).isEqualTo(100);
        assertThat(s.messages()).containsExactly("Pulling from library/busybox", "Digest: sha256:abc");
        assertThat(s.notice()).isEqualTo("pulled busybox");
        assertThat(s.shortId()).isEqualTo("0123456789ab");
        assertThat(transfers.get(t.id())).isSameAs(t);
    }

    @Test
    void theBytesOfADownloadInProgress() {
        assertThat(Transfer.Layer.of("a", "Downloading", 1024, 4096)).extracting(Transfer.Layer::percent,
                Transfer.Layer::bytes).containsExactly(25, "1.0 KiB / 4.0 KiB");
        assertThat(Transfer.Layer.of("a", "Waiting", 0, 0).percent()).isEqualTo(-1);
    }

    @Test
    void aFailureKeepsTheEnginesMessage() throws Exception {
        Transfer t = transfers.start("push", "127.0.0.1:1/x:1", l -> {
            throw EngineException.unauthenticated("authentication required");
        });
        Transfer.Snapshot s = awaitDone(t);
        assertThat(s.state()).isEqualTo(Transfer.State.FAILED);
        assertThat(s.error()).isEqualTo("authentication required");
        assertThat(s.notice()).isNull();
    }

    @Test
    void cancelInterruptsTheRunningWorkAndStopsItsListener() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean listenerRefused = new AtomicBoolean();
        Transfer t = transfers.start("pull", "big", l -> {
            l.layer("cccccccccccc", "Downloading", 1, 100);
            started.countDown();
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(1)); // a download that would go on
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            try {
                l.layer("cccccccccccc", "Downloading", 2, 100);
            } catch (RuntimeException e) {
                listenerRefused.set(true); // the registry code takes this as "stop" too
            }
            throw EngineException.invalidState("pull of big cancelled");
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(transfers.cancel(t.id())).isTrue();
        Transfer.Snapshot s = awaitDone(t);
        assertThat(interrupted).isTrue();
        assertThat(listenerRefused).isTrue();
        assertThat(s.state()).isEqualTo(Transfer.State.CANCELLED);
        assertThat(s.error()).isNull();
        assertThat(s.notice()).isEqualTo("pull of big cancelled");
        assertThat(s.layers().get(0).current()).isEqualTo(1);
        assertThat(transfers.cancel(t.id())).as("a finished job").isFalse();
    }

    @Test
    void theQueueIsBoundedAndAQueuedJobCanBeCancelledBeforeItStarts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        java.util.List<Transfer> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < Transfers.RUNNING + Transfers.QUEUED; i++) {
            jobs.add(transfers.start("pull", "img" + i, l -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Transfer.Outcome("ok", "0123456789abcdef", null);
            }));
        }
        assertThatThrownBy(() -> transfers.start("pull", "one-too-many", l -> null))
                .isInstanceOf(EngineException.class).hasMessageContaining("too many")
                .extracting(e -> ((EngineException) e).category()).isEqualTo(EngineException.Category.RESOURCE_EXHAUSTED);
        Transfer last = jobs.get(jobs.size() - 1);
        assertThat(last.snapshot().state()).isEqualTo(Transfer.State.QUEUED);
        assertThat(transfers.cancel(last.id())).isTrue();
        assertThat(last.snapshot().state()).isEqualTo(Transfer.State.CANCELLED);
        release.countDown();
        assertThat(awaitDone(jobs.get(0)).state()).isEqualTo(Transfer.State.SUCCEEDED);
        Thread.sleep(100);
        assertThat(last.snapshot().state()).as("never ran").isEqualTo(Transfer.State.CANCELLED);
        assertThatThrownBy(() -> transfers.get("nope")).isInstanceOf(EngineException.class)
                .hasMessageContaining("no such pull or push");
    }

    @Test
    void theListenerIsSafeFromManyThreads() throws Exception {
        Transfer t = transfers.start("pull", "wide", l -> {
            Thread[] ts = new Thread[4];
            for (int i = 0; i < ts.length; i++) {
                String id = "layer" + i;
                ProgressListener same = l;
                ts[i] = new Thread(() -> {
                    for (int b = 1; b <= 200; b++) {
                        same.layer(id, "Downloading", b, 200);
                    }
                });
                ts[i].start();
            }
            for (Thread th : ts) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Transfer.Outcome("pulled wide", "0123456789abcdef", null);
        });
        Transfer.Snapshot s = awaitDone(t);
        assertThat(s.layers()).hasSize(4).allSatisfy(l -> assertThat(l.current()).isEqualTo(200));
    }
}
