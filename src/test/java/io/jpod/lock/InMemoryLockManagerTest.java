package io.jpod.lock;

/** The in-process fake keeps the same contract as the SHM segment. */
class InMemoryLockManagerTest extends LockManagerContract {
    @Override
    protected LockManager create(int numLocks) {
        return new InMemoryLockManager(numLocks);
    }
}
