package io.jpod.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds tar archives in memory for image and layer tests. */
public final class TarBuilder {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public TarBuilder() {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    // Fixed times keep archives byte-identical from one build to the next (and so their digests).
    private static final java.util.Date MTIME = java.util.Date.from(java.time.Instant.parse("2024-01-01T00:00:00Z"));

    private void put(TarArchiveEntry e) throws IOException {
        e.setModTime(MTIME);
        tar.putArchiveEntry(e);
    }

    public TarBuilder dir(String name, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        e.setMode(040000 | mode);
        put(e);
        tar.closeArchiveEntry();
        return this;
    }

    public TarBuilder file(String name, int mode, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setSize(content.length);
        put(e);
        tar.write(content);
        tar.closeArchiveEntry();
        return this;
    }

    public TarBuilder file(String name, String content) throws IOException {
        return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
    }

    public TarBuilder symlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target);
        put(e);
        tar.closeArchiveEntry();
        return this;
    }

    public TarBuilder hardlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(target);
        put(e);
        tar.closeArchiveEntry();
        return this;
    }

    public byte[] build() throws IOException {
        tar.finish();
        tar.close();
        return bytes.toByteArray();
    }

    /** A root filesystem with the static busybox as its whole userland. */
    public static byte[] busyboxRootfs() throws IOException {
        TarBuilder t = new TarBuilder().dir("bin", 0755).dir("etc", 0755).dir("tmp", 01777).dir("root", 0700)
                .dir("proc", 0555).dir("sys", 0555).dir("dev", 0755)
                .file("bin/busybox", 0755, Files.readAllBytes(Path.of("/bin/busybox")))
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
                .file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        for (String applet : new String[] {"sh", "echo", "cat", "ls", "sleep", "env", "id", "pwd", "httpd", "wget"}) {
            t.symlink("bin/" + applet, "busybox");
        }
        return t.build();
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
