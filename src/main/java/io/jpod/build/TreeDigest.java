package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A content digest of a staged tree: the build cache key for COPY/ADD. */
public final class TreeDigest {

    private TreeDigest() {}

    /**
     * {@code sha256:...} over every entry under {@code root} in path order: relative path, type, mode, uid, gid,
     * size, content and link target. Modification times are left out, so a fresh checkout of the same files hits
     * the cache.
     */
    public static String of(Path root) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<String> paths = walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted()
                    .toList();
            byte[] buffer = new byte[65536];
            for (String rel : paths) {
                Path p = root.resolve(rel);
                String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d"
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "f" : "o";
                int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                Object gid = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                long size = type.equals("f") ? Files.size(p) : 0;
                String link = type.equals("l") ? Files.readSymbolicLink(p).toString() : "";
                // NUL-separated fields: no file name or link target can contain a NUL, so entries never run together
                sha.update((rel + "\0" + type + "\0" + Integer.toOctalString(mode) + "\0" + uid + "\0" + gid + "\0"
                        + size + "\0" + link + "\0").getBytes(StandardCharsets.UTF_8));
                if (type.equals("f")) {
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            sha.update(buffer, 0, n);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw EngineException.internal("digesting " + root + ": " + e.getMessage(), e);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
