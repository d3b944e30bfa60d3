package io.jpod.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link LockManager} does, SHM segment and in-process alike. */
abstract class LockManagerContract {

    private final List<LockManager> opened = new ArrayList<>();

    /** A fresh manager with {@code numLocks} locks (rounded as the implementation rounds). */
    protected abstract LockManager create(int numLocks);

    protected LockManager manager(int numLocks) {
        LockManager m = create(numLocks);
        opened.add(m);
        return m;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(LockManager::close);
    }

    @Test
    void lockCountIsRoundedUpToWholeGroupsOf32() {
        assertThat(manager(33).total()).isEqualTo(64);
        assertThat(manager(32).total()).isEqualTo(32);
        assertThat(manager(1).available()).hasValue(32);
    }

    @Test
    void allocationHandsOutTheLowestFreeIndex() {
        LockManager m = manager(64);
        assertThat(m.allocate().id()).isZero();
        Lock one = m.allocate();
        assertThat(one.id()).isEqualTo(1);
        assertThat(m.allocate().id()).isEqualTo(2);
        one.free();
        assertThat(m.isAllocated(1)).isFalse();
        assertThat(m.allocate().id()).isEqualTo(1);
        assertThat(m.available()).hasValue(61);
    }

    @Test
    void exhaustionIsAClearErrorNamingTheLimitAndSetting() {
        LockManager m = manager(32);
        for (int i = 0; i < 32; i++) {
            m.allocate();
        }
        assertThat(m.available()).hasValue(0);
        assertThatThrownBy(m::allocate).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.RESOURCE_EXHAUSTED);
            assertThat(e.getMessage()).contains("num_locks (32)").contains("libpod.num-locks");
        });
    }

    @Test
    void allocateGivenMarksAnIndexIdempotently() {
        LockManager m = manager(64);
        m.allocateAndRetrieve(40);
        m.allocateAndRetrieve(40);
        assertThat(m.isAllocated(40)).isTrue();
        assertThat(m.available()).hasValue(63);
        assertThat(m.allocate().id()).isZero();
    }

    @Test
    void retrieveDoesNotAllocateAndOutOfRangeIsRejected() {
        LockManager m = manager(32);
        assertThat(m.retrieve(5).id()).isEqualTo(5);
        assertThat(m.isAllocated(5)).isFalse();
        for (int bad : new int[] {-1, 32, 1000}) {
            assertThatThrownBy(() -> m.retrieve(bad)).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
            assertThatThrownBy(() -> m.allocateAndRetrieve(bad)).isInstanceOf(EngineException.class);
        }
    }

    @Test
    void freeingAFreeLockIsNotFoundAndFreeAllClearsEverything() {
        LockManager m = manager(64);
        assertThatThrownBy(() -> m.retrieve(3).free()).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        for (int i = 0; i < 40; i++) {
            m.allocate();
        }
        m.freeAll();
        assertThat(m.available()).hasValue(64);
        assertThat(m.allocate().id()).isZero();
    }

    @Test
    void aHeldLockExcludesOtherThreadsUntilReleased() throws Exception {
        LockManager m = manager(32);
        Lock lock = m.allocate();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            lock.lock();
            assertThat(other.submit(() -> m.retrieve(lock.id()).tryLock()).get()).isFalse();
            CountDownLatch entered = new CountDownLatch(1);
            Future<?> waiter = other.submit(() -> {
                Lock l = m.retrieve(lock.id());
                l.lock();
                entered.countDown();
                l.unlock();
                return null;
            });
            assertThat(entered.await(200, TimeUnit.MILLISECONDS)).isFalse();
            lock.unlock();
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            waiter.get();
            assertThat(other.submit(() -> {
                Lock l = m.retrieve(lock.id());
                boolean got = l.tryLock();
                if (got) {
                    l.unlock();
                }
                return got;
            }).get()).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void locksGiveMutualExclusionAcrossThreads() throws Exception {
        LockManager m = manager(32);
        int id = m.allocate().id();
        int[] counter = {0};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            jobs.add(pool.submit(() -> {
                Lock l = m.retrieve(id);
                for (int i = 0; i < 20_000; i++) {
                    l.lock();
                    counter[0]++;
                    l.unlock();
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        assertThat(counter[0]).isEqualTo(80_000);
    }

    @Test
    void distinctLocksDoNotExcludeEachOther() throws Exception {
        LockManager m = manager(32);
        Lock a = m.allocate();
        Lock b = m.allocate();
        a.lock();
        try {
            ExecutorService other = Executors.newSingleThreadExecutor();
            assertThat(other.submit(() -> {
                boolean got = b.tryLock();
                if (got) {
                    b.unlock();
                }
                return got;
            }).get()).isTrue();
            other.shutdown();
        } finally {
            a.unlock();
        }
    }
}
