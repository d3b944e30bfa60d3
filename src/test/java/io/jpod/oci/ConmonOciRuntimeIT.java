package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.host.BinaryDiscovery;
import io.jpod.host.BinaryLocator;
import io.jpod.host.ProcessRunner;
import io.jpod.testing.Bundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on real conmon and runc, plus what only this implementation has: its binaries on disk. */
class ConmonOciRuntimeIT extends OciRuntimeContract {

    private static final Map<String, String> ENV =
            Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private static final BinaryDiscovery RUNC = BinaryLocator.ociRuntime(Bundles.runc(), Map.of());
    private static final BinaryDiscovery CONMON = BinaryLocator.conmon(List.of("/usr/bin/conmon"));

    @Override
    protected OciRuntime newRuntime(Path root, Path exitDir) {
        return runtime(RUNC, CONMON, root, exitDir);
    }

    @Override
    protected OciRuntime newRuntimeWithout(Missing which, Path root, Path exitDir) {
        return switch (which) {
            case RUNTIME -> runtime(BinaryLocator.ociRuntime(tmp.resolve("no/runc").toString(), Map.of()), CONMON,
                    root, exitDir);
            case CONMON -> runtime(RUNC, BinaryLocator.conmon(List.of(tmp.resolve("no/conmon").toString())), root,
                    exitDir);
        };
    }

    private static OciRuntime runtime(BinaryDiscovery runc, BinaryDiscovery conmon, Path root, Path exitDir) {
        return new ConmonOciRuntime(() -> runc, () -> conmon, root, exitDir, ENV, Duration.ofSeconds(30));
    }

    /** Behind a broken delete: runc itself removes whatever is left under this test's root. */
    @AfterEach
    void nothingLeftInRunc() throws Exception {
        for (String id : made()) {
            ProcessRunner.run(List.of(Bundles.runc(), "--root", root().toString(), "delete", "--force", id),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void theRuntimeIsRuncUnderItsOwnRoot() throws Exception {
        assertThat(oci.name()).isEqualTo("runc");
        Ctr c = create("/bin/sleep", "1000");
        assertThat(root().resolve(c.id()).resolve("state.json")).exists();
    }

    @Test
    void aBinaryRemovedUnderTheRunningDaemonIsNoticedAndSoIsItsReturn() throws Exception {
        Path conmon = Files.createDirectories(tmp.resolve("bin")).resolve("conmon");
        Files.copy(Path.of("/usr/bin/conmon"), conmon, StandardCopyOption.COPY_ATTRIBUTES);
        OciRuntime oci = runtime(RUNC, BinaryLocator.conmon(List.of(conmon.toString())), root(), exitDir());
        oci.checkAvailable();

        Path away = tmp.resolve("conmon.away");
        Files.move(conmon, away);
        assertThatThrownBy(oci::checkAvailable).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(EngineException.Category.UNAVAILABLE);
            assertThat(e.getMessage()).contains(conmon.toString()).contains("no longer there")
                    .contains("apt-get install conmon");
        });

        Files.move(away, conmon);
        oci.checkAvailable();
        assertThat(oci.status("unknown")).isEmpty();
    }
}
