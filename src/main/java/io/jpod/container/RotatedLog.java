package io.jpod.container;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A container log kept in up to {@code maxFile} files: {@code ctr.log} being written, then
 * {@code ctr.log.1} (the newest full one) to {@code ctr.log.<maxFile-1>} (the oldest), as Docker's
 * json-file names them.
 *
 * <p>conmon 2.1.6 starts its k8s-file over by closing it, opening {@code ctr.log.tmp} (create,
 * truncate), and renaming that over {@code ctr.log}: the full file loses its only name. So the
 * file being written always has a second name, {@code .ctr.log.held}, which keeps it once conmon
 * replaces it; and {@code ctr.log.tmp} is made in advance as a hard link of an empty
 * {@code .ctr.log.next}, so that the file conmon writes next is held from its first byte. After a
 * swap, {@link #reconcile()} numbers the full files and prepares the next swap. One swap may pass
 * unnoticed without a loss; a file conmon made itself and replaced before a reconcile is lost.
 */
final class RotatedLog {

    private final Path log;
    private final int maxFile;

    RotatedLog(Path log, int maxFile) {
        this.log = log;
        this.maxFile = Math.max(1, maxFile);
    }

    Path log() {
        return log;
    }

    /** {@code ctr.log.<n>}: n = 1 is the newest full file. */
    Path rotated(int n) {
        return sibling(log.getFileName() + "." + n);
    }

    private Path held() {
        return sibling("." + log.getFileName() + ".held");
    }

    private Path next() {
        return sibling("." + log.getFileName() + ".next");
    }

    /** The name conmon opens when it starts the log over. */
    private Path swap() {
        return sibling(log.getFileName() + ".tmp");
    }

    private Path sibling(String name) {
        return log.resolveSibling(name);
    }

    /** Before conmon opens the log: it exists and is held, and the next swap is prepared. */
    void prepare() throws IOException {
        if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(log);
        }
        reconcile();
    }

    /**
     * After conmon started the log over (or to check that it did not): the files it left are
     * numbered newest first, the oldest beyond {@code maxFile} dropped, the new one held, and the
     * next swap prepared. Callers serialise calls for one log.
     */
    void reconcile() throws IOException {
        Object current = key(log);
        if (current == null || maxFile < 2) {
            return; // not written yet, or removed
        }
        Object held = key(held());
        if (held != null && !held.equals(current)) {
            shift(held()); // conmon left the file it was writing
        }
        Object next = key(next());
        if (next != null && !next.equals(current) && Files.size(next()) > 0) {
            shift(next()); // and the one after it, which was full before this reconcile
        }
        if (key(held()) == null) {
            if (current.equals(key(next()))) {
                Files.move(next(), held(), StandardCopyOption.ATOMIC_MOVE);
            } else {
                link(held(), log); // conmon made this one itself: hold it now
            }
        }
        if (!Files.exists(swap(), LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.exists(next(), LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(next());
            }
            link(swap(), next()); // fails harmlessly while conmon holds its own .tmp
        }
    }

    /** {@code done} becomes {@code ctr.log.1}, the others move up one, the one past the limit goes. */
    private void shift(Path done) throws IOException {
        Files.deleteIfExists(rotated(maxFile - 1));
        for (int n = maxFile - 2; n >= 1; n--) {
            if (Files.exists(rotated(n), LinkOption.NOFOLLOW_LINKS)) {
                Files.move(rotated(n), rotated(n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(done, rotated(1), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The files to read, oldest first, the one being written last; those that do not exist are left out. */
    List<Path> files() {
        List<Path> out = new ArrayList<>();
        for (int n = maxFile - 1; n >= 1; n--) {
            if (Files.exists(rotated(n), LinkOption.NOFOLLOW_LINKS)) {
                out.add(rotated(n));
            }
        }
        out.add(log);
        return out;
    }

    private static void link(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            // conmon is between its open and its rename; the next reconcile sees the outcome
        }
    }

    /** The file's identity (device and inode), null when there is none by that name. */
    static Object key(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
