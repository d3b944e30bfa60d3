package io.jpod.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a directory tree as a layer tar: an overlay upper directory (a container's changes) or a
 * staged tree (what a COPY adds). Overlay's whiteouts become the layer format's: a 0/0 character
 * device is written as {@code .wh.<name>}, an opaque directory gets a {@code .wh..wh..opq} entry.
 * Owners, modes, times, symlinks and hard links are kept; names are sorted, so the same tree gives
 * the same tar.
 */
public final class DiffTar {

    private DiffTar() {}

    /**
     * Writes {@code root}'s contents (not {@code root} itself) to {@code out} and finishes the tar
     * without closing {@code out}. {@code skip} gets slash-separated paths relative to the root and
     * leaves out an entry (with all below it) when it answers true.
     */
    public static void write(Path root, OutputStream out, Predicate<String> skip) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        new Walk(root, tar, skip).dir(root, "");
        tar.finish();
        tar.flush();
    }

    /**
     * Writes one path as a tar: a file, symlink or FIFO as a single entry called {@code name}; a
     * directory as an entry {@code name/} followed by its contents under that name ({@code docker cp}
     * out of a container). Finishes the tar without closing {@code out}.
     */
    public static void writeTree(Path source, String name, OutputStream out) throws IOException {
        writeTrees(List.of(Map.entry(source, name)), out);
    }

    /**
     * As {@link #writeTree}, for several paths one after the other in one tar: a later one may lay
     * its entries over an earlier one's (a volume's content over its empty mount point).
     */
    public static void writeTrees(List<Map.Entry<Path, String>> sources, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Map.Entry<Path, String> s : sources) {
            new Walk(s.getKey(), tar, n -> false).entry(s.getKey(), s.getValue());
        }
        tar.finish();
        tar.flush();
    }

    /** One pass over the tree, remembering the first name of every multiply-linked inode. */
    private static final class Walk {
        private final Path root;
        private final TarArchiveOutputStream tar;
        private final Predicate<String> skip;
        private final Map<String, String> linked = new HashMap<>();

        Walk(Path root, TarArchiveOutputStream tar, Predicate<String> skip) {
            this.root = root;
            this.tar = tar;
            this.skip = skip;
        }

        void dir(Path dir, String prefix) throws IOException {
            List<Path> children;
            try (Stream<Path> s = Files.list(dir)) {
                children = s.sorted().toList();
            }
            for (Path child : children) {
                String name = prefix + child.getFileName();
                if (!skip.test(name)) {
                    entry(child, name);
                }
            }
        }

        private void entry(Path p, String name) throws IOException {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,rdev,nlink,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int type = mode & 0170000;
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            if (type == PosixFiles.S_IFCHR && ((Long) a.get("rdev")) == 0L) {
                int slash = name.lastIndexOf('/');
                TarArchiveEntry wh = new TarArchiveEntry(name.substring(0, slash + 1) + LayerExtractor.WHITEOUT_PREFIX
                        + name.substring(slash + 1));
                wh.setModTime(mtime);
                put(wh, null);
                return;
            }
            TarArchiveEntry e;
            boolean content = false;
            String inode = a.get("dev") + ":" + a.get("ino");
            if (type == 0040000) {
                e = new TarArchiveEntry(name + "/");
            } else if (type == 0120000) {
                e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                e.setLinkName(Files.readSymbolicLink(p).toString());
            } else if (type == 0100000 && ((Integer) a.get("nlink")) > 1 && linked.containsKey(inode)) {
                e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                e.setLinkName(linked.get(inode));
            } else if (type == 0100000) {
                e = new TarArchiveEntry(name);
                e.setSize(Files.size(p));
                content = true;
                if (((Integer) a.get("nlink")) > 1) {
                    linked.put(inode, name);
                }
            } else if (type == 0010000) {
                e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
            } else {
                return; // sockets and device nodes belong to a running system, not to an image
            }
            e.setMode(mode & 07777);
            e.setUserId((Integer) a.get("uid"));
            e.setGroupId((Integer) a.get("gid"));
            e.setModTime(mtime);
            if (content) {
                try (InputStream in = Files.newInputStream(p)) {
                    put(e, in);
                }
            } else {
                put(e, null);
            }
            if (type == 0040000) {
                if ("y".equals(PosixFiles.getXattr(p, LayerExtractor.OPAQUE_XATTR))) {
                    TarArchiveEntry opq = new TarArchiveEntry(name + "/" + LayerExtractor.OPAQUE);
                    opq.setModTime(mtime);
                    put(opq, null);
                }
                dir(p, name + "/");
            }
        }

        private void put(TarArchiveEntry e, InputStream content) throws IOException {
            tar.putArchiveEntry(e);
            if (content != null) {
                content.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
    }
}
