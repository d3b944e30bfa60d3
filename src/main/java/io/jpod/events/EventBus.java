package io.jpod.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The engine's event stream, in memory: services publish, followers subscribe. The most recent
 * events are kept so a follower can ask for what happened since a moment (Docker's {@code since}).
 * A failing follower never breaks the operation that published.
 */
public final class EventBus {

    private static final Log LOG = LogFactory.getLog(EventBus.class);

    private record Numbered(long seq, EngineEvent event) {}

    private final int keep;
    private final Deque<Numbered> recent = new ArrayDeque<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private long seq;
    private volatile boolean closed;

    public EventBus(int keep) {
        this.keep = keep;
    }

    /** Publishes an event stamped now. */
    public void publish(String type, String action, String id, String name, Map<String, String> attributes) {
        publish(new EngineEvent(type, action, id, name, attributes, Instant.now()));
    }

    public void publish(EngineEvent event) {
        Numbered n;
        synchronized (recent) {
            n = new Numbered(++seq, event);
            recent.addLast(n);
            while (recent.size() > keep) {
                recent.removeFirst();
            }
        }
        for (Follower f : followers) {
            f.deliver(n);
        }
    }

    /**
     * Follows new events until the returned handle is closed. With {@code since}, the kept events
     * from that moment on come first, in order, without gaps or repeats.
     */
    public Subscription follow(Instant since, Consumer<EngineEvent> consumer) {
        List<Numbered> backlog = new ArrayList<>();
        Follower f;
        synchronized (recent) {
            if (since != null) {
                for (Numbered n : recent) {
                    if (!n.event().time().isBefore(since)) {
                        backlog.add(n);
                    }
                }
            }
            f = new Follower(consumer, seq);
            followers.add(f);
        }
        f.backlog(backlog);
        return () -> followers.remove(f);
    }

    /** Following events until closed. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Where {@link #stream} hands events, and what it does after a quiet spell. */
    public interface Sink {
        void event(EngineEvent e) throws java.io.IOException;

        /** Nothing happened for a while: a client that left is only noticed by writing something. */
        void quiet() throws java.io.IOException;
    }

    /**
     * Follows events from {@code since} (kept ones first) into {@code sink} until {@code until}
     * (null: no end) or until the bus closes; a sink that fails to write ends it. Events queued
     * beyond 10,000 for a slow sink are dropped.
     */
    public void stream(Instant since, Instant until, java.time.Duration quietAfter, Sink sink)
            throws java.io.IOException, InterruptedException {
        java.util.concurrent.BlockingQueue<EngineEvent> queue = new java.util.concurrent.LinkedBlockingQueue<>(10_000);
        try (Subscription ignored = follow(since, queue::offer)) {
            long quietSince = System.nanoTime();
            while ((until == null || Instant.now().isBefore(until)) && !closed) {
                EngineEvent e = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (e != null && (until == null || !e.time().isAfter(until))) {
                    sink.event(e);
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > quietAfter.toNanos()) {
                    sink.quiet();
                    quietSince = System.nanoTime();
                }
            }
        }
    }

    /** The kept events from {@code since} to {@code until} (either may be null). */
    public List<EngineEvent> between(Instant since, Instant until) {
        synchronized (recent) {
            return recent.stream().map(Numbered::event).filter(e -> (since == null || !e.time().isBefore(since))
                    && (until == null || !e.time().isAfter(until))).toList();
        }
    }

    /**
     * The daemon is stopping: followers' loops see {@link #isClosed()} and end their streams, so
     * the web server's graceful shutdown does not wait on connections that never finish.
     */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Attributes for publishers, leaving out empty values. */
    public static Map<String, String> attributes(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null && !keyValues[i + 1].isEmpty()) {
                m.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return m;
    }

    /** One follower: the backlog first, then live events newer than it was registered at. */
    private static final class Follower {
        private final Consumer<EngineEvent> consumer;
        private final long registeredAt;
        private List<Numbered> pending = new ArrayList<>();

        Follower(Consumer<EngineEvent> consumer, long registeredAt) {
            this.consumer = consumer;
            this.registeredAt = registeredAt;
        }

        synchronized void backlog(List<Numbered> backlog) {
            List<Numbered> live = pending;
            pending = null;
            backlog.forEach(this::hand);
            live.forEach(this::hand);
        }

        synchronized void deliver(Numbered n) {
            if (n.seq() <= registeredAt) {
                return; // part of the backlog
            }
            if (pending != null) {
                pending.add(n);
            } else {
                hand(n);
            }
        }

        private void hand(Numbered n) {
            try {
                consumer.accept(n.event());
            } catch (RuntimeException e) {
                LOG.debug("an event follower failed: " + e.getMessage());
            }
        }
    }
}
