package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import org.junit.jupiter.api.Test;

class DockerIgnoreTest {

    @Test
    void commentsBlankLinesCleaningAndLeadingSlash() {
        DockerIgnore ignore = DockerIgnore.parse("# comment\n\n  /node_modules/  \r\n./build//out/../tmp\n*.log\n");
        assertThat(ignore.excluded("node_modules")).isTrue();
        assertThat(ignore.excluded("node_modules/x/y.js")).as("under an excluded directory").isTrue();
        assertThat(ignore.excluded("build/tmp/a")).isTrue();
        assertThat(ignore.excluded("build/out/a")).isFalse();
        assertThat(ignore.excluded("app.log")).isTrue();
        assertThat(ignore.excluded("logs/app.log")).as("* does not cross /").isFalse();
        assertThat(ignore.excluded("# comment")).isFalse();
        DockerIgnore quirks = DockerIgnore.parse("\uFEFF#bom comment\n  #not-a-comment\n");
        assertThat(quirks.excluded("#bom comment")).isFalse();
        assertThat(quirks.excluded("#not-a-comment")).as("only a # at the line start makes a comment").isTrue();
        assertThat(ignore.excluded("src/main.go")).isFalse();
    }

    @Test
    void doubleStarSpansDirectories() {
        DockerIgnore ignore = DockerIgnore.parse("**/*.tmp\na/**/z\ncache/**\n");
        assertThat(ignore.excluded("x.tmp")).isTrue();
        assertThat(ignore.excluded("deep/er/x.tmp")).isTrue();
        assertThat(ignore.excluded("a/z")).isTrue();
        assertThat(ignore.excluded("a/b/c/z")).isTrue();
        assertThat(ignore.excluded("a/b/c/zz")).isFalse();
        assertThat(ignore.excluded("cache/1/2")).isTrue();
        assertThat(ignore.excluded("cache")).isFalse();
    }

    @Test
    void lastMatchWinsAndExclamationReincludes() {
        DockerIgnore ignore = DockerIgnore.parse("docs\n!docs/README.md\n*.md\n!KEEP.md\n");
        assertThat(ignore.excluded("docs/guide.txt")).isTrue();
        assertThat(ignore.excluded("docs/README.md")).isFalse();
        assertThat(ignore.excluded("CHANGES.md")).isTrue();
        assertThat(ignore.excluded("KEEP.md")).isFalse();
        assertThat(ignore.mayIncludeUnder("docs")).isTrue();

        DockerIgnore later = DockerIgnore.parse("!docs/README.md\ndocs\n");
        assertThat(later.excluded("docs/README.md")).as("the later rule wins").isTrue();
    }

    @Test
    void wholeDirectoriesCanBeSkippedOnlyWhenNothingUnderThemComesBack() {
        DockerIgnore ignore = DockerIgnore.parse("vendor\ntarget\n!target/*.jar\nbig\n!**/keep\n");
        assertThat(ignore.mayIncludeUnder("vendor")).as("vendor/keep may come back").isTrue();
        assertThat(ignore.excluded("vendor/keep")).isFalse();
        assertThat(DockerIgnore.parse("vendor\n!target/*.jar\n").mayIncludeUnder("vendor")).isFalse();
        assertThat(ignore.mayIncludeUnder("target")).isTrue();
        assertThat(ignore.mayIncludeUnder("src")).isTrue();
        assertThat(ignore.mayIncludeUnder("big")).as("** may match anywhere").isTrue();
        assertThat(DockerIgnore.parse("a\n!b/c\n").mayIncludeUnder("a")).isFalse();
    }

    @Test
    void matchSyntax() {
        DockerIgnore ignore = DockerIgnore.parse("file?.txt\n[a-c]*.bin\n[^x]y\nlit\\*eral\n");
        assertThat(ignore.excluded("file1.txt")).isTrue();
        assertThat(ignore.excluded("file10.txt")).isFalse();
        assertThat(ignore.excluded("b.bin")).isTrue();
        assertThat(ignore.excluded("d.bin")).isFalse();
        assertThat(ignore.excluded("zy")).isTrue();
        assertThat(ignore.excluded("xy")).isFalse();
        assertThat(ignore.excluded("lit*eral")).isTrue();
        assertThat(ignore.excluded("litXeral")).isFalse();
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> DockerIgnore.parse("!\n")).isInstanceOf(EngineException.class)
                .hasMessageContaining("illegal exclusion pattern");
        assertThatThrownBy(() -> DockerIgnore.parse("[abc\n")).hasMessageContaining("syntax error in pattern");
        assertThat(DockerIgnore.parse("").isEmpty()).isTrue();
        assertThat(DockerIgnore.NONE.excluded("x")).isFalse();
    }

    @Test
    void clean() {
        assertThat(GoPatterns.clean("a//b/./c/..")).isEqualTo("a/b");
        assertThat(GoPatterns.clean("../x")).isEqualTo("../x");
        assertThat(GoPatterns.clean("/../x/")).isEqualTo("/x");
        assertThat(GoPatterns.clean("./")).isEqualTo(".");
    }
}
