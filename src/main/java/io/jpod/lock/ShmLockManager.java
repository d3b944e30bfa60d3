package io.jpod.lock;

import static io.jpod.lock.SegmentLayout.LOCKS_PER_GROUP;

import com.sun.jna.Pointer;
import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Locks in a POSIX shared-memory segment laid out byte for byte as libpod's: process-shared,
 * robust, non-recursive pthread mutexes plus an allocation bitmap guarded by a segment mutex. Any
 * process that maps the segment (a second daemon, a restarted one) shares the same locks; a lock
 * whose holder died is recovered on the next lock ({@code EOWNERDEAD} then
 * {@code pthread_mutex_consistent}).
 *
 * <p>pthread mutexes belong to OS threads: {@link Lock#unlock()} must run on the platform thread
 * that called {@link Lock#lock()}, and locking twice from one thread deadlocks (as in libpod).
 *
 * <p>This class keeps the allocation bookkeeping (the bitmap, under the segment mutex);
 * {@link ShmSegment} maps the segment and {@link PthreadMutex} does the mutex calls.
 */
public final class ShmLockManager implements LockManager {

    private final ShmSegment segment;
    private final int numGroups;
    private final Pointer base;
    private final long segmentLock;
    private volatile boolean closed;

    private ShmLockManager(ShmSegment segment) {
        this.segment = segment;
        this.numGroups = segment.numLocks / LOCKS_PER_GROUP;
        this.base = segment.base;
        this.segmentLock = segment.address(SegmentLayout.OFF_SEGMENT_LOCK);
    }

    /**
     * Opens the segment {@code name}, or creates it when there is none. A segment with another lock
     * count is an error that asks for a renumber, unless {@code renumber} is set: then it is removed
     * and created afresh (libpod's ERANGE path).
     */
    public static ShmLockManager openOrCreate(String name, long requestedLocks, boolean renumber) {
        checkName(name);
        if (requestedLocks < 1 || requestedLocks > Integer.MAX_VALUE - LOCKS_PER_GROUP) {
            throw new ConfigException("num_locks must be between 1 and " + (Integer.MAX_VALUE - LOCKS_PER_GROUP)
                    + ", got " + requestedLocks);
        }
        int rounded = SegmentLayout.roundedLocks(requestedLocks);
        return new ShmLockManager(ShmSegment.openOrCreate(name, rounded, renumber));
    }

    private static void checkName(String name) {
        if (name == null || !name.startsWith("/") || name.indexOf('/', 1) >= 0 || name.length() < 2
                || name.length() > 254) {
            throw new ConfigException("invalid lock segment name \"" + name + "\": it must start with one '/', "
                    + "contain no other '/', and be at most 254 characters (libpod.shm-lock-path)");
        }
    }

    /** Removes the segment (its file in /dev/shm); missing is fine. */
    public static void unlink(String name) {
        ShmSegment.unlink(name);
    }

    public String name() {
        return segment.name;
    }

    @Override
    public Lock allocate() {
        return withSegmentLock(() -> {
            for (int g = 0; g < numGroups; g++) {
                long off = SegmentLayout.bitmapOffset(g);
                int bitmap = base.getInt(off);
                if (bitmap == 0xFFFFFFFF) {
                    continue;
                }
                int bit = Integer.numberOfTrailingZeros(~bitmap);
                base.setInt(off, bitmap | (1 << bit));
                return new ShmLock(g * LOCKS_PER_GROUP + bit);
            }
            throw new EngineException(EngineException.Category.RESOURCE_EXHAUSTED, "allocation failed; exceeded "
                    + "num_locks (" + segment.numLocks + "): raise num_locks in libpod.conf (libpod.num-locks) and "
                    + "restart with --libpod.renumber=true");
        });
    }

    @Override
    public Lock retrieve(int id) {
        checkId(id);
        return new ShmLock(id);
    }

    @Override
    public Lock allocateAndRetrieve(int id) {
        checkId(id);
        return withSegmentLock(() -> {
            long off = SegmentLayout.bitmapOffset(id / LOCKS_PER_GROUP);
            base.setInt(off, base.getInt(off) | (1 << (id % LOCKS_PER_GROUP)));
            return new ShmLock(id);
        });
    }

    @Override
    public boolean isAllocated(int id) {
        checkId(id);
        return withSegmentLock(() ->
                (base.getInt(SegmentLayout.bitmapOffset(id / LOCKS_PER_GROUP)) & (1 << (id % LOCKS_PER_GROUP))) != 0);
    }

    @Override
    public void freeAll() {
        withSegmentLock(() -> {
            for (int g = 0; g < numGroups; g++) {
                base.setInt(SegmentLayout.bitmapOffset(g), 0);
            }
            return null;
        });
    }

    @Override
    public OptionalInt available() {
        return OptionalInt.of(withSegmentLock(() -> {
            int free = 0;
            for (int g = 0; g < numGroups; g++) {
                free += LOCKS_PER_GROUP - Integer.bitCount(base.getInt(SegmentLayout.bitmapOffset(g)));
            }
            return free;
        }));
    }

    @Override
    public int total() {
        return segment.numLocks;
    }

    /** Unmaps the segment (it stays in /dev/shm for other processes and the next start). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        segment.unmap();
    }

    private <T> T withSegmentLock(Supplier<T> body) {
        open();
        PthreadMutex.lock(segmentLock, "segment lock");
        try {
            return body.get();
        } finally {
            PthreadMutex.unlock(segmentLock, "segment lock");
        }
    }

    private void open() {
        if (closed) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "lock segment " + segment.name
                    + " is closed");
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= segment.numLocks) {
            throw EngineException.invalidArgument("lock ID " + id + " is too large - max lock size is "
                    + (segment.numLocks - 1));
        }
    }

    private final class ShmLock implements Lock {
        private final int id;
        private final long mutex;

        ShmLock(int id) {
            this.id = id;
            this.mutex = segment.address(SegmentLayout.mutexOffset(id));
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public void lock() {
            open();
            PthreadMutex.lock(mutex, "lock " + id);
        }

        @Override
        public boolean tryLock() {
            open();
            return PthreadMutex.tryLock(mutex, "lock " + id);
        }

        @Override
        public void unlock() {
            open();
            PthreadMutex.unlock(mutex, "lock " + id);
        }

        @Override
        public void free() {
            withSegmentLock(() -> {
                long off = SegmentLayout.bitmapOffset(id / LOCKS_PER_GROUP);
                int bitmap = base.getInt(off);
                int bit = 1 << (id % LOCKS_PER_GROUP);
                if ((bitmap & bit) == 0) {
                    throw EngineException.notFound("lock " + id + " is not allocated");
                }
                base.setInt(off, bitmap & ~bit);
                return null;
            });
        }
    }
}
