package io.jpod.lock;

import static io.jpod.lock.SegmentLayout.LOCKS_PER_GROUP;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
public final class ShmLockManager implements LockManager {

    private final String name;
    private final int numLocks;
    private final int numGroups;
    private final long size;
    private final Pointer base;
    private final long segmentLock;
    private volatile boolean closed;

    private ShmLockManager(String name, int numLocks, long size, Pointer base) {
        this.name = name;
        this.numLocks = numLocks;
        this.numGroups = numLocks / LOCKS_PER_GROUP;
        this.size = size;
        this.base = base;
        this.segmentLock = Pointer.nativeValue(base) + SegmentLayout.OFF_SEGMENT_LOCK;
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
        for (int attempt = 0; ; attempt++) {
            try {
                return open(name, rounded);
            } catch (SegmentMissing missing) {
                try {
                    return create(name, rounded);
                } catch (SegmentExists raced) {
                    // another process created it between our open and create: open again
                }
            } catch (LockCountMismatch mismatch) {
                if (!renumber) {
                    throw new ConfigException("failed to open " + rounded + " locks in " + name + ": the segment holds "
                            + mismatch.stored + " locks (num_locks changed). Start once with --libpod.renumber=true "
                            + "to recreate it and renumber every container and pod");
                }
                unlink(name);
            } catch (Uninitialised fresh) {
                // its creator has not written the header yet
                if (attempt > 50) {
                    throw new ConfigException("lock segment " + name + " is not a lock segment (bad magic); "
                            + "remove /dev/shm" + name + " if no jpod process is running");
                }
                sleep(20);
            }
        }
    }

    private static void checkName(String name) {
        if (name == null || !name.startsWith("/") || name.indexOf('/', 1) >= 0 || name.length() < 2
                || name.length() > 254) {
            throw new ConfigException("invalid lock segment name \"" + name + "\": it must start with one '/', "
                    + "contain no other '/', and be at most 254 characters (libpod.shm-lock-path)");
        }
    }

