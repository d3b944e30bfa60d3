package io.jpod.build;

import io.jpod.error.EngineException;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lays out what a COPY or ADD adds to the image under a staging directory, at the files' final absolute paths, so
 * the executor can turn it into a layer. The classic builder's rules: a source directory copies its contents; several
 * sources need a destination ending in '/'; a destination ending in '/' or that is a directory in the image receives
 * files by their base name; everything copied belongs to the {@code --chown} owner (root without it); files keep
 * their mode and mtime; symlinks stay symlinks. New directories are 0755: the parents of a file's destination
 * belong to the {@code --chown} owner, those of a directory copy to root (its destination to the owner), as Docker
 * creates them.
 */
public final class CopyStager {

    /** The owner COPY/ADD gives to what it adds ({@code --chown}, already resolved to numbers). */
    public record Owner(int uid, int gid) {}

    private static final Owner ROOT = new Owner(0, 0);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path sourceRoot;
    private final Owner owner;
    private final Integer chmod;
    private final Path stagingRoot;
    private final Path imageRoot;
    /** Directory times are set last: writing inside a directory changes its time. */
    private final List<Runnable> directoryTimes = new ArrayList<>();

    private CopyStager(Path sourceRoot, Owner owner, Integer chmod, Path stagingRoot, Path imageRoot) {
        this.sourceRoot = sourceRoot;
        this.owner = owner;
        this.chmod = chmod;
        this.stagingRoot = stagingRoot;
        this.imageRoot = imageRoot;
    }

    /**
     * Stages {@code sources} (from {@link Sources#resolve}, under {@code sourceRoot}) for the destination
     * {@code dest} (relative ones count from {@code workdir}). {@code destIsDir} answers, for the cleaned absolute
     * destination, whether the image has a directory there. {@code owner} null means root 0:0; {@code chmod} an
     * octal string from {@code --chmod} applied to copied files and directories (null keeps their modes). With
     * {@code extractArchives} (ADD), a source that is a tar (plain, gzip, bzip2 or xz) is extracted into the
     * destination instead, keeping the archive's owners and modes as Docker does.
     */
    public static void stage(List<Path> sources, Path sourceRoot, String dest, String workdir,
            Predicate<String> destIsDir, Owner owner, String chmod, boolean extractArchives, Path stagingRoot) {
        stage(sources, sourceRoot, dest, workdir, destIsDir, owner, chmod, extractArchives, stagingRoot, null);
    }

