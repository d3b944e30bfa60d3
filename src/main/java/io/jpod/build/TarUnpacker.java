package io.jpod.build;

import io.jpod.error.EngineException;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a tar (plain or compressed) into a directory the way Docker's untar does for build contexts and ADD:
 * modes, times and symlinks kept. Names are taken relative to the directory (a leading / dropped) and refused when
 * {@code ..} leads out of it; an entry under a symlinked directory is written where that symlink leads, resolved
 * inside the directory, never outside; hard links must point inside. Symlink targets are stored verbatim, as
 * Docker does: containment applies when a link is followed (see {@link ScopedPaths}). Devices and FIFOs are skipped.
 */
final class TarUnpacker {

    private final Path root;
    private final boolean keepOwners;
    private final String what;
    private final List<Runnable> directoryTimes = new ArrayList<>();

    private TarUnpacker(Path root, boolean keepOwners, String what) {
        this.root = root;
        this.keepOwners = keepOwners;
        this.what = what;
    }

    /** Unpacks {@code in} into {@code dir} (created if missing); owners from the archive only when {@code keepOwners}. */
    static void unpack(InputStream in, Path dir, boolean keepOwners, String what) throws IOException {
        Files.createDirectories(dir);
        TarUnpacker unpacker = new TarUnpacker(dir.toRealPath(), keepOwners, what);
        TarArchiveInputStream tar = new TarArchiveInputStream(Archives.decompressed(in));
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            unpacker.unpack(entry, tar);
        }
        unpacker.directoryTimes.forEach(Runnable::run);
    }

    private void unpack(TarArchiveEntry entry, InputStream content) throws IOException {
        String name = relative(entry.getName());
        if (name == null) {
            throw refuse(entry.getName(), "leaves the directory");
        }
        if (name.equals(".")) {
            return; // "./" itself
        }
        Path dest = inside(name);
        Files.createDirectories(dest.getParent());
        if (entry.isDirectory()) {
            if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                Trees.delete(dest);
                Files.createDirectory(dest);
            }
        } else if (entry.isSymbolicLink()) {
            Trees.delete(dest);
            Files.createSymbolicLink(dest, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            String target = relative(entry.getLinkName());
            if (target == null || target.equals(".")) {
                throw refuse(entry.getName(), "is a hard link to " + entry.getLinkName() + ", outside the directory");
            }
            Path source = inside(target);
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(entry.getName(), "is a hard link to " + entry.getLinkName() + ", which is not in the archive");
            }
            Trees.delete(dest);
            Files.createLink(dest, source);
            return; // shares the source's metadata
        } else if (entry.isFile()) {
            Trees.delete(dest);
            try (OutputStream out = Files.newOutputStream(dest)) {
                content.transferTo(out);
            }
        } else {
            return; // devices and FIFOs have no place in a build
        }
        if (keepOwners) {
            PosixFiles.setOwner(dest, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        }
        if (entry.isSymbolicLink()) {
            return;
        }
        PosixFiles.setMode(dest, entry.getMode());
        FileTime mtime = FileTime.from(entry.getModTime().toInstant());
        if (entry.isDirectory()) {
            directoryTimes.add(() -> setTime(dest, mtime)); // entries written inside would change it again
        } else {
            setTime(dest, mtime);
        }
    }

    /** The cleaned name relative to the root ("." for the root itself), or null when {@code ..} leads out of it. */
    private static String relative(String name) {
        String p = name;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        String cleaned = GoPatterns.clean(p);
        return cleaned.equals("..") || cleaned.startsWith("../") ? null : cleaned;
    }

    /**
     * Where a name lands: its parent resolved through symlinks inside the root (as Docker resolves it), its last
     * element not followed. A parent that is not a directory fails when the entry is written.
     */
    private Path inside(String name) {
        int slash = name.lastIndexOf('/');
        String parent = slash < 0 ? "" : ScopedPaths.resolve(root, name.substring(0, slash), true);
        String base = name.substring(slash + 1);
        return parent.isEmpty() ? root.resolve(base) : root.resolve(parent).resolve(base);
    }

    private EngineException refuse(String name, String why) {
        return EngineException.invalidArgument(what + ": entry \"" + name + "\" " + why);
    }

    private static void setTime(Path p, FileTime t) {
        try {
            Files.setLastModifiedTime(p, t);
        } catch (IOException e) {
            // times are cosmetic
        }
    }
}
