package io.jpod.lock;

import io.jpod.error.EngineException;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;

/**
 * Locks that live in this JVM only: for the in-memory state and hosts without {@code /dev/shm}.
 * They exclude threads of this process, never other processes.
 */
public final class InMemoryLockManager implements LockManager {

    private final int total;
    private final Semaphore[] mutexes;
    private final BitSet allocated;

    public InMemoryLockManager(int numLocks) {
        if (numLocks < 1) {
            throw EngineException.invalidArgument("number of locks must be at least 1");
        }
        // Rounded up to whole groups of 32, as the SHM segment stores it.
        this.total = (int) Math.min(Integer.MAX_VALUE - 31L, ((numLocks + 31L) / 32) * 32);
        this.mutexes = new Semaphore[total];
        for (int i = 0; i < total; i++) {
            mutexes[i] = new Semaphore(1);
        }
        this.allocated = new BitSet(total);
    }

    @Override
    public synchronized Lock allocate() {
        int id = allocated.nextClearBit(0);
        if (id >= total) {
            throw new EngineException(EngineException.Category.RESOURCE_EXHAUSTED,
                    "allocation failed; exceeded num_locks (" + total + "): raise num_locks in libpod.conf "
                            + "(libpod.num-locks) and restart "
                            + "with --libpod.renumber=true");
        }
        allocated.set(id);
        return new MemoryLock(id);
    }

    @Override
    public Lock retrieve(int id) {
        check(id);
        return new MemoryLock(id);
    }

    @Override
    public synchronized Lock allocateAndRetrieve(int id) {
        check(id);
        allocated.set(id);
        return new MemoryLock(id);
    }

    @Override
    public synchronized boolean isAllocated(int id) {
        check(id);
        return allocated.get(id);
    }

    @Override
    public synchronized void freeAll() {
        allocated.clear();
    }

    @Override
    public synchronized OptionalInt available() {
        return OptionalInt.of(total - allocated.cardinality());
    }

    @Override
    public int total() {
        return total;
    }

    @Override
    public void close() {
        // nothing to release
    }

    private void check(int id) {
        if (id < 0 || id >= total) {
            throw EngineException.invalidArgument("lock ID " + id + " is too large - max lock size is " + (total - 1));
        }
    }

    private final class MemoryLock implements Lock {
        private final int id;

        MemoryLock(int id) {
            this.id = id;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public void lock() {
            mutexes[id].acquireUninterruptibly();
        }

        @Override
        public boolean tryLock() {
            return mutexes[id].tryAcquire();
        }

        @Override
        public void unlock() {
            mutexes[id].release();
        }

        @Override
        public void free() {
            synchronized (InMemoryLockManager.this) {
                if (!allocated.get(id)) {
                    throw EngineException.notFound("lock " + id + " is not allocated");
                }
                allocated.clear(id);
            }
        }
    }
}