    private static ShmLockManager open(String name, int rounded) {
        int fd;
        try {
            fd = Libc.shm_open(name, Libc.O_RDWR, 0600);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ENOENT) {
                throw new SegmentMissing();
            }
            throw failure("opening lock segment " + name, e);
        }
        long expected = SegmentLayout.segmentSize(rounded);
        Pointer base;
        try {
            long actual = Files.size(Path.of("/dev/shm", name.substring(1)));
            if (actual < SegmentLayout.HEADER_SIZE) {
                throw new Uninitialised();
            }
            // Map only what exists: a smaller segment has fewer locks and is reported as such below.
            base = Libc.mmap(null, Math.min(expected, actual), Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0);
            if (base.getShort(SegmentLayout.OFF_MAGIC) != SegmentLayout.MAGIC) {
                Libc.munmap(base, Math.min(expected, actual));
                throw new Uninitialised();
            }
            int stored = base.getInt(SegmentLayout.OFF_NUM_LOCKS);
            if (stored != rounded || actual < expected) {
                Libc.munmap(base, Math.min(expected, actual));
                throw new LockCountMismatch(stored);
            }
        } catch (IOException e) {
            throw EngineException.internal("reading the size of lock segment " + name + ": " + e.getMessage(), e);
        } catch (LastErrorException e) {
            throw failure("mapping lock segment " + name, e);
        } finally {
            closeQuietly(fd);
        }
        return new ShmLockManager(name, rounded, expected, base);
    }

    private static ShmLockManager create(String name, int rounded) {
        int fd;
        try {
            fd = Libc.shm_open(name, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL, 0600);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EEXIST) {
                throw new SegmentExists();
            }
            throw failure("creating lock segment " + name, e);
        }
        long size = SegmentLayout.segmentSize(rounded);
        Pointer base = null;
        try {
            Libc.ftruncate(fd, size);
            base = Libc.mmap(null, size, Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0);
            Memory attr = new Memory(64);
            check(Libc.pthread_mutexattr_init(attr), "pthread_mutexattr_init");
            check(Libc.pthread_mutexattr_settype(attr, Libc.PTHREAD_MUTEX_NORMAL), "pthread_mutexattr_settype");
            check(Libc.pthread_mutexattr_setpshared(attr, Libc.PTHREAD_PROCESS_SHARED), "setpshared");
            check(Libc.pthread_mutexattr_setrobust(attr, Libc.PTHREAD_MUTEX_ROBUST), "setrobust");
            check(Libc.pthread_mutex_init(base.share(SegmentLayout.OFF_SEGMENT_LOCK), attr), "pthread_mutex_init");
            for (int i = 0; i < rounded; i++) {
                check(Libc.pthread_mutex_init(base.share(SegmentLayout.mutexOffset(i)), attr), "pthread_mutex_init");
            }
            Libc.pthread_mutexattr_destroy(attr);
            base.setShort(SegmentLayout.OFF_UNUSED, (short) 0);
            base.setInt(SegmentLayout.OFF_NUM_BITMAPS, rounded / LOCKS_PER_GROUP);
            base.setInt(SegmentLayout.OFF_NUM_LOCKS, rounded);
            // The magic goes last: an opener that sees it sees a complete header.
            base.setShort(SegmentLayout.OFF_MAGIC, SegmentLayout.MAGIC);
            return new ShmLockManager(name, rounded, size, base);
        } catch (RuntimeException e) {
            if (base != null) {
                Libc.munmap(base, size);
            }
            unlink(name);
            throw e instanceof LastErrorException le ? failure("creating lock segment " + name, le) : e;
        } finally {
            closeQuietly(fd);
        }
    }

    /** Removes the segment (its file in /dev/shm); missing is fine. */
    public static void unlink(String name) {
        try {
            Libc.shm_unlink(name);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.ENOENT) {
                throw failure("removing lock segment " + name, e);
            }
        }
    }

    public String name() {
        return name;
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
                    + "num_locks (" + numLocks + "): raise num_locks in libpod.conf (libpod.num-locks) and restart "
                    + "with --libpod.renumber=true");
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
        return numLocks;
    }

    /** Unmaps the segment (it stays in /dev/shm for other processes and the next start). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.munmap(base, size);
        } catch (LastErrorException e) {
            throw failure("unmapping lock segment " + name, e);
        }
    }

    private <T> T withSegmentLock(Supplier<T> body) {
        open();
        acquire(segmentLock, "segment lock");
        try {
            return body.get();
        } finally {
            release(segmentLock, "segment lock");
        }
    }

    private void open() {
        if (closed) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "lock segment " + name + " is closed");
        }
    }

    private void checkId(int id) {
        if (id < 0 || id >= numLocks) {
            throw EngineException.invalidArgument("lock ID " + id + " is too large - max lock size is "
                    + (numLocks - 1));
        }
    }

    private static void acquire(long mutex, String what) {
        int rc;
        do {
            rc = Libc.pthread_mutex_lock(mutex);
        } while (rc == Libc.EAGAIN);
        if (rc == Libc.EOWNERDEAD) {
            // The previous holder died while holding it; the data it guards is ours to trust.
            check(Libc.pthread_mutex_consistent(mutex), "pthread_mutex_consistent");
            return;
        }
        check(rc, "locking " + what);
    }

    private static void release(long mutex, String what) {
        int rc;
        do {
            rc = Libc.pthread_mutex_unlock(mutex);
        } while (rc == Libc.EAGAIN);
        check(rc, "unlocking " + what);
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw EngineException.internal(what + " failed: " + Libc.strerror(rc) + " (errno " + rc + ")", null);
        }
    }

    private static EngineException failure(String what, LastErrorException e) {
        return EngineException.internal(what + ": " + Libc.strerror(e.getErrorCode()), e);
    }

    private static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class SegmentMissing extends RuntimeException {
        SegmentMissing() {
            super(null, null, false, false);
        }
    }

    private static final class SegmentExists extends RuntimeException {
        SegmentExists() {
            super(null, null, false, false);
        }
    }

    private static final class Uninitialised extends RuntimeException {
        Uninitialised() {
            super(null, null, false, false);
        }
    }

    private static final class LockCountMismatch extends RuntimeException {
        final int stored;

        LockCountMismatch(int stored) {
            super(null, null, false, false);
            this.stored = stored;
        }
    }

    private final class ShmLock implements Lock {
        private final int id;
        private final long mutex;

        ShmLock(int id) {
            this.id = id;
            this.mutex = Pointer.nativeValue(base) + SegmentLayout.mutexOffset(id);
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public void lock() {
            open();
            acquire(mutex, "lock " + id);
        }

        @Override
        public boolean tryLock() {
            open();
            int rc = Libc.pthread_mutex_trylock(mutex);
            if (rc == 0) {
                return true;
            }
            if (rc == Libc.EBUSY) {
                return false;
            }
            if (rc == Libc.EOWNERDEAD) {
                check(Libc.pthread_mutex_consistent(mutex), "pthread_mutex_consistent");
                return true;
            }
            check(rc, "trying lock " + id);
            return false;
        }

        @Override
        public void unlock() {
            open();
            release(mutex, "lock " + id);
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