    /**
     * As above, knowing the image's current root filesystem ({@code imageRoot}, null if unknown): the destination
     * is then resolved through the image's symlinks (a COPY to /lib/x where /lib links to usr/lib lands in
     * /usr/lib/x, as in Docker), parent directories that exist in the image are staged with the image's own mode,
     * owner and time, so the layer does not change them, and a null {@code destIsDir} is answered by looking there.
     */
    public static void stage(List<Path> sources, Path sourceRoot, String dest, String workdir,
            Predicate<String> destIsDir, Owner owner, String chmod, boolean extractArchives, Path stagingRoot,
            Path imageRoot) {
        boolean slash = dest.endsWith("/");
        if (sources.size() > 1 && !slash) {
            throw EngineException.invalidArgument("When using COPY with more than one source file, "
                    + "the destination must be a directory and end with a /");
        }
        String base = workdir == null || workdir.isEmpty() ? "/" : workdir;
        String cleanDest = GoPatterns.clean(dest.startsWith("/") ? dest : "/" + base + "/" + dest);
        String target = imageRoot == null ? cleanDest.substring(1) : ScopedPaths.resolve(imageRoot, cleanDest, true);
        boolean destDir = slash || (destIsDir != null ? destIsDir.test(cleanDest)
                : imageRoot != null && Files.isDirectory(imageRoot.resolve(target.isEmpty() ? "." : target)));
        CopyStager stager = new CopyStager(sourceRoot, owner == null ? ROOT : owner, parseChmod(chmod), stagingRoot,
                imageRoot);
        try {
            for (Path source : sources) {
                stager.stageOne(source, target, destDir, extractArchives);
            }
        } catch (IOException e) {
            throw EngineException.internal("staging COPY to " + dest + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw EngineException.internal("staging COPY to " + dest + ": " + e.getCause().getMessage(), e);
        }
        stager.directoryTimes.forEach(Runnable::run);
    }

    private void stageOne(Path source, String target, boolean destDir, boolean extractArchives) throws IOException {
        Path normalized = source.normalize();
        if (!normalized.startsWith(sourceRoot.normalize())) {
            throw EngineException.internal("COPY source " + source + " is not under " + sourceRoot, null);
        }
        String rel = sourceRoot.normalize().relativize(normalized).toString();
        // a source that is a symlink is followed (inside the root), but keeps its own name
        String resolved = ScopedPaths.resolve(sourceRoot, rel, true);
        Path content = sourceRoot.resolve(resolved.isEmpty() ? "." : resolved);
        if (Files.isDirectory(content, NOFOLLOW)) {
            // Docker: new parents of a directory copy belong to root, the destination to the --chown owner
            Path dir = directory(target, ROOT, owner);
            copyTree(content, dir);
        } else if (Files.isRegularFile(content, NOFOLLOW)) {
            if (extractArchives && Archives.isTar(content)) {
                Path dir = directory(target, ROOT, ROOT); // Docker untars as root, keeping the archive's owners
                try (InputStream in = Files.newInputStream(content)) {
                    TarUnpacker.unpack(in, dir, true, "ADD " + rel);
                }
                return;
            }
            String file = destDir ? join(target, source.getFileName().toString()) : target;
            parents(file, owner);
            copyFile(content, staged(file));
        } else if (!Files.exists(content, NOFOLLOW)) {
            throw EngineException.invalidArgument("COPY failed: stat " + rel + ": file does not exist");
        } else {
            throw EngineException.invalidArgument("COPY failed: " + rel + " is not a file, directory or symlink");
        }
    }

    /** Stages the destination directory and its parents; new ones are 0755 and owned as given. */
    private Path directory(String target, Owner parentsOwner, Owner dirOwner) throws IOException {
        parents(target, parentsOwner);
        Path dir = staged(target);
        if (target.isEmpty() || Files.isDirectory(dir, NOFOLLOW)) {
            return dir;
        }
        Trees.delete(dir);
        Files.createDirectory(dir);
        if (!fromImage(target, dir)) {
            PosixFiles.setMode(dir, 0755);
            PosixFiles.setOwner(dir, dirOwner.uid(), dirOwner.gid());
        }
        return dir;
    }

    /** Creates the missing parents of an image path in the staging tree (0755, owned by {@code by}). */
    private void parents(String imagePath, Owner by) throws IOException {
        int slash = imagePath.lastIndexOf('/');
        if (slash < 0) {
            return;
        }
        String parent = imagePath.substring(0, slash);
        parents(parent, by);
        Path dir = staged(parent);
        if (Files.isDirectory(dir, NOFOLLOW)) {
            return;
        }
        Trees.delete(dir);
        Files.createDirectory(dir);
        if (!fromImage(parent, dir)) {
            PosixFiles.setMode(dir, 0755);
            PosixFiles.setOwner(dir, by.uid(), by.gid());
        }
    }

    /** Gives a staged directory the metadata of the image's directory at the same path; false when there is none. */
    private boolean fromImage(String imagePath, Path dir) throws IOException {
        if (imageRoot == null) {
            return false;
        }
        Path existing = imageRoot.resolve(imagePath);
        if (!Files.isDirectory(existing, NOFOLLOW)) {
            return false;
        }
        PosixFiles.setMode(dir, mode(existing));
        PosixFiles.setOwner(dir, (int) Files.getAttribute(existing, "unix:uid", NOFOLLOW),
                (int) Files.getAttribute(existing, "unix:gid", NOFOLLOW));
        FileTime time = Files.getLastModifiedTime(existing, NOFOLLOW);
        directoryTimes.add(() -> setTime(dir, time));
        return true;
    }

    private void copyTree(Path from, Path to) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            entries.forEach(children::add);
        }
        children.sort(null);
        for (Path child : children) {
            Path dest = to.resolve(child.getFileName().toString());
            if (Files.isDirectory(child, NOFOLLOW)) {
                if (!Files.isDirectory(dest, NOFOLLOW)) {
                    Trees.delete(dest);
                    Files.createDirectory(dest);
                }
                copyTree(child, dest);
                setMetadata(dest, chmod != null ? chmod : mode(child), Files.getLastModifiedTime(child, NOFOLLOW));
            } else if (Files.isSymbolicLink(child)) {
                Trees.delete(dest);
                Files.createSymbolicLink(dest, Files.readSymbolicLink(child));
                PosixFiles.setOwner(dest, owner.uid(), owner.gid());
            } else if (Files.isRegularFile(child, NOFOLLOW)) {
                copyFile(child, dest);
            }
            // sockets, FIFOs and devices are not copied
        }
    }

    private void copyFile(Path from, Path to) throws IOException {
        if (Files.exists(to, NOFOLLOW)) {
            Trees.delete(to);
        }
        Files.copy(from, to);
        PosixFiles.setOwner(to, owner.uid(), owner.gid());
        PosixFiles.setMode(to, chmod != null ? chmod : mode(from));
        Files.setLastModifiedTime(to, Files.getLastModifiedTime(from, NOFOLLOW));
    }

    private void setMetadata(Path dir, int mode, FileTime time) {
        PosixFiles.setOwner(dir, owner.uid(), owner.gid());
        PosixFiles.setMode(dir, mode);
        if (time != null) {
            directoryTimes.add(() -> setTime(dir, time));
        }
    }

    private Path staged(String imagePath) {
        return imagePath.isEmpty() ? stagingRoot : stagingRoot.resolve(imagePath);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    private static Integer parseChmod(String chmod) {
        if (chmod == null || chmod.isEmpty()) {
            return null;
        }
        try {
            int mode = Integer.parseInt(chmod, 8);
            if (mode >= 0 && mode <= 07777) {
                return mode;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw EngineException.invalidArgument("invalid --chmod value \"" + chmod + "\": an octal mode is expected");
    }

    private static void setTime(Path p, FileTime t) {
        try {
            Files.setLastModifiedTime(p, t);
        } catch (IOException e) {
            // times are cosmetic
        }
    }
}
