package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileTest {

    private static void fails(String dockerfile, String message) {
        assertThatThrownBy(() -> Dockerfile.parse(dockerfile)).isInstanceOf(EngineException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((EngineException) e).category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
    }

    @Test
    void stagesGlobalArgsAndLines() {
        Dockerfile d = Dockerfile.parse("""
                # a comment
                ARG BASE=busybox

                FROM $BASE AS Build
                RUN echo hi
                  # indented comment
                COPY --from=0 --chown=1:2 a b /dst/
                FROM --platform=linux/amd64 scratch
                COPY --from=build /x /y
                """);
        assertThat(d.escape()).isEqualTo('\\');
        assertThat(d.globalArgs()).singleElement().satisfies(a -> {
            assertThat(a.keyword()).isEqualTo("ARG");
            assertThat(a.rest()).isEqualTo("BASE=busybox");
            assertThat(a.line()).isEqualTo(2);
        });
        assertThat(d.stages()).hasSize(2);
        Stage build = d.stages().get(0);
        assertThat(build.name()).isEqualTo("build");
        assertThat(build.image()).isEqualTo("$BASE");
        assertThat(build.from().line()).isEqualTo(4);
        assertThat(build.body()).extracting(Instruction::keyword).containsExactly("RUN", "COPY");
        Instruction copy = build.body().get(1);
        assertThat(copy.line()).isEqualTo(7);
        assertThat(copy.flags()).containsExactly(java.util.Map.entry("from", "0"), java.util.Map.entry("chown", "1:2"));
        assertThat(copy.rest()).isEqualTo("a b /dst/");
        assertThat(copy.json()).isNull();
        Stage second = d.stages().get(1);
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.name()).isNull();
        assertThat(second.from().flags()).containsEntry("platform", "linux/amd64");
        assertThat(second.from().rest()).isEqualTo("scratch");
        assertThat(d.stage("BUILD")).isSameAs(build);
        assertThat(d.stage("1")).isSameAs(second);
        assertThat(d.stage("2")).isNull();
        assertThat(d.stage("nope")).isNull();
    }

    @Test
    void continuationsDropCommentsAndEmptyLinesAndKeepLineOfStart() {
        Dockerfile d = Dockerfile.parse("FROM x\n"
                + "RUN apt-get update && \\\n"
                + "# a comment inside\n"
                + "\n"
                + "    apt-get install -y curl \\   \n"  // trailing whitespace after the escape
                + "  && echo done\n"
                + "CMD [\"a\", \"b\"]\n");
        List<Instruction> body = d.stages().get(0).body();
        assertThat(body.get(0).line()).isEqualTo(2);
        assertThat(body.get(0).rest()).isEqualTo("apt-get update &&     apt-get install -y curl   && echo done");
        assertThat(body.get(0).original()).startsWith("RUN apt-get update &&").endsWith("&& echo done");
        assertThat(body.get(1).line()).isEqualTo(7);
        assertThat(body.get(1).json()).containsExactly("a", "b");
    }

    @Test
    void anEscapedEscapeDoesNotContinue() {
        Dockerfile d = Dockerfile.parse("FROM x\nRUN echo a\\\\\nRUN echo b\n");
        assertThat(d.stages().get(0).body()).extracting(Instruction::rest).containsExactly("echo a\\\\", "echo b");
        Dockerfile alone = Dockerfile.parse("FROM x\nRUN a \\\n\\\n b\n");
        assertThat(alone.stages().get(0).body()).extracting(Instruction::rest).containsExactly("a  b");
    }

    @Test
    void crlfBomAndContinuationEndingTheFile() {
        Dockerfile d = Dockerfile.parse("\uFEFFFROM x\r\nRUN a \\\r\n  b \\\r\n");
        Instruction run = d.stages().get(0).body().get(0);
        assertThat(run.rest()).isEqualTo("a   b");
    }

    @Test
    void escapeDirectiveMakesBacktickTheContinuationAndBackslashPlain() {
        Dockerfile d = Dockerfile.parse("# escape=`\n\nFROM x\nCOPY C:\\src\\ `\n   C:\\dst\\\nRUN dir c:\\\n");
        assertThat(d.escape()).isEqualTo('`');
        List<Instruction> body = d.stages().get(0).body();
        assertThat(body.get(0).rest()).isEqualTo("C:\\src\\    C:\\dst\\");
        assertThat(body.get(1).rest()).isEqualTo("dir c:\\");
    }

    @Test
    void directivesOnlyAtTheTopAndCaseInsensitive() {
        assertThat(Dockerfile.parse("# ESCAPE = `\nFROM x").escape()).isEqualTo('`');
        assertThat(Dockerfile.parse("  #escape=`\nFROM x").escape()).isEqualTo('`');
        assertThat(Dockerfile.parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM x").escape()).isEqualTo('`');
        // after a comment, a blank line or an unknown directive it is just a comment
        assertThat(Dockerfile.parse("# hello\n# escape=`\nFROM x").escape()).isEqualTo('\\');
        assertThat(Dockerfile.parse("\n# escape=`\nFROM x").escape()).isEqualTo('\\');
        assertThat(Dockerfile.parse("# foo=bar\n# escape=`\nFROM x").escape()).isEqualTo('\\');
        assertThat(Dockerfile.parse("FROM x\n# escape=`\nRUN a `\n").stages().get(0).body().get(0).rest())
                .isEqualTo("a `");
        fails("# escape=`\n# escape=\\\nFROM x", "only one escape parser directive");
        fails("# escape=x\nFROM x", "invalid escape token");
    }

    @Test
    void execFormsAndShellForms() {
        Dockerfile d = Dockerfile.parse("""
                FROM x
                ENTRYPOINT ["/bin/sh", "-c"]
                RUN [not json
                SHELL ["powershell", "-command"]
                VOLUME ["/a", "/b"]
                HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://x/"]
                HEALTHCHECK CMD curl -f http://x/
                CMD ["1", "2"]
                """);
        List<Instruction> body = d.stages().get(0).body();
        assertThat(body.get(0).json()).containsExactly("/bin/sh", "-c");
        assertThat(body.get(1).json()).isNull();
        assertThat(body.get(1).rest()).isEqualTo("[not json");
        assertThat(body.get(2).json()).containsExactly("powershell", "-command");
        assertThat(body.get(3).json()).containsExactly("/a", "/b");
        assertThat(body.get(4).json()).containsExactly("curl", "-f", "http://x/");
        assertThat(body.get(4).flags()).containsEntry("interval", "5s");
        assertThat(body.get(5).json()).isNull();
        assertThat(body.get(6).json()).containsExactly("1", "2");
        fails("FROM x\nSHELL /bin/bash -c", "SHELL requires the arguments to be in JSON form");
        fails("FROM x\nCMD [\"a\", 1]", "Dockerfile line 2: when using JSON array syntax, arrays must be comprised of strings only");
    }

    @Test
    void keywordsAreCaseInsensitiveAndAsToo() {
        Dockerfile d = Dockerfile.parse("from x as One\nrun echo\n");
        assertThat(d.stages().get(0).name()).isEqualTo("one");
        assertThat(d.stages().get(0).body().get(0).keyword()).isEqualTo("RUN");
    }

    @Test
    void errorsNameTheLine() {
        fails("", "empty");
        fails("# only a comment\n", "no FROM");
        fails("FROM x\n\nFOO bar\n", "Dockerfile line 3: unknown instruction: FOO");
        fails("RUN echo\nFROM x", "Dockerfile line 1: no FROM before RUN");
        fails("FROM x\nRUN\n", "Dockerfile line 2: RUN requires at least one argument");
        fails("FROM\n", "Dockerfile line 1: FROM requires at least one argument");
        fails("FROM x y\n", "Dockerfile line 1: FROM requires either one argument, or three");
        fails("FROM x AS 1abc\n", "invalid name for build stage");
        fails("FROM x AS a\nFROM y AS A\n", "Dockerfile line 2: duplicate stage name");
        fails("FROM x\nONBUILD ONBUILD RUN x\n", "Dockerfile line 2: chaining ONBUILD");
        fails("FROM x\nONBUILD FROM y\n", "FROM isn't allowed as an ONBUILD trigger");
        fails("FROM x\nONBUILD MAINTAINER me\n", "MAINTAINER isn't allowed");
        fails("FROM x\nONBUILD BOGUS y\n", "unknown instruction: BOGUS");
        fails("FROM x\nRUN --mount=type=cache,target=/x make\n", "Dockerfile line 2: unknown flag for RUN: --mount (it needs BuildKit");
        fails("FROM x\nCOPY --bogus a b\n", "unknown flag for COPY: --bogus");
        fails("FROM x\nCOPY onlyone\n", "Dockerfile line 2: COPY requires at least two arguments");
        fails("FROM x\nADD [\"onlyone\"]\n", "ADD requires at least two arguments");
        fails("FROM x\nUSER a b\n", "USER requires exactly one argument");
        fails("FROM x\n\nHEALTHCHECK --interval=5 CMD true\n", "Dockerfile line 3: --interval: time: invalid duration");
    }

    @Test
    void heredocsAreRefused() {
        fails("FROM x\nRUN <<EOF\necho hi\nEOF\n", "Dockerfile line 2: heredocs");
        fails("FROM x\nCOPY <<-\"EOT\" /x\nhi\nEOT\n", "Dockerfile line 2: heredocs");
        fails("FROM x\nRUN cat 3<<EOF >x\nhi\nEOF\n", "Dockerfile line 2: heredocs");
        // a bash here-string is not a heredoc
        assertThat(Dockerfile.parse("FROM x\nRUN cat <<<\"$x\"\n").stages().get(0).body()).hasSize(1);
    }

    @Test
    void flagsAreRawAndBareFlagsEmpty() {
        Instruction i = Dockerfile.parseLine("COPY --link --chown=\"$U:$G\" -- --weird /d/", 4, '\\');
        assertThat(i.flags()).as("quotes removed, variables left").containsExactly(java.util.Map.entry("link", ""),
                java.util.Map.entry("chown", "$U:$G"));
        assertThat(Dockerfile.parseLine("COPY --chown='a b'\\x --from=\"s\" a b", 1, '\\').flags())
                .containsEntry("chown", "a bx").containsEntry("from", "s");
        assertThat(i.rest()).isEqualTo("--weird /d/");
        assertThat(i.line()).isEqualTo(4);
    }

    @Test
    void onbuildTriggerIsParsedToValidateButKeptAsText() {
        Instruction i = Dockerfile.parse("FROM x\nONBUILD COPY --from=a . /app\n").stages().get(0).body().get(0);
        assertThat(i.keyword()).isEqualTo("ONBUILD");
        assertThat(i.flags()).isEmpty();
        assertThat(i.rest()).isEqualTo("COPY --from=a . /app");
        Instruction trigger = Dockerfile.parseLine(i.rest(), i.line(), '\\');
        assertThat(trigger.flags()).containsEntry("from", "a");
    }
}
