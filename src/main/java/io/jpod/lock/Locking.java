package io.jpod.lock;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The one way the engine holds the locks of containers and pods, in the order the package
 * documentation gives (a pod's lock before its containers', never two containers' at once), each
 * taking checked by {@link LockOrder} when the check is on.
 *
 * <p>Every hold also takes a shared gate that {@link #exclusive} takes alone: renumbering rewrites
 * every object's lock number, so no operation may be holding or about to take a lock meanwhile.
 */
public final class Locking {

    private final LockManager locks;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    /** The pods' locks this thread holds: a pod operation runs its members' operations, which take it again. */
    private final ThreadLocal<Set<Integer>> podsHeld = ThreadLocal.withInitial(HashSet::new);

    public Locking(LockManager locks) {
        this.locks = locks;
    }

    /** Runs {@code body} holding container lock {@code lockId}. */
    public <T> T holding(int lockId, Supplier<T> body) {
        return holding(LockOrder.Level.CONTAINER, lockId, body);
    }

    /** Runs {@code body} holding lock {@code lockId}, the lock of a {@code level} (a pod's or a container's). */
    public <T> T holding(LockOrder.Level level, int lockId, Supplier<T> body) {
        boolean pod = level == LockOrder.Level.POD;
        if (pod && podsHeld.get().contains(lockId)) {
            return body.get(); // re-entered: a member's operation (its removal) within its pod's own
        }
        gate.readLock().lock();
        try {
            Lock lock = locks.retrieve(lockId);
            take(level, lock);
            if (pod) {
                podsHeld.get().add(lockId);
            }
            try {
                return body.get();
            } finally {
                if (pod) {
                    podsHeld.get().remove(lockId);
                }
                lock.unlock();
                LockOrder.released(level);
            }
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Takes {@code lock} once the lock order allows it. */
    private static void take(LockOrder.Level level, Lock lock) {
        LockOrder.acquiring(level);
        try {
            lock.lock();
        } catch (RuntimeException e) {
            LockOrder.released(level);
            throw e;
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
        removeAndFree(LockOrder.Level.CONTAINER, lockId, remove);
    }

    /** As {@link #removeAndFree(int, Runnable)}, for the lock of a {@code level} (a pod's or a container's). */
    public void removeAndFree(LockOrder.Level level, int lockId, Runnable remove) {
        boolean pod = level == LockOrder.Level.POD;
        gate.readLock().lock();
        try {
            Lock lock = locks.retrieve(lockId);
            take(level, lock);
            if (pod) {
                podsHeld.get().add(lockId);
            }
            try {
                remove.run();
            } finally {
                if (pod) {
                    podsHeld.get().remove(lockId);
                }
                lock.unlock();
                LockOrder.released(level);
            }
            lock.free();
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Runs {@code body} while no lock is held or taken through this helper (renumbering). */
    public <T> T exclusive(Supplier<T> body) {
        LockOrder.exclusive();
        gate.writeLock().lock();
        try {
            return body.get();
        } finally {
            gate.writeLock().unlock();
        }
    }
}
