package io.jpod.lock;

/**
 * One lock of a {@link LockManager}, serialising every operation on the container or pod that owns
 * it across threads and processes. Not re-entrant: locking twice from one thread blocks.
 */
public interface Lock {

    /** The lock's index, stored with its owner in the state. */
    int id();

    /** Blocks until held. A lock whose holder died is recovered and handed over, not left stuck. */
    void lock();

    /** Takes the lock if it is free right now; true when it is now held by this thread. */
    boolean tryLock();

    /** Releases the lock; must be called by the thread that locked it. */
    void unlock();

    /** Marks the index free for reuse; the owner must not use it afterwards. */
    void free();
}
