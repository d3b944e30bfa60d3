/**
 * Locks shared with other processes: the {@link io.jpod.lock.LockManager} contract, its SHM implementation
 * (pthread mutexes in a POSIX shared-memory segment, as libpod's) and an in-process one.
 */
package io.jpod.lock;
