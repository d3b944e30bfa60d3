package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

    @TempDir
    Path dir;

    static byte[] sample() throws IOException {
        return new TarBuilder().dir("src", 0750).file("src/app.sh", 04755, "echo hi\n".getBytes())
                .file("Dockerfile", "FROM x\n").symlink("src/link", "app.sh").symlink("abs", "/etc/passwd")
                .hardlink("src/hard", "src/app.sh").file("/rooted.txt", "r").build();
    }

    static byte[] compress(byte[] data, String kind) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = kind.equals("bz2") ? new BZip2CompressorOutputStream(out)
                : new XZCompressorOutputStream(out)) {
            c.write(data);
        }
        return out.toByteArray();
    }

    private void extract(byte[] tar) {
        BuildContext.extract(new ByteArrayInputStream(tar), dir);
    }

    @Test
    void extractsModesTimesAndLinks() throws Exception {
        extract(sample());
        assertThat(dir.resolve("src/app.sh")).hasContent("echo hi");
        assertThat(Files.getAttribute(dir.resolve("src/app.sh"), "unix:mode")).isEqualTo(0104755);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("src"))))
                .isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(dir.resolve("src")).toInstant())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(Files.getLastModifiedTime(dir.resolve("Dockerfile")).toInstant())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(Files.readSymbolicLink(dir.resolve("src/link"))).isEqualTo(Path.of("app.sh"));
        assertThat(Files.readSymbolicLink(dir.resolve("abs"))).as("absolute targets are fine: never followed")
                .isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.isSameFile(dir.resolve("src/hard"), dir.resolve("src/app.sh"))).isTrue();
        assertThat(dir.resolve("rooted.txt")).as("an absolute name counts from the context").hasContent("r");
    }

    @Test
    void compressedContexts() throws Exception {
        for (String kind : new String[] {"gz", "bz2", "xz"}) {
            Path target = dir.resolve(kind);
            byte[] data = kind.equals("gz") ? TarBuilder.gzip(sample()) : compress(sample(), kind);
            BuildContext.extract(new ByteArrayInputStream(data), target);
            assertThat(target.resolve("Dockerfile")).as(kind).hasContent("FROM x");
        }
    }

    @Test
    void refusesEscapes() throws Exception {
        refuses(new TarBuilder().file("a/../../evil", "x").build(), "leaves the directory");
        refuses(new TarBuilder().file("/../evil", "x").build(), "leaves the directory");
        refuses(new TarBuilder().hardlink("h", "../../etc/passwd").build(), "hard link");
        refuses(new TarBuilder().hardlink("h", "missing").build(), "not in the archive");
        refuses(new TarBuilder().symlink("loop", "loop").file("loop/x", "x").build(), "too many levels");
        refuses(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0}, "zstd");
        assertThat(Files.exists(dir.resolve("../evil"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void writesThroughSymlinksStayInside() throws Exception {
        Path inner = dir.resolve("ctx");
        BuildContext.extract(new ByteArrayInputStream(new TarBuilder().symlink("up", "../..").dir("real", 0755)
                .symlink("alias", "real").symlink("abs", "/real").file("up/escaped", "e").file("alias/a", "a")
                .file("abs/b", "b").hardlink("up/hard", "real/a").build()), inner);
        assertThat(inner.resolve("escaped")).as("../.. stops at the root").hasContent("e");
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(inner.resolve("real/a")).hasContent("a");
        assertThat(inner.resolve("real/b")).as("an absolute link counts from the root").hasContent("b");
        assertThat(Files.readSymbolicLink(inner.resolve("up"))).as("targets kept verbatim").isEqualTo(Path.of("../.."));
        assertThat(Files.isSameFile(inner.resolve("hard"), inner.resolve("real/a"))).isTrue();
    }

    @Test
    void resolveFollowsLinksInsideTheContextOnly() throws Exception {
        extract(new TarBuilder().file("real.Dockerfile", "FROM x\n").symlink("Dockerfile", "real.Dockerfile")
                .symlink("evil", "/etc/shadow").symlink("up", "../../../etc/passwd").build());
        assertThat(BuildContext.resolve(dir, "Dockerfile")).hasContent("FROM x");
        assertThat(BuildContext.resolve(dir, "evil")).isEqualTo(dir.resolve("etc/shadow")).doesNotExist();
        assertThat(BuildContext.resolve(dir, "up")).isEqualTo(dir.resolve("etc/passwd"));
        assertThat(BuildContext.resolve(dir, ".")).isEqualTo(dir);
    }

    private void refuses(byte[] tar, String message) {
        assertThatThrownBy(() -> extract(tar)).isInstanceOf(EngineException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((EngineException) e).category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
    }

    @Test
    void buildFilesAreReadAndRemovedWhenIgnored() throws Exception {
        extract(new TarBuilder().file("Dockerfile", "FROM x\n").file(".dockerignore", "Dockerfile\n.dockerignore\n*.log\n")
                .file("a.log", "log").build());
        BuildContext.BuildFiles files = BuildContext.readBuildFiles(dir, null);
        assertThat(files.dockerfileName()).isEqualTo("Dockerfile");
        assertThat(files.dockerfile()).isEqualTo("FROM x\n");
        assertThat(files.ignore().excluded("a.log")).isTrue();
        assertThat(dir.resolve("Dockerfile")).doesNotExist();
        assertThat(dir.resolve(".dockerignore")).doesNotExist();
        assertThat(dir.resolve("a.log")).as("the rest is the client's business").exists();
    }

    @Test
    void buildFilesFallBackToLowerCaseAndKeepWhatIsNotIgnored() throws Exception {
        extract(new TarBuilder().file("dockerfile", "FROM y\n").file("build/Custom", "FROM z\n").build());
        BuildContext.BuildFiles lower = BuildContext.readBuildFiles(dir, "");
        assertThat(lower.dockerfileName()).isEqualTo("dockerfile");
        assertThat(lower.ignore().isEmpty()).isTrue();
        assertThat(dir.resolve("dockerfile")).exists();
        assertThat(BuildContext.readBuildFiles(dir, "build/Custom").dockerfile()).isEqualTo("FROM z\n");
        assertThatThrownBy(() -> BuildContext.readBuildFiles(dir, "nope")).isInstanceOf(EngineException.class)
                .hasMessage("Cannot locate specified Dockerfile: nope");
        Files.writeString(dir.resolve("empty"), "");
        assertThatThrownBy(() -> BuildContext.readBuildFiles(dir, "empty")).hasMessage("the Dockerfile (empty) cannot be empty");
    }
}
