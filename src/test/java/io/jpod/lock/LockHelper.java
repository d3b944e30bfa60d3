package io.jpod.lock;

import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second OS process for the SHM lock tests, run as {@code java -cp <test classpath> io.jpod.lock.LockHelper}.
 * <ul>
 *   <li>{@code count SEGMENT NUM_LOCKS LOCK N COUNTER_FILE GO_FILE}: waits for GO_FILE, then N times
 *       locks, increments a long in COUNTER_FILE (a plain read-modify-write), unlocks.</li>
 *   <li>{@code hold SEGMENT NUM_LOCKS LOCK}: locks, prints {@code held}, then sleeps until killed.</li>
 *   <li>{@code inspect SEGMENT NUM_LOCKS LOCK...}: prints the free count, then each lock's allocation.</li>
 *   <li>{@code allocate SEGMENT NUM_LOCKS}: allocates one lock and prints its number.</li>
 * </ul>
 */
public final class LockHelper {

    private LockHelper() {}

    public static void main(String[] args) throws Exception {
        ShmLockManager m = ShmLockManager.openOrCreate(args[1], Integer.parseInt(args[2]), false);
        switch (args[0]) {
            case "count" -> count(m, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]),
                    Path.of(args[6]));
            case "hold" -> {
                m.retrieve(Integer.parseInt(args[3])).lock();
                System.out.println("held");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "inspect" -> {
                StringBuilder out = new StringBuilder().append(m.available().getAsInt());
                for (int i = 3; i < args.length; i++) {
                    out.append(' ').append(m.isAllocated(Integer.parseInt(args[i])));
                }
                System.out.println(out);
            }
            case "allocate" -> System.out.println(m.allocate().id());
            default -> throw new IllegalArgumentException(args[0]);
        }
        m.close();
    }

    private static void count(ShmLockManager m, int lockId, int n, Path counterFile, Path go) throws Exception {
        Lock lock = m.retrieve(lockId);
        try (RandomAccessFile f = new RandomAccessFile(counterFile.toFile(), "rw");
                FileChannel ch = f.getChannel()) {
            MappedByteBuffer counter = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8);
            while (!Files.exists(go)) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < n; i++) {
                lock.lock();
                long v = counter.getLong(0);
                counter.putLong(0, v + 1);
                lock.unlock();
            }
        }
        System.out.println("done");
    }
}
