package io.jpod.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SHM segment against the real /dev/shm and glibc, across threads and across OS processes. */
class ShmLockManagerIT extends LockManagerContract {

    private final List<String> segments = new ArrayList<>();

    @TempDir
    Path tmp;

    String newSegment() {
        String name = io.jpod.testing.ShmSegmentCleanup.PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        segments.add(name);
        return name;
    }

    @Override
    protected LockManager create(int numLocks) {
        return ShmLockManager.openOrCreate(newSegment(), numLocks, false);
    }

    @AfterEach
    void unlinkSegments() {
        segments.forEach(ShmLockManager::unlink);
    }

    static ByteBuffer raw(String segment) throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("/dev/shm", segment.substring(1)));
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    @Test
    void segmentBytesFollowLibpodsLayout() throws Exception {
        String name = newSegment();
        ShmLockManager m = ShmLockManager.openOrCreate(name, 2048, false);
        try {
            ByteBuffer b = raw(name);
            assertThat(b.capacity()).isEqualTo(82488);
            assertThat(b.get(0) & 0xFF).isEqualTo(0xD1);
            assertThat(b.get(1) & 0xFF).isEqualTo(0x87);
            assertThat(b.getShort(2)).isZero();
            assertThat(b.getInt(48)).isEqualTo(64);
            assertThat(b.getInt(52)).isEqualTo(2048);
            // glibc's mutex kind: no-elision 512 | process-shared 128 | robust 16 | normal 0
            assertThat(b.getInt(8 + 16)).isEqualTo(656);
            assertThat(b.getInt(64 + 16)).isEqualTo(656);
            assertThat(b.getInt(82448 + 16)).isEqualTo(656);

            m.allocateAndRetrieve(0);
            m.allocateAndRetrieve(33);
            m.allocateAndRetrieve(2047);
            b = raw(name);
            assertThat(b.getInt(56)).isEqualTo(1);
            assertThat(b.getInt(1344)).isEqualTo(2);
            assertThat(b.getInt(81200)).isEqualTo(1 << 31);

            Lock l = m.retrieve(32);
            l.lock();
            // robust futex protocol: the lock word holds the owner's kernel thread id while locked
            assertThat(raw(name).getInt(1352)).isPositive();
            l.unlock();
            assertThat(raw(name).getInt(1352)).isZero();
        } finally {
            m.close();
        }
    }

    @Test
    void aSecondMappingSeesTheFirstsAllocations() {
        String name = newSegment();
        ShmLockManager first = ShmLockManager.openOrCreate(name, 64, false);
        first.allocate();
        first.allocate();
        ShmLockManager second = ShmLockManager.openOrCreate(name, 64, false);
        assertThat(second.available()).hasValue(62);
        assertThat(second.allocate().id()).isEqualTo(2);
        assertThat(first.isAllocated(2)).isTrue();
        first.close();
        second.close();
    }

    @Test
    void aLockCountMismatchAsksForARenumberUnlessOneWasRequested() {
        String name = newSegment();
        ShmLockManager old = ShmLockManager.openOrCreate(name, 64, false);
        old.allocate();
        old.close();
        assertThatThrownBy(() -> ShmLockManager.openOrCreate(name, 128, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("failed to open 128 locks in " + name)
                .hasMessageContaining("holds 64 locks").hasMessageContaining("--libpod.renumber=true");
        // requests that round to the same count are not a mismatch
        ShmLockManager.openOrCreate(name, 60, false).close();
        ShmLockManager fresh = ShmLockManager.openOrCreate(name, 128, true);
        assertThat(fresh.total()).isEqualTo(128);
        assertThat(fresh.available()).hasValue(128);
        fresh.close();
    }

    @Test
    void aForeignSegmentIsRejected() throws Exception {
        String name = newSegment();
        Files.write(Path.of("/dev/shm", name.substring(1)), new byte[200]);
        assertThatThrownBy(() -> ShmLockManager.openOrCreate(name, 32, false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void badSegmentNamesAreRejected() {
        assertThatThrownBy(() -> ShmLockManager.openOrCreate("no-slash", 32, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("libpod.shm-lock-path");
        assertThatThrownBy(() -> ShmLockManager.openOrCreate("/a/b", 32, false)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aClosedManagerRefusesUse() {
        ShmLockManager m = ShmLockManager.openOrCreate(newSegment(), 32, false);
        Lock l = m.allocate();
        m.close();
        m.close();
        assertThatThrownBy(l::lock).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(EngineException.Category.UNAVAILABLE));
        assertThatThrownBy(m::allocate).isInstanceOf(EngineException.class);
    }

    @Test
    void aThreadThatDiesHoldingALockDoesNotWedgeIt() throws Exception {
        ShmLockManager m = ShmLockManager.openOrCreate(newSegment(), 32, false);
        Lock l = m.allocate();
        Thread t = new Thread(l::lock);
        t.start();
        t.join();
        ExecutorService other = Executors.newSingleThreadExecutor();
        Future<Boolean> got = other.submit(() -> {
            m.retrieve(l.id()).lock();
            m.retrieve(l.id()).unlock();
            return true;
        });
        assertThat(got.get(5, TimeUnit.SECONDS)).isTrue();
        other.shutdown();
        m.close();
    }

    // ---- two OS processes ---------------------------------------------------------------------

    static Process helper(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHelper.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String firstLine(Process p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
    }

    @Test
    void twoProcessesIncrementingUnderOneLockLoseNoUpdate() throws Exception {
        String name = newSegment();
        ShmLockManager m = ShmLockManager.openOrCreate(name, 32, false);
        int id = m.allocate().id();
        Path counter = tmp.resolve("counter");
        try (RandomAccessFile f = new RandomAccessFile(counter.toFile(), "rw")) {
            f.setLength(8);
        }
        Path go = tmp.resolve("go");
        int n = 200_000;
        Process a = helper("count", name, "32", Integer.toString(id), Integer.toString(n), counter.toString(),
                go.toString());
        Process b = helper("count", name, "32", Integer.toString(id), Integer.toString(n), counter.toString(),
                go.toString());
        Thread.sleep(1500);
        Files.createFile(go);
        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(new String(a.getInputStream().readAllBytes())).isZero();
        assertThat(b.exitValue()).isZero();
        // MappedByteBuffer is big-endian unless told otherwise, as the helper writes it
        long total = ByteBuffer.wrap(Files.readAllBytes(counter)).getLong(0);
        assertThat(total).isEqualTo(2L * n);
        m.close();
    }

    @Test
    void aLockHeldByAProcessKilledWithSigkillBecomesAcquirable() throws Exception {
        String name = newSegment();
        ShmLockManager m = ShmLockManager.openOrCreate(name, 32, false);
        Lock lock = m.allocate();
        Process holder = helper("hold", name, "32", Integer.toString(lock.id()));
        assertThat(firstLine(holder)).isEqualTo("held");
        assertThat(lock.tryLock()).isFalse();
        holder.destroyForcibly();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ExecutorService other = Executors.newSingleThreadExecutor();
        Future<?> taken = other.submit(() -> {
            lock.lock();
            lock.unlock();
            return null;
        });
        taken.get(5, TimeUnit.SECONDS);
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
        other.shutdown();
        m.close();
    }

    @Test
    void anotherProcessSeesAllocationsAndAllocatesAfterThem() throws Exception {
        String name = newSegment();
        ShmLockManager m = ShmLockManager.openOrCreate(name, 64, false);
        m.allocate();
        m.allocateAndRetrieve(5);
        Process inspect = helper("inspect", name, "64", "0", "1", "5");
        assertThat(firstLine(inspect)).isEqualTo("62 true false true");
        Process alloc = helper("allocate", name, "64");
        assertThat(firstLine(alloc)).isEqualTo("1");
        assertThat(alloc.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(m.isAllocated(1)).isTrue();
        m.close();
    }
}
