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
 * modes, times and symlinks kept; entries named with {@code ..} that leave the directory, symlinks whose target
 * leaves it, hard links to outside and writes through a symlink are refused. Absolute names are taken as relative
 * to the directory, as Docker does. Devices and FIFOs are skipped.
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
        if (escapes(entry.getName())) {
            throw refuse(entry.getName(), "leaves the directory");
        }
        String name = GoPatterns.clean("/" + entry.getName()).substring(1);
        if (name.isEmpty()) {
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
            String target = entry.getLinkName();
            String parent = root.relativize(dest.getParent()).toString();
            if (!target.startsWith("/") && escapes(parent.isEmpty() ? target : parent + "/" + target)) {
                throw refuse(entry.getName(), "is a symbolic link to " + target + ", outside the directory");
            }
            Trees.delete(dest);
            Files.createSymbolicLink(dest, Path.of(target));
        } else if (entry.isLink()) {
            String target = GoPatterns.clean("/" + entry.getLinkName()).substring(1);
            if (escapes(entry.getLinkName()) || target.isEmpty()) {
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

    /** True when the relative path, resolved lexically, climbs above its start. */
    private static boolean escapes(String relative) {
        String cleaned = GoPatterns.clean(relative);
        return cleaned.equals("..") || cleaned.startsWith("../");
    }

    /** The path of a cleaned relative name under the root, refusing parents that are symlinks. */
    private Path inside(String name) {
        Path dest = root.resolve(name).normalize();
        if (!dest.startsWith(root)) {
            throw refuse(name, "leaves the directory");
        }
        for (Path p = dest.getParent(); p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw refuse(name, "would be written through the symbolic link " + root.relativize(p));
            }
        }
        return dest;
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
