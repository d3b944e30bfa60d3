package io.jpod.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.storage.TreeChanges.Change;
import io.jpod.storage.TreeChanges.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker diff's answer from an overlay upper dir and from a vfs root, and a vfs root's changes as a layer. */
class TreeChangesTest {

    @TempDir
    Path tmp;

    private Path image() throws Exception {
        Path layer = Files.createDirectories(tmp.resolve("layer/etc"));
        Files.writeString(layer.resolve("passwd"), "root\n");
        Files.writeString(layer.resolve("group"), "root\n");
        Files.createDirectories(tmp.resolve("layer/bin"));
        Files.writeString(tmp.resolve("layer/bin/ls"), "ls\n");
        return tmp.resolve("layer");
    }

    @Test
    void upperDirectoryChanges() throws Exception {
        Path layer = image();
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(upper.resolve("etc"));
        Files.writeString(upper.resolve("etc/passwd"), "root\nme\n");
        Files.writeString(upper.resolve("etc/hostname"), ""); // a runtime mount point: skipped
        Files.createDirectories(upper.resolve("bin"));
        PosixFiles.makeWhiteout(upper.resolve("bin/ls"));
        Files.writeString(upper.resolve("f"), "hi\n");
        List<Change> changes = TreeChanges.ofUpper(upper, List.of(layer), Set.of("etc/hostname")::contains);
        assertThat(changes).containsExactly(new Change("bin", Kind.MODIFIED), new Change("bin/ls", Kind.DELETED),
                new Change("etc/passwd", Kind.MODIFIED), new Change("f", Kind.ADDED));
    }

    @Test
    void vfsRootComparedWithTheLayersAndStagedAsALayer() throws Exception {
        Path layer = image();
        Path root = tmp.resolve("root");
        VfsRootfs.populate(root, List.of(layer));
        Files.delete(root.resolve("bin/ls"));
        Files.writeString(root.resolve("etc/passwd"), "root\nme\n");
        Files.createDirectories(root.resolve("new/dir"));
        Files.writeString(root.resolve("new/dir/file"), "x\n");
        List<Change> changes = TreeChanges.compare(root, List.of(layer), Set.of(".jpod-vfs-ready")::contains);
        assertThat(changes).containsExactly(new Change("bin", Kind.MODIFIED), new Change("bin/ls", Kind.DELETED),
                new Change("etc/passwd", Kind.MODIFIED), new Change("new", Kind.ADDED),
                new Change("new/dir", Kind.ADDED), new Change("new/dir/file", Kind.ADDED));

        Path staging = Files.createDirectories(tmp.resolve("staging"));
        TreeChanges.stage(root, changes, staging);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffTar.write(staging, out, n -> false);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        assertThat(names).containsExactly("bin/", "bin/.wh.ls", "etc/", "etc/passwd", "new/", "new/dir/",
                "new/dir/file");
    }
}
