package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.testing.Bundles;
import io.jpod.testing.TestDaemon;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shutdown(force)} stops a real runc container before closing the state. */
class ForcedShutdownIT {

    @TempDir
    Path root;

    @Test
    void forcedShutdownStopsRunningContainers() throws Exception {
        String id = RuntimeBootIT.newId();
        Path runcRoot;
        String runc;
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            runc = rt.ociRuntimeDiscovery().path().toString();
            runcRoot = Path.of(rt.config().tmpDir(), "oci", "runc");
            Path bundle = Bundles.busybox(root.resolve("bundle"), List.of("/bin/sh", "-c",
                    "trap 'exit 0' TERM; while true; do sleep 1; done"));
            ProcessRunner.Result run = ProcessRunner.run(List.of(runc, "--root", runcRoot.toString(), "run", "-d",
                    "--bundle", bundle.toString(), id), Duration.ofSeconds(30));
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(rt.requireOciRuntime().status(id)).isEqualTo("running");
            d.state().addContainer(new ContainerConfig(id, "victim", "", null, d.locks().allocate().id(),
                    Instant.now(), null, null, List.of("sh"), Map.of(), false),
                    ContainerState.configured().withStatus(ContainerStatus.RUNNING));

            long t0 = System.nanoTime();
            rt.shutdown(true);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(LibpodRuntime.CTR_REMOVE_TIMEOUT);
        }
        ProcessRunner.Result state = ProcessRunner.run(List.of(runc, "--root", runcRoot.toString(), "state", id),
                Duration.ofSeconds(10));
        assertThat(state.exitCode()).as("runc must no longer know the container").isNotZero();
        try (TestDaemon d = TestDaemon.start(root)) {
            ContainerState s = d.state().container(id).state();
            // stopped by the shutdown, then cleaned up (Stopped → Exited) by the next daemon
            assertThat(s.status()).isIn(ContainerStatus.STOPPED, ContainerStatus.EXITED);
            assertThat(s.stoppedByUser()).isTrue();
            assertThat(s.finishedAt()).isNotNull();
        }
    }
}
