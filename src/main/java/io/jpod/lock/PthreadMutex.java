package io.jpod.lock;

import io.jpod.error.EngineException;

/**
 * The robust, process-shared pthread mutexes of the segment, by raw address. A mutex whose holder
 * died comes back {@code EOWNERDEAD}: it is marked consistent and counts as taken, because the
 * data it guards is ours to trust again (libpod does the same).
 */
final class PthreadMutex {

    private PthreadMutex() {}

    static void lock(long mutex, String what) {
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

    /** True when taken, false when another holder has it. */
    static boolean tryLock(long mutex, String what) {
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
        check(rc, "trying " + what);
        return false;
    }

    static void unlock(long mutex, String what) {
        int rc;
        do {
            rc = Libc.pthread_mutex_unlock(mutex);
        } while (rc == Libc.EAGAIN);
        check(rc, "unlocking " + what);
    }

    /** pthread calls return their error number instead of setting errno. */
    static void check(int rc, String what) {
        if (rc != 0) {
            throw EngineException.internal(what + " failed: " + Libc.strerror(rc) + " (errno " + rc + ")", null);
        }
    }
}
