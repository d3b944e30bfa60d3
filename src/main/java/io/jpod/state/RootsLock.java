package io.jpod.state;

import io.jpod.error.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon per set of roots: {@code <dir>/jpod.lock} in the static dir (the database), the graph
 * root (the image and layer store) and the tmp dir (runtime entries, conmon files, CNI leases), each held with a POSIX record lock for the daemon's whole
 * life and naming its holder's PID. A second daemon on the same roots refuses at start, before it
 * opens the database, instead of writing under the first. libpod's {@code alive.lck} only serialises
 * start-up (and {@code io.jpod.runtime.AliveLock} still does that); it does not keep a second daemon out.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of a file drops them all: a file
 * this JVM holds is therefore recognised from the in-process table and never opened a second time.
 */
public final class RootsLock implements AutoCloseable {

    public static final String FILE = "jpod.lock";

    private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();

    private final List<Held> held;

    private record Held(Path file, FileChannel channel, FileLock lock) {}

    private RootsLock(List<Held> held) {
        this.held = held;
    }

    /** Locks every directory in {@code dirs} (created 0700 if missing), or takes none and says who holds one. */
    public static RootsLock acquire(List<Path> dirs) {
        List<Held> taken = new ArrayList<>();
        try {
            for (Path dir : dirs) {
                Path file = dir.toAbsolutePath().normalize().resolve(FILE);
                if (taken.stream().anyMatch(h -> h.file().equals(file))) {
                    continue;
                }
                taken.add(lock(file));
            }
            return new RootsLock(taken);
        } catch (RuntimeException e) {
            new RootsLock(taken).close();
            throw e;
        }
    }

    private static Held lock(Path file) {
        String self = Long.toString(ProcessHandle.current().pid());
        if (HELD_HERE.putIfAbsent(file, self) != null) {
            throw refused(file, self + ", this very process");
        }
        FileChannel ch = null;
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw refused(file, holder(ch));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new Held(file, ch, lock);
        } catch (IOException | OverlappingFileLockException e) {
            release(file, ch);
            throw new ConfigException("cannot lock " + file + " to keep other jpod daemons off these roots: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(file, ch);
            throw e;
        }
    }

    private static ConfigException refused(Path file, String holder) {
        return new ConfigException("another jpod daemon (pid " + holder + ") is using " + file.getParent()
                + ": it holds " + file + ". Stop it first, or give this daemon its own static_dir, graph root and tmp_dir");
    }

    /** The PID the holder wrote, read through our own descriptor (opening another would be harmless here). */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            int n = ch.read(buf, 0);
            String pid = n > 0 ? new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip() : "";
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void release(Path file, FileChannel ch) {
        HELD_HERE.remove(file);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing drops the lock in any case
            }
        }
    }

    @Override
    public void close() {
        for (Held h : held) {
            release(h.file(), h.channel());
        }
        held.clear();
    }
}
