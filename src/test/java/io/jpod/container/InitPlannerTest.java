package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.state.InitProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitPlannerTest {

    @TempDir
    Path dir;

    @Test
    void theConfiguredOrRequestedBinaryRunsInFrontOfTheCommand() throws Exception {
        Path bin = Files.createFile(dir.resolve("catatonit"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        InitPlanner planner = new InitPlanner(bin.toString());
        InitProcess init = planner.plan(new InitProcess(true, ""));
        assertThat(init).isEqualTo(new InitProcess(true, bin.toString()));
        assertThat(InitPlanner.args(init, List.of("sh", "-c", "x"))).containsExactly("/dev/init", "--", "sh", "-c",
                "x");
        assertThat(InitPlanner.mount(init).options()).contains("ro");
        assertThat(planner.plan(new InitProcess(false, "/elsewhere"))).isEqualTo(InitProcess.NONE);
        assertThat(InitPlanner.args(InitProcess.NONE, List.of("true"))).containsExactly("true");
    }

    @Test
    void aMissingBinaryIsNamedAndIsNotTheClientsFault() {
        InitPlanner planner = new InitPlanner(dir.resolve("absent").toString());
        assertThatThrownBy(() -> planner.plan(new InitProcess(true, "")))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.UNAVAILABLE))
                .hasMessageContaining(dir.resolve("absent").toString());
        assertThatThrownBy(() -> planner.plan(new InitProcess(true, "relative/catatonit")))
                .hasMessageContaining("absolute");
    }
}
