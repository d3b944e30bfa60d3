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

/**
 * The POSIX shared-memory segment mapped into this process: finding, creating, initialising and
 * removing it, laid out as {@link SegmentLayout} says. What the bitmap and mutexes inside mean is
 * {@link ShmLockManager}'s business.
 */
final class ShmSegment {

    final String name;
    final int numLocks;
    final long size;
    final Pointer base;

    private ShmSegment(String name, int numLocks, long size, Pointer base) {
        this.name = name;
        this.numLocks = numLocks;
        this.size = size;
        this.base = base;
    }

    /**
     * Opens the segment, or creates it when there is none. Several processes may race here: the
     * loser of a create opens, and an opener that finds a header not yet written waits for it.
     */
    static ShmSegment openOrCreate(String name, int rounded, boolean renumber) {
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

    private static ShmSegment open(String name, int rounded) {
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
        try {
            long actual = Files.size(Path.of("/dev/shm", name.substring(1)));
            if (actual < SegmentLayout.HEADER_SIZE) {
                throw new Uninitialised();
            }
            // Map only what exists: a smaller segment has fewer locks and is reported as such below.
            Pointer base = Libc.mmap(null, Math.min(expected, actual), Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd, 0);
            checkHeader(base, Math.min(expected, actual), rounded, actual < expected);
            return new ShmSegment(name, rounded, expected, base);
        } catch (IOException e) {
            throw EngineException.internal("reading the size of lock segment " + name + ": " + e.getMessage(), e);
        } catch (LastErrorException e) {
            throw failure("mapping lock segment " + name, e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** Unmaps and signals a header that is not (yet) a lock segment's or holds another lock count. */
    private static void checkHeader(Pointer base, long mapped, int rounded, boolean truncated) {
        if (base.getShort(SegmentLayout.OFF_MAGIC) != SegmentLayout.MAGIC) {
            Libc.munmap(base, mapped);
            throw new Uninitialised();
        }
        int stored = base.getInt(SegmentLayout.OFF_NUM_LOCKS);
        if (stored != rounded || truncated) {
            Libc.munmap(base, mapped);
            throw new LockCountMismatch(stored);
        }
    }

    private static ShmSegment create(String name, int rounded) {
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
            initMutexes(base, rounded);
            base.setShort(SegmentLayout.OFF_UNUSED, (short) 0);
            base.setInt(SegmentLayout.OFF_NUM_BITMAPS, rounded / LOCKS_PER_GROUP);
            base.setInt(SegmentLayout.OFF_NUM_LOCKS, rounded);
            // The magic goes last: an opener that sees it sees a complete header.
            base.setShort(SegmentLayout.OFF_MAGIC, SegmentLayout.MAGIC);
            return new ShmSegment(name, rounded, size, base);
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

    /** The segment mutex and every lock: normal (not recursive), process-shared and robust, as libpod's. */
    private static void initMutexes(Pointer base, int rounded) {
        Memory attr = new Memory(64);
        PthreadMutex.check(Libc.pthread_mutexattr_init(attr), "pthread_mutexattr_init");
        PthreadMutex.check(Libc.pthread_mutexattr_settype(attr, Libc.PTHREAD_MUTEX_NORMAL),
                "pthread_mutexattr_settype");
        PthreadMutex.check(Libc.pthread_mutexattr_setpshared(attr, Libc.PTHREAD_PROCESS_SHARED), "setpshared");
        PthreadMutex.check(Libc.pthread_mutexattr_setrobust(attr, Libc.PTHREAD_MUTEX_ROBUST), "setrobust");
        PthreadMutex.check(Libc.pthread_mutex_init(base.share(SegmentLayout.OFF_SEGMENT_LOCK), attr),
                "pthread_mutex_init");
        for (int i = 0; i < rounded; i++) {
            PthreadMutex.check(Libc.pthread_mutex_init(base.share(SegmentLayout.mutexOffset(i)), attr),
                    "pthread_mutex_init");
        }
        Libc.pthread_mutexattr_destroy(attr);
    }

    /** Removes the segment (its file in /dev/shm); missing is fine. */
    static void unlink(String name) {
        try {
            Libc.shm_unlink(name);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.ENOENT) {
                throw failure("removing lock segment " + name, e);
            }
        }
    }

    /** The native address of {@code offset}, for the mutex calls that take raw addresses. */
    long address(long offset) {
        return Pointer.nativeValue(base) + offset;
    }

    void unmap() {
        try {
            Libc.munmap(base, size);
        } catch (LastErrorException e) {
            throw failure("unmapping lock segment " + name, e);
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

    // Signals between open/create and the retry loop: cheap, without stack traces.

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
}
