package io.jpod.storage;

import io.jpod.error.EngineException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks one image layer (a tar, plain or gzip) into an empty directory in overlayfs's format:
 * {@code .wh.NAME} becomes a 0/0 character device, {@code .wh..wh..opq} the opaque-directory
 * xattr. Owners, modes (set-id bits included) and times are kept. No entry may land outside the
 * target: absolute names are taken as relative, and {@code ..} escapes, writes through a symlink
 * and hard links to outside are refused with a clear error.
 */
public final class LayerExtractor {

    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    private LayerExtractor() {}

    /** What was unpacked. */
    public record Result(String diffId, long size, int entries) {}

    /**
     * Extracts {@code in} into {@code target} (created if missing). Returns the digest of the
     * uncompressed tar, the layer's "diff ID".
     */
    public static Result extract(InputStream in, Path target) throws IOException {
        Files.createDirectories(target);
        Unpacking unpacking = new Unpacking(target.toRealPath());
        BufferedInputStream buffered = new BufferedInputStream(in);
        InputStream raw = isGzip(buffered) ? new GzipCompressorInputStream(buffered, true) : buffered;
        MessageDigest sha = sha256();
        DigestInputStream digesting = new DigestInputStream(raw, sha);
        int entries = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(digesting);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            entries++;
            unpacking.unpack(entry, tar);
        }
        // read the end-of-archive padding too, so the digest covers the whole tar
        digesting.transferTo(OutputStream.nullOutputStream());
        unpacking.finish();
        return new Result("sha256:" + HexFormat.of().formatHex(sha.digest()), unpacking.size, entries);
    }

    /** One extraction in progress: where it goes, the bytes written, and the directory times still to set. */
    private static final class Unpacking {
        private final Path root;
        private final List<Runnable> directoryTimes = new ArrayList<>();
        private long size;

        Unpacking(Path root) {
            this.root = root;
        }

        void unpack(TarArchiveEntry entry, InputStream content) throws IOException {
            String name = normalise(entry.getName());
            if (name.isEmpty()) {
                return;
            }
            Path dest = resolveInside(root, name);
            if (whiteout(dest)) {
                return;
            }
            Files.createDirectories(dest.getParent());
            if (write(entry, name, dest, content)) {
                setMetadata(entry, dest);
            }
        }

        /** True when {@code dest} is a whiteout, now written in overlayfs's form. */
        private static boolean whiteout(Path dest) throws IOException {
            String base = dest.getFileName().toString();
            if (base.equals(OPAQUE)) {
                Files.createDirectories(dest.getParent());
                PosixFiles.setXattr(dest.getParent(), OPAQUE_XATTR, "y");
                return true;
            }
            if (base.startsWith(WHITEOUT_PREFIX)) {
                Path hidden = dest.resolveSibling(base.substring(WHITEOUT_PREFIX.length()));
                Files.createDirectories(hidden.getParent());
                Trees.delete(hidden);
                PosixFiles.makeWhiteout(hidden);
                return true;
            }
            return false;
        }

        /** Writes the entry, replacing what an earlier layer entry left; true when it needs its own metadata. */
        private boolean write(TarArchiveEntry entry, String name, Path dest, InputStream content) throws IOException {
            if (entry.isDirectory()) {
                if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                    Trees.delete(dest);
                    Files.createDirectory(dest);
                }
                return true;
            }
            if (entry.isSymbolicLink()) {
                Trees.delete(dest);
                Files.createSymbolicLink(dest, Path.of(entry.getLinkName()));
                return true;
            }
            if (entry.isLink()) {
                Path source = resolveInside(root, normalise(entry.getLinkName()));
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw EngineException.invalidArgument("invalid layer: hard link " + name + " points to "
                            + entry.getLinkName() + ", which is not in the layer");
                }
                Trees.delete(dest);
                Files.createLink(dest, source);
                return false; // a hard link shares the source's metadata
            }
            if (entry.isFile()) {
                Trees.delete(dest);
                try (OutputStream out = Files.newOutputStream(dest)) {
                    size += content.transferTo(out);
                }
                return true;
            }
            // devices and FIFOs are created by the runtime (/dev is a tmpfs), not shipped in layers
            return false;
        }

        private void setMetadata(TarArchiveEntry entry, Path dest) {
            PosixFiles.setOwner(dest, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
            if (entry.isSymbolicLink()) {
                return;
            }
            PosixFiles.setMode(dest, entry.getMode());
            FileTime mtime = FileTime.from(entry.getModTime().toInstant());
            if (entry.isDirectory()) {
                // later entries inside the directory would change its time again: set it at the end
                directoryTimes.add(() -> setTime(dest, mtime));
            } else {
                setTime(dest, mtime);
            }
        }

        void finish() {
            directoryTimes.forEach(Runnable::run);
        }
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b;
    }

    static String normalise(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("/") || n.startsWith("./")) {
            n = n.startsWith("/") ? n.substring(1) : n.substring(2);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(".") ? "" : n;
    }

    /**
     * The path of {@code name} under {@code root}, refusing {@code ..} escapes and parents that are
     * symlinks (writing through one could reach outside the layer).
     */
    static Path resolveInside(Path root, String name) {
        Path dest = root.resolve(name).normalize();
        if (!dest.startsWith(root) || dest.equals(root)) {
            throw EngineException.invalidArgument("invalid layer: entry \"" + name + "\" escapes the layer directory");
        }
        for (Path p = dest.getParent(); p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw EngineException.invalidArgument("invalid layer: entry \"" + name + "\" is written through the "
                        + "symbolic link \"" + root.relativize(p) + "\"");
            }
        }
        return dest;
    }

    private static void setTime(Path p, FileTime t) {
        try {
            Files.setLastModifiedTime(p, t);
        } catch (IOException e) {
            // times are cosmetic
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves a finished directory into place; false (and the source removed) when another copy won. */
    public static boolean publish(Path from, Path to) throws IOException {
        if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (FileSystemException e) {
                // rename(2) refuses a non-empty target directory: another writer got there first
                if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
            }
        }
        Trees.delete(from);
        return false;
    }
}
