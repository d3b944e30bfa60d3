package io.jpod.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffTarTest {

    @TempDir
    Path dir;

    @Test
    void writesOverlayWhiteoutsOpaqueDirectoriesLinksAndOwnersAndLeavesOutSkippedMountPoints() throws Exception {
        Files.createDirectories(dir.resolve("etc/app"));
        Files.writeString(dir.resolve("etc/app/conf"), "x=1\n");
        PosixFiles.setOwner(dir.resolve("etc/app/conf"), 1234, 99);
        PosixFiles.setMode(dir.resolve("etc/app/conf"), 0640);
        Files.createLink(dir.resolve("etc/app/conf.link"), dir.resolve("etc/app/conf"));
        Files.createSymbolicLink(dir.resolve("etc/app/current"), Path.of("conf"));
        PosixFiles.makeWhiteout(dir.resolve("etc/gone"));
        Files.createDirectories(dir.resolve("var/cache"));
        PosixFiles.setXattr(dir.resolve("var/cache"), LayerExtractor.OPAQUE_XATTR, "y");
        Files.writeString(dir.resolve("etc/hosts"), "");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffTar.write(dir, out, Set.of("etc/hosts")::contains);

        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), e);
            }
        }
        assertThat(entries).containsKeys("etc/", "etc/app/", "etc/app/conf", "etc/.wh.gone", "var/cache/",
                "var/cache/.wh..wh..opq").doesNotContainKey("etc/hosts").doesNotContainKey("etc/gone");
        TarArchiveEntry conf = entries.get("etc/app/conf");
        assertThat(conf.getLongUserId()).isEqualTo(1234);
        assertThat(conf.getLongGroupId()).isEqualTo(99);
        assertThat(conf.getMode() & 07777).isEqualTo(0640);
        assertThat(conf.getSize()).isEqualTo(4);
        assertThat(entries.get("etc/app/conf.link").isLink()).isTrue();
        assertThat(entries.get("etc/app/conf.link").getLinkName()).isEqualTo("etc/app/conf");
        assertThat(entries.get("etc/app/current").isSymbolicLink()).isTrue();
        assertThat(entries.get("etc/app/current").getLinkName()).isEqualTo("conf");

        // what the tar holds comes back as the same overlay tree
        Path back = dir.resolveSibling(dir.getFileName() + "-back");
        LayerExtractor.extract(new ByteArrayInputStream(out.toByteArray()), back);
        assertThat(Files.readString(back.resolve("etc/app/conf"))).isEqualTo("x=1\n");
        assertThat(PosixFiles.getXattr(back.resolve("var/cache"), LayerExtractor.OPAQUE_XATTR)).isEqualTo("y");
        assertThat((Integer) Files.getAttribute(back.resolve("etc/gone"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                & 0170000).isEqualTo(0020000);
    }
}
