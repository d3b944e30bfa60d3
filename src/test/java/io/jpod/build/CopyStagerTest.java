package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.testing.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyStagerTest {

    private static final FileTime OLD = FileTime.from(Instant.parse("2020-02-02T00:00:00Z"));
    private static final Predicate<String> NO_DIRS = p -> false;

    @TempDir
    Path tmp;
    Path ctx;
    Path staging;

    @BeforeEach
    void context() throws IOException {
        ctx = Files.createDirectory(tmp.resolve("ctx"));
        staging = Files.createDirectory(tmp.resolve("staging"));
        Files.createDirectories(ctx.resolve("dir/sub"));
        write("dir/x.sh", "x", 0750);
        write("dir/sub/y", "y", 0600);
        Files.createSymbolicLink(ctx.resolve("dir/link"), Path.of("x.sh"));
        write("one.txt", "1", 0644);
        write("two.txt", "2", 0644);
        Files.createSymbolicLink(ctx.resolve("alias.txt"), Path.of("one.txt"));
        Files.write(ctx.resolve("archive.tar.gz"), TarBuilder.gzip(new TarBuilder().dir("pkg", 0700)
                .file("pkg/data", 0640, "tarred".getBytes()).build()));
        Files.setLastModifiedTime(ctx.resolve("dir/sub"), OLD);
        Files.setLastModifiedTime(ctx.resolve("dir"), OLD);
    }

    private void write(String name, String content, int mode) throws IOException {
        Path p = ctx.resolve(name);
        Files.writeString(p, content);
        io.jpod.storage.PosixFiles.setMode(p, mode);
        Files.setLastModifiedTime(p, OLD);
    }

    private void stage(List<String> sources, String dest, Predicate<String> destIsDir, CopyStager.Owner owner,
            String chmod, boolean add) {
        List<Path> paths = Sources.resolve(ctx, sources, null);
        CopyStager.stage(paths, ctx, dest, "/work", destIsDir, owner, chmod, add, staging);
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int uid(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void directoryCopiesItsContentsWithModesTimesAndSymlinks() throws IOException {
        stage(List.of("dir"), "/app", NO_DIRS, null, null, false);
        Path app = staging.resolve("app");
        assertThat(app.resolve("dir")).doesNotExist();
        assertThat(app.resolve("x.sh")).hasContent("x");
        assertThat(mode(app.resolve("x.sh"))).isEqualTo(0750);
        assertThat(mode(app.resolve("sub/y"))).isEqualTo(0600);
        assertThat(Files.getLastModifiedTime(app.resolve("x.sh"))).isEqualTo(OLD);
        assertThat(mode(app)).as("a new destination directory is 0755").isEqualTo(0755);
        assertThat(Files.getLastModifiedTime(app.resolve("sub"))).isEqualTo(OLD);
        assertThat(Files.readSymbolicLink(app.resolve("link"))).isEqualTo(Path.of("x.sh"));
        assertThat(uid(app.resolve("x.sh"))).isZero();
    }

    @Test
    void fileToFileAndToDirectories() throws IOException {
        stage(List.of("one.txt"), "/etc/renamed", NO_DIRS, null, null, false);
        assertThat(staging.resolve("etc/renamed")).hasContent("1");
        assertThat(mode(staging.resolve("etc"))).isEqualTo(0755);

        stage(List.of("one.txt"), "/opt/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("opt/one.txt")).hasContent("1");

        stage(List.of("two.txt"), "/srv", "/srv"::equals, null, null, false);
        assertThat(staging.resolve("srv/two.txt")).as("a directory in the image").hasContent("2");

        stage(List.of("one.txt"), "rel/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("work/rel/one.txt")).as("relative to the workdir").hasContent("1");

        stage(List.of("alias.txt"), "/l/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("l/alias.txt")).as("a source symlink is followed, keeping its name")
                .isRegularFile().hasContent("1");
    }

    @Test
    void sourceSymlinksResolveInsideTheRootOnly() throws IOException {
        Files.writeString(tmp.resolve("secret"), "outside");
        Files.writeString(ctx.resolve("secret"), "inside");
        Files.createSymbolicLink(ctx.resolve("esc"), Path.of("../secret"));
        Files.createSymbolicLink(ctx.resolve("abs"), Path.of("/secret"));
        Files.createSymbolicLink(ctx.resolve("dangling"), Path.of("../../nothing"));
        stage(List.of("esc", "abs"), "/s/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("s/esc")).hasContent("inside");
        assertThat(staging.resolve("s/abs")).hasContent("inside");
        assertThatThrownBy(() -> stage(List.of("dangling"), "/d", NO_DIRS, null, null, false))
                .isInstanceOf(EngineException.class).hasMessageContaining("stat dangling: file does not exist");
    }

    @Test
    void symlinkLoopsAreRefused() throws IOException {
        Files.createSymbolicLink(ctx.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(ctx.resolve("loop2"), Path.of("loop1"));
        assertThatThrownBy(() -> ScopedPaths.resolve(ctx, "loop1/x", true)).isInstanceOf(EngineException.class)
                .hasMessageContaining("too many levels of symbolic links");
        assertThat(ScopedPaths.resolve(ctx, "loop1", false)).isEqualTo("loop1");
    }

    @Test
    void severalSourcesNeedADirectory() {
        assertThatThrownBy(() -> stage(List.of("one.txt", "two.txt"), "/dst", p -> true, null, null, false))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("the destination must be a directory and end with a /");
        assertThatThrownBy(() -> stage(List.of("*.txt"), "/dst", NO_DIRS, null, null, false))
                .hasMessageContaining("end with a /");
        stage(List.of("*.txt"), "/dst/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("dst")).isDirectoryContaining(p -> p.endsWith("one.txt"))
                .isDirectoryContaining(p -> p.endsWith("two.txt"));
    }

    @Test
    void chownAndChmod() throws IOException {
        stage(List.of("dir"), "/home/u/app", NO_DIRS, new CopyStager.Owner(1234, 5678), "0640", false);
        Path app = staging.resolve("home/u/app");
        assertThat(uid(staging.resolve("home"))).as("a directory copy's new parents belong to root").isZero();
        assertThat(uid(app)).as("its destination to the owner").isEqualTo(1234);
        assertThat(mode(staging.resolve("home"))).isEqualTo(0755);
        stage(List.of("one.txt"), "/var/lib/x/", NO_DIRS, new CopyStager.Owner(1234, 5678), null, false);
        assertThat(uid(staging.resolve("var/lib"))).as("a file copy's new parents belong to the owner")
                .isEqualTo(1234);
        assertThat(uid(staging.resolve("var/lib/x/one.txt"))).isEqualTo(1234);
        assertThat(uid(app.resolve("sub/y"))).isEqualTo(1234);
        assertThat(Files.getAttribute(app.resolve("sub/y"), "unix:gid")).isEqualTo(5678);
        assertThat(uid(app.resolve("link"))).as("lchown on symlinks").isEqualTo(1234);
        assertThat(mode(app.resolve("x.sh"))).isEqualTo(0640);
        assertThat(mode(app.resolve("sub"))).isEqualTo(0640);
        assertThatThrownBy(() -> stage(List.of("one.txt"), "/x", NO_DIRS, null, "rwx", false))
                .hasMessageContaining("invalid --chmod");
    }

    @Test
    void addExtractsLocalArchivesCopyDoesNot() throws IOException {
        stage(List.of("archive.tar.gz"), "/copied/", NO_DIRS, null, null, false);
        assertThat(staging.resolve("copied/archive.tar.gz")).isRegularFile();

        stage(List.of("archive.tar.gz"), "/added", NO_DIRS, new CopyStager.Owner(7, 7), null, true);
        Path data = staging.resolve("added/pkg/data");
        assertThat(data).hasContent("tarred");
        assertThat(mode(data)).isEqualTo(0640);
        assertThat(uid(data)).as("the archive's owner, as Docker keeps it").isZero();

        stage(List.of("one.txt"), "/plain/", NO_DIRS, null, null, true);
        assertThat(staging.resolve("plain/one.txt")).hasContent("1");
    }

    @Test
    void imageRootResolvesSymlinksAndKeepsExistingParents() throws IOException {
        Path image = Files.createDirectory(tmp.resolve("image"));
        Files.createDirectories(image.resolve("usr/lib"));
        Files.createSymbolicLink(image.resolve("lib"), Path.of("usr/lib"));
        io.jpod.storage.PosixFiles.setMode(image.resolve("usr"), 0711);
        io.jpod.storage.PosixFiles.setOwner(image.resolve("usr"), 42, 42);
        List<Path> sources = Sources.resolve(ctx, List.of("one.txt"), null);
        CopyStager.stage(sources, ctx, "/lib/", "/", p -> true, new CopyStager.Owner(1000, 1000), null, false,
                staging, image);
        assertThat(staging.resolve("usr/lib/one.txt")).hasContent("1");
        assertThat(staging.resolve("lib")).doesNotExist();
        assertThat(mode(staging.resolve("usr"))).as("the image's own metadata").isEqualTo(0711);
        assertThat(uid(staging.resolve("usr"))).isEqualTo(42);
        assertThat(uid(staging.resolve("usr/lib/one.txt"))).isEqualTo(1000);

        // no predicate: the image tells whether the destination is a directory
        CopyStager.stage(Sources.resolve(ctx, List.of("two.txt"), null), ctx, "/lib", "/", null, null, null, false,
                staging, image);
        assertThat(staging.resolve("usr/lib/two.txt")).hasContent("2");
        CopyStager.stage(Sources.resolve(ctx, List.of("two.txt"), null), ctx, "/usr/new", "/", null, null, null, false,
                staging, image);
        assertThat(staging.resolve("usr/new")).isRegularFile().hasContent("2");
    }

    @Test
    void digestIgnoresTimesButSeesModesOwnersAndContent() throws IOException {
        stage(List.of("dir"), "/app", NO_DIRS, null, null, false);
        String first = TreeDigest.of(staging);
        Files.setLastModifiedTime(staging.resolve("app/x.sh"), FileTime.from(Instant.now()));
        assertThat(TreeDigest.of(staging)).isEqualTo(first).startsWith("sha256:");

        io.jpod.storage.PosixFiles.setMode(staging.resolve("app/x.sh"), 0755);
        String chmodded = TreeDigest.of(staging);
        assertThat(chmodded).isNotEqualTo(first);

        io.jpod.storage.PosixFiles.setOwner(staging.resolve("app/x.sh"), 1, 0);
        String chowned = TreeDigest.of(staging);
        assertThat(chowned).isNotEqualTo(chmodded);

        Files.writeString(staging.resolve("app/x.sh"), "X");
        assertThat(TreeDigest.of(staging)).isNotEqualTo(chowned);

        Files.delete(staging.resolve("app/link"));
        Files.createSymbolicLink(staging.resolve("app/link"), Path.of("sub"));
        assertThat(TreeDigest.of(staging)).isNotEqualTo(chowned);
    }
}
