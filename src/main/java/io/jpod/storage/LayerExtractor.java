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
        Path root = target.toRealPath();
        BufferedInputStream buffered = new BufferedInputStream(in);
        InputStream raw = isGzip(buffered) ? new GzipCompressorInputStream(buffered, true) : buffered;
        MessageDigest sha = sha256();
        DigestInputStream digesting = new DigestInputStream(raw, sha);
        long size = 0;
        int entries = 0;
        List<Runnable> directoryTimes = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(digesting);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            entries++;
            String name = normalise(entry.getName());
            if (name.isEmpty()) {
                continue;
            }
            Path dest = resolveInside(root, name);
            String base = dest.getFileName().toString();
            if (base.equals(OPAQUE)) {
                Files.createDirectories(dest.getParent());
                PosixFiles.setXattr(dest.getParent(), OPAQUE_XATTR, "y");
                continue;
            }
            if (base.startsWith(WHITEOUT_PREFIX)) {
                Path hidden = dest.resolveSibling(base.substring(WHITEOUT_PREFIX.length()));
                Files.createDirectories(hidden.getParent());
                Trees.delete(hidden);
                PosixFiles.makeWhiteout(hidden);
                continue;
            }
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
                Path source = resolveInside(root, normalise(entry.getLinkName()));
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    throw EngineException.invalidArgument("invalid layer: hard link " + name + " points to "
                            + entry.getLinkName() + ", which is not in the layer");
                }
                Trees.delete(dest);
                Files.createLink(dest, source);
                continue; // a hard link shares the source's metadata
            } else if (entry.isFile()) {
                Trees.delete(dest);
                try (OutputStream out = Files.newOutputStream(dest)) {
                    size += tar.transferTo(out);
                }
            } else {
                // devices and FIFOs are created by the runtime (/dev is a tmpfs), not shipped in layers
                continue;
            }
            PosixFiles.setOwner(dest, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
            if (!entry.isSymbolicLink()) {
                PosixFiles.setMode(dest, entry.getMode());
                FileTime mtime = FileTime.from(entry.getModTime().toInstant());
                if (entry.isDirectory()) {
                    // later entries inside the directory would change its time again: set it at the end
                    Path dir = dest;
                    directoryTimes.add(() -> setTime(dir, mtime));
                } else {
                    setTime(dest, mtime);
                }
            }
        }
        // read the end-of-archive padding too, so the digest covers the whole tar
        digesting.transferTo(OutputStream.nullOutputStream());
        directoryTimes.forEach(Runnable::run);
        return new Result("sha256:" + HexFormat.of().formatHex(sha.digest()), size, entries);
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
