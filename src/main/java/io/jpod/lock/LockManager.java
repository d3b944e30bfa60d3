package io.jpod.lock;

import java.util.OptionalInt;

/**
 * Hands out numbered locks (libpod's lock.Manager). Indices are allocated lowest-first; allocation
 * fails with {@code RESOURCE_EXHAUSTED} when none is free, naming the limit. Thread-safe.
 */
public interface LockManager extends AutoCloseable {

    /** Allocates the lowest free index. */
    Lock allocate();

    /** The lock with this index, without changing its allocation ({@code INVALID_ARGUMENT} when out of range). */
    Lock retrieve(int id);

    /** Marks this index allocated (idempotent) and returns its lock: used to rebuild allocations from the state. */
    Lock allocateAndRetrieve(int id);

    /** Whether this index is currently allocated. */
    boolean isAllocated(int id);

    /** Frees every index (renumbering). */
    void freeAll();

    /** Free indices, or empty when unlimited. */
    OptionalInt available();

    /** Total number of locks. */
    int total();

    @Override
    void close();
}
