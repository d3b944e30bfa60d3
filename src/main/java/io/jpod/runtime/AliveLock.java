package io.jpod.runtime;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code <tmp_dir>/alive.lck}: serialises runtime start-up and refresh across processes with a POSIX
 * record lock, as libpod does. The JVM refuses a second lock on a file it already locks
 * (OverlappingFileLockException), so threads of one process first queue on an in-JVM lock.
 */
final class AliveLock implements AutoCloseable {

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private AliveLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static AliveLock acquire(Path lockFile) {
        ReentrantLock jvm = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        jvm.lock();
        try {
            if (!Files.exists(lockFile)) {
                try {
                    Files.createFile(lockFile, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first
                }
            }
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new AliveLock(jvm, ch, ch.lock());
        } catch (IOException e) {
            jvm.unlock();
            throw EngineException.internal("error acquiring runtime init lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel drops the lock in any case
        } finally {
            jvmLock.unlock();
        }
    }
}
