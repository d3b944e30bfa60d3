package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {

    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void context() throws IOException {
        root = Files.createDirectory(tmp.resolve("ctx"));
        Files.createDirectories(root.resolve("src/sub"));
        Files.writeString(root.resolve("src/a.txt"), "a");
        Files.writeString(root.resolve("src/b.txt"), "b");
        Files.writeString(root.resolve("src/c.md"), "c");
        Files.writeString(root.resolve("src/sub/d.txt"), "d");
        Files.writeString(root.resolve(".hidden.txt"), "h");
        Files.writeString(root.resolve("secret.txt"), "s");
        Files.writeString(tmp.resolve("outside.txt"), "outside");
        Files.createSymbolicLink(root.resolve("up"), Path.of("../outside.txt"));
        Files.createSymbolicLink(root.resolve("rootlink"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("srclink"), Path.of("src"));
    }

    private List<String> resolve(String... patterns) {
        return resolve(null, patterns);
    }

    private List<String> resolve(DockerIgnore ignore, String... patterns) {
        return Sources.resolve(root, List.of(patterns), ignore).stream().map(p -> root.relativize(p).toString())
                .toList();
    }

    @Test
    void literalsAndDots() {
        assertThat(resolve("src/a.txt", "./src/../src/b.txt", "/src/c.md")).containsExactly("src/a.txt", "src/b.txt",
                "src/c.md");
        assertThat(resolve(".")).containsExactly("");
        assertThat(resolve("../../src/a.txt")).as(".. stops at the root").containsExactly("src/a.txt");
    }

    @Test
    void wildcardsPerSegmentSorted() {
        assertThat(resolve("src/*.txt")).containsExactly("src/a.txt", "src/b.txt");
        assertThat(resolve("*/?.md")).containsExactly("src/c.md");
        assertThat(resolve("src/[ab].txt", "*.txt")).containsExactly("src/a.txt", "src/b.txt", ".hidden.txt",
                "secret.txt");
        assertThat(resolve("src/*")).containsExactly("src/a.txt", "src/b.txt", "src/c.md", "src/sub");
        assertThat(resolve("srclink/sub/*")).as("literal parents resolved inside the root")
                .containsExactly("src/sub/d.txt");
        assertThat(resolve("*/sub/d.txt")).as("a wildcard does not descend through symlinks")
                .containsExactly("src/sub/d.txt");
    }

    @Test
    void symlinksStayInsideTheRoot() {
        // the link itself is returned (COPY follows it later, inside the root); parents are resolved in the root
        assertThat(resolve("up")).containsExactly("up");
        assertThatThrownBy(() -> resolve("rootlink/etc/passwd")).isInstanceOf(EngineException.class)
                .hasMessageContaining("file not found in build context");
        assertThat(resolve("rootlink/src/a.txt")).as("/ is the context root").containsExactly("src/a.txt");
        assertThat(resolve("srclink/a.txt")).containsExactly("src/a.txt");
    }

    @Test
    void ignoreHidesFiles() {
        DockerIgnore ignore = DockerIgnore.parse("secret.txt\nsrc/b.txt\n");
        assertThat(resolve(ignore, "*.txt")).containsExactly(".hidden.txt");
        assertThat(resolve(ignore, "src/*.txt")).containsExactly("src/a.txt");
        assertThatThrownBy(() -> resolve(ignore, "secret.txt")).isInstanceOf(EngineException.class)
                .hasMessage("file not found in build context or excluded by .dockerignore: stat secret.txt: "
                        + "file does not exist");
    }

    @Test
    void nothingMatched() {
        assertThatThrownBy(() -> resolve("nope")).hasMessageContaining("stat nope: file does not exist");
        assertThatThrownBy(() -> resolve("*.none")).hasMessage("COPY failed: no source files were specified");
        assertThatThrownBy(() -> resolve(new String[0])).hasMessage("COPY failed: no source files were specified");
    }
}
