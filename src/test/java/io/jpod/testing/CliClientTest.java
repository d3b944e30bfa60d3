package io.jpod.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.host.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CliClient against {@code sh -c}, which stands in for a CLI: env, stdin, exit codes, deadline. */
class CliClientTest {

    static final CliClient SH = new CliClient(List.of("sh", "-c"), Map.of("GREETING", "hi"), Duration.ofSeconds(10));

    @Test
    void okReturnsStrippedStdoutAndSeesTheEnvironment() throws Exception {
        assertThat(SH.ok("echo \"  $GREETING  \"")).isEqualTo("hi");
        assertThat(SH.withEnv("GREETING", "hello").ok("echo $GREETING")).isEqualTo("hello");
        assertThat(SH.withOnlyEnv(Map.of()).ok("echo \"[$GREETING]\"")).isEqualTo("[]");
    }

    @Test
    void okFailsWithTheCallAndItsOutputInTheMessage() {
        assertThatThrownBy(() -> SH.ok("echo partial; echo broken >&2; exit 3"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("sh echo partial; echo broken >&2; exit 3: partial")
                .hasMessageContaining("broken");
    }

    @Test
    void failsReturnsTheResultOfAFailedCallAndRejectsASuccess() throws Exception {
        ProcessRunner.Result r = SH.fails("echo why >&2; exit 2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr().strip()).isEqualTo("why");
        assertThatThrownBy(() -> SH.fails("true")).isInstanceOf(AssertionError.class).hasMessageContaining("should fail");
    }

    @Test
    void stdinFromBytesOrAFile(@TempDir Path dir) throws Exception {
        assertThat(SH.run("one\ntwo\n".getBytes(StandardCharsets.UTF_8), "wc -l").stdout().strip()).isEqualTo("2");
        Path input = Files.writeString(dir.resolve("in.txt"), "a\nb\nc\n");
        assertThat(SH.run(input, "tail -n 1").stdout().strip()).isEqualTo("c");
    }

    @Test
    void aDeadlineEndsAHangingCallWithExit124() throws Exception {
        ProcessRunner.Result r = SH.withDeadline(1).run("sleep 30");
        assertThat(r.exitCode()).isEqualTo(124);
        assertThat(r.argv()).startsWith("timeout", "1", "sh", "-c");
    }
}
