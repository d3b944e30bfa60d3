package io.jpod.lock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's lock order, as code, and a check of it. Each kind of lock has a rank; a thread may
 * only take a lock of a higher rank than every lock it holds (see the package documentation for the
 * order and why). Kinds guarded by one re-entrant monitor ({@link Level#reentrant}) may be taken
 * again by the thread that holds them; object locks may not: two containers' or two pods' locks are
 * never held at once.
 *
 * <p>The check is off unless the JVM runs with {@code -Djpod.lock-order.check=true} (the test
 * suites do): then every taking of a lock is compared with what this thread holds, and an
 * inversion is recorded and thrown as an {@link IllegalStateException} before the lock is taken, so
 * a test fails where an interleaving could deadlock, whether or not it does this time. Off, each
 * call is one read of a constant.
 */
public final class LockOrder {

    /** The kinds of lock, lowest rank first: a thread takes them in this order only. */
    public enum Level {
        /** One container's exit being handled ({@code ExitWatcher}): it then takes the container's lock. */
        EXIT_HANDLING(false),
        /** A pod's lock: its members' locks are taken under it. */
        POD(false),
        /** A container's lock (its exec sessions have none of their own: the container's guards them). */
        CONTAINER(false),
        /** Volume creation and removal ({@code VolumeService}). */
        VOLUMES(true),
        /** Network creation ({@code NetworkService}). */
        NETWORKS(true),
        /** Network configs, leases and resolvers ({@code CniNetworkBackend}). */
        NETWORK_BACKEND(true),
        /** The image store's index ({@code FileImageStore}). */
        IMAGES(true),
        /** A state transaction (SQLite's write lock): innermost, nothing is taken inside. */
        STATE(true);

        private final boolean reentrant;

        Level(boolean reentrant) {
            this.reentrant = reentrant;
        }

        /** Whether the thread holding it may take it again (one re-entrant monitor). */
        public boolean reentrant() {
            return reentrant;
        }
    }

    private static final boolean ENABLED = Boolean.getBoolean("jpod.lock-order.check");
    private static final ThreadLocal<Deque<Level>> HELD = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ConcurrentLinkedQueue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();

    private LockOrder() {}

    /** Whether the check runs in this JVM. */
    public static boolean enabled() {
        return ENABLED;
    }

    /**
     * Call right before taking a lock of {@code level}: throws (and records) an inversion when this
     * thread holds a lock that must come after it; else notes the lock as held.
     */
    public static void acquiring(Level level) {
        if (ENABLED) {
            check(HELD.get(), level);
        }
    }

    /** Call right after releasing a lock of {@code level} (or when taking it failed). */
    public static void released(Level level) {
        if (ENABLED) {
            HELD.get().removeLastOccurrence(level);
        }
    }

    /**
     * Call right before taking every object lock exclusively (renumbering): the thread must hold no
     * lock at all, or it would wait for itself.
     */
    public static void exclusive() {
        if (ENABLED && !HELD.get().isEmpty()) {
            throw violation("taking every lock exclusively while holding " + HELD.get());
        }
    }

    /** A re-entrant lock of {@code level} whose every taking is checked against the order. */
    public static OrderedLock ordered(Level level) {
        return new OrderedLock(level);
    }

    /**
     * A {@link ReentrantLock} that knows its place in the order; {@link #hold} takes it for a
     * try-with-resources block, where a {@code synchronized} block would not be checked.
     */
    public static final class OrderedLock extends ReentrantLock {

        private final Level level;

        private OrderedLock(Level level) {
            this.level = level;
        }

        @Override
        public void lock() {
            acquiring(level);
            try {
                super.lock();
            } catch (RuntimeException | Error e) {
                released(level);
                throw e;
            }
        }

        @Override
        public void unlock() {
            super.unlock();
            released(level);
        }

        /** Takes the lock until the returned handle is closed. */
        public Held hold() {
            lock();
            return this::unlock;
        }
    }

    /** A lock held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    static void check(Deque<Level> held, Level level) {
        for (Level h : held) {
            if (h.ordinal() > level.ordinal() || (h == level && !level.reentrant())) {
                throw violation("taking a " + level + " lock while holding " + held + " (the order is "
                        + List.of(Level.values()) + ")");
            }
        }
        held.addLast(level);
    }

    private static IllegalStateException violation(String what) {
        IllegalStateException e = new IllegalStateException("lock order violated: " + what);
        StringBuilder where = new StringBuilder(e.getMessage());
        StackTraceElement[] stack = e.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 25); i++) {
            where.append("\n\tat ").append(stack[i]);
        }
        VIOLATIONS.add(where.toString());
        return e;
    }

    /** Every inversion seen in this JVM since the last {@link #reset}, with where it happened. */
    public static List<String> violations() {
        return new ArrayList<>(VIOLATIONS);
    }

    /** Forgets the inversions seen so far (a test starting). */
    public static void reset() {
        VIOLATIONS.clear();
    }
}
