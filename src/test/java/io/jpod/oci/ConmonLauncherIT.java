package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.host.ProcessRunner;
import io.jpod.testing.Bundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conmon + runc for real: the sync and start pipes over FIFOs, exit files, k8s-file logs. */
class ConmonLauncherIT {

    @TempDir
    Path tmp;

    String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "c0ffee";

    ConmonLauncher launcher() {
        return new ConmonLauncher(Path.of("/usr/bin/conmon"), Path.of(Bundles.runc()), tmp.resolve("runc"),
                tmp.resolve("exits"), Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                Duration.ofSeconds(30));
    }

    @AfterEach
    void cleanUp() throws Exception {
        ProcessRunner.run(List.of(Bundles.runc(), "--root", tmp.resolve("runc").toString(), "delete", "--force", id),
                Duration.ofSeconds(10));
    }

    @Test
    void createsAndRunsAContainerThroughConmon() throws Exception {
        Path bundle = Bundles.busybox(tmp.resolve("bundle"), List.of("/bin/sh", "-c", "echo hello; echo oops >&2; exit 7"));
        Path log = bundle.resolve("ctr.log");
        ConmonLauncher.Created c = launcher().create(new ConmonLauncher.Request(id, "t1", bundle,
                tmp.resolve("persist").resolve(id), log, -1, false));
        assertThat(c.pid()).isPositive();
        assertThat(c.conmonPid()).isPositive().isNotEqualTo(c.pid());
        assertThat(ProcessHandle.of(c.conmonPid())).isPresent();
        ProcessRunner.Result start = ProcessRunner.run(List.of(Bundles.runc(), "--root", tmp.resolve("runc").toString(),
                "start", id), Duration.ofSeconds(10));
        assertThat(start.exitCode()).as(start.stderr()).isZero();
        Path exit = tmp.resolve("exits").resolve(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(exit) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(exit).hasContent("7");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}[+-]\\d\\d:\\d\\d stdout F hello"));
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith(" stderr F oops"));
    }

    @Test
    void aRuntimeErrorComesBackAsAClearFailure() throws Exception {
        Path bundle = Bundles.busybox(tmp.resolve("bundle"), List.of("/no/such/binary"));
        assertThatThrownBy(() -> launcher().create(new ConmonLauncher.Request(id, "t2", bundle,
                tmp.resolve("persist").resolve(id), bundle.resolve("ctr.log"), -1, false)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.category()).isEqualTo(EngineException.Category.RUNTIME_FAILURE);
                    assertThat(e.getMessage()).contains("/no/such/binary");
                });
    }
}
