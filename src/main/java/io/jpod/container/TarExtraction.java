package io.jpod.container;

import io.jpod.container.PathResolver.Resolved;
import io.jpod.error.EngineException;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One tar (plain or gzip) unpacked into a container's directory ({@code docker cp} in): every entry
 * is resolved in the container's scope by {@link PathResolver} (a {@code ..} entry is refused), so no
 * entry and no link, in the tar or in the container, leads it to the host's files; read-only mounts
 * take nothing. Ownership is the tar's, or the container user's with {@code copyUIDGID}, as Docker.
 */
final class TarExtraction {

    private final PathResolver r;
    private final String dir;
    private final ContainerFiles.ExtractOptions opts;
    private final Users.Resolved owner;
    private final List<Runnable> dirTimes = new ArrayList<>();

    TarExtraction(PathResolver r, String dir, ContainerFiles.ExtractOptions opts, Users.Resolved owner) {
        this.r = r;
        this.dir = dir;
        this.opts = opts;
        this.owner = owner;
    }

    void run(InputStream body) throws IOException {
        BufferedInputStream in = new BufferedInputStream(body);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GzipCompressorInputStream(in, true) : in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            List<String> parts = new ArrayList<>(PathResolver.split(e.getName()));
            if (parts.isEmpty()) {
                continue;
            }
            if (opts.rename().containsKey(parts.get(0))) {
                parts.set(0, opts.rename().get(parts.get(0)));
            }
            if (parts.contains("..")) {
                throw EngineException.invalidArgument("the archive entry " + e.getName() + " leaves its directory");
            }
            String name = String.join("/", parts);
            String parentPath = dir + "/" + (parts.size() > 1 ? name.substring(0, name.lastIndexOf('/')) : "");
            Resolved parent = r.resolve(parentPath, true);
            if (!Files.isDirectory(parent.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw EngineException.invalidArgument("the archive entry " + e.getName()
                        + " is not in a directory of the container");
            }
            Resolved dest = r.resolve(parent.path() + "/" + parts.get(parts.size() - 1), false);
            if (dest.readOnly()) {
                throw EngineException.invalidArgument(readOnlyMessage(dest));
            }
            write(e, tar, dest);
        }
        dirTimes.forEach(Runnable::run);
    }

    private void write(TarArchiveEntry e, InputStream content, Resolved dest) throws IOException {
        Path p = dest.host();
        boolean exists = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (exists && opts.noOverwriteDirNonDir() && isDir != e.isDirectory()) {
            throw EngineException.invalidArgument(isDir ? "cannot overwrite directory " + dest.path()
                    + " with non-directory " + e.getName() : "cannot overwrite non-directory " + dest.path()
                    + " with directory " + e.getName());
        }
        if (e.isDirectory()) {
            if (!isDir) {
                Trees.delete(p);
                Files.createDirectory(p);
            }
            if (!dest.mountRoot()) {
                metadata(e, p);
            }
            FileTime t = FileTime.from(e.getModTime().toInstant());
            dirTimes.add(() -> setTime(p, t));
            return;
        }
        if (dest.mountRoot()) {
            // a bind-mounted file: written in place, the mount's source stays what it is
            if (!e.isFile() || isDir) {
                throw EngineException.invalidArgument("cannot replace the mount point " + dest.path());
            }
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                content.transferTo(out);
            }
            return;
        }
        if (e.isSymbolicLink()) {
            Trees.delete(p);
            Files.createSymbolicLink(p, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Resolved source = r.resolve(dir + "/" + e.getLinkName(), false);
            if (!Files.isRegularFile(source.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw EngineException.invalidArgument("the hard link " + e.getName() + " points to "
                        + e.getLinkName() + ", which is not a file in the container");
            }
            Trees.delete(p);
            try {
                Files.createLink(p, source.host());
            } catch (IOException crossDevice) {
                Files.copy(source.host(), p); // a link between the root and a volume cannot be made
            }
            return;
        } else if (e.isFile()) {
            Trees.delete(p);
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                content.transferTo(out);
            }
        } else if (e.isFIFO()) {
            Trees.delete(p);
            PosixFiles.makeFifo(p, e.getMode() & 0777);
        } else {
            return; // device nodes are not copied into containers
        }
        metadata(e, p);
        if (!e.isSymbolicLink()) {
            setTime(p, FileTime.from(e.getModTime().toInstant()));
        }
    }

    private void metadata(TarArchiveEntry e, Path p) {
        int uid = owner != null ? owner.uid() : (int) e.getLongUserId();
        int gid = owner != null ? owner.gid() : (int) e.getLongGroupId();
        PosixFiles.setOwner(p, uid, gid);
        if (!e.isSymbolicLink()) {
            PosixFiles.setMode(p, e.getMode());
        }
    }

    private static void setTime(Path p, FileTime t) {
        try {
            Files.setLastModifiedTime(p, t);
        } catch (IOException ignored) {
            // times are cosmetic
        }
    }

    static String readOnlyMessage(Resolved r) {
        return "cannot write to " + r.path() + ": it is on a read-only mount or the container's root filesystem is "
                + "read-only";
    }
}
