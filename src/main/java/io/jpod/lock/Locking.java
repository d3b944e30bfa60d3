package io.jpod.lock;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The one way the engine holds the locks of containers and pods. The order, everywhere: a pod's
 * lock before the locks of its containers, and never two containers' locks at once (an operation
 * that touches a second container, such as starting a pod member's infra container first, does so
 * before or after holding the first one's lock). Object locks are never held while waiting for a
 * container's process to end.
 *
 * <p>Every hold also takes a shared gate that {@link #exclusive} takes alone: renumbering rewrites
 * every object's lock number, so no operation may be holding or about to take a lock meanwhile.
 */
public final class Locking {

    private final LockManager locks;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

    public Locking(LockManager locks) {
        this.locks = locks;
    }

    /** Runs {@code body} holding lock {@code lockId}. */
    public <T> T holding(int lockId, Supplier<T> body) {
        gate.readLock().lock();
        try {
            Lock lock = locks.retrieve(lockId);
            lock.lock();
            try {
                return body.get();
            } finally {
                lock.unlock();
            }
        } finally {
            gate.readLock().unlock();
        }
    }

    /** As {@link #holding(int, Supplier)}, for a body without a result. */
    public void run(int lockId, Runnable body) {
        holding(lockId, () -> {
            body.run();
            return null;
        });
    }

    /** Runs {@code add} with a newly allocated lock number, freeing it again if {@code add} fails. */
    public <T> T withNewLock(IntFunction<T> add) {
        gate.readLock().lock();
        try {
            Lock lock = locks.allocate();
            try {
                return add.apply(lock.id());
            } catch (RuntimeException e) {
                lock.free();
                throw e;
            }
        } finally {
            gate.readLock().unlock();
        }
    }

    /**
     * Runs {@code remove} (which deletes the owner's record) holding the owner's lock, then frees
     * the lock: nobody can take it between the record's removal and its reuse by a new object.
     */
    public void removeAndFree(int lockId, Runnable remove) {
        gate.readLock().lock();
        try {
            Lock lock = locks.retrieve(lockId);
            lock.lock();
            try {
                remove.run();
            } finally {
                lock.unlock();
            }
            lock.free();
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Runs {@code body} while no lock is held or taken through this helper (renumbering). */
    public <T> T exclusive(Supplier<T> body) {
        gate.writeLock().lock();
        try {
            return body.get();
        } finally {
            gate.writeLock().unlock();
        }
    }
}
