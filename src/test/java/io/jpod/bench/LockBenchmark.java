package io.jpod.bench;

import io.jpod.lock.InMemoryLockManager;
import io.jpod.lock.Lock;
import io.jpod.lock.LockManager;
import io.jpod.lock.ShmLockManager;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Uncontended lock+unlock and allocate+free, SHM segment against the in-process fake. Run with
 * {@code src/test/bench/locks.sh}, which also times a plain C pthread_mutex_lock/unlock pair.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LockBenchmark {

    @Param({"shm", "memory"})
    String type;

    LockManager manager;
    Lock lock;
    String segment;

    @Setup(Level.Trial)
    public void open() {
        if ("shm".equals(type)) {
            segment = "/jpod_bench_" + ProcessHandle.current().pid();
            manager = ShmLockManager.openOrCreate(segment, 2048, true);
        } else {
            manager = new InMemoryLockManager(2048);
        }
        lock = manager.allocate();
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        if (segment != null) {
            ShmLockManager.unlink(segment);
        }
    }

    @Benchmark
    public void lockUnlock() {
        lock.lock();
        lock.unlock();
    }

    @Benchmark
    public int allocateFree() {
        Lock l = manager.allocate();
        l.free();
        return l.id();
    }
}
