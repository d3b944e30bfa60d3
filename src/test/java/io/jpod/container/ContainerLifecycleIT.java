package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.image.ImageStore;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real containers from a busybox image through conmon and runc: create, start, wait, stop, kill, remove, restart. */
class ContainerLifecycleIT {

    @TempDir
    Path root;

    TestDaemon daemon;
    ContainerService containers;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(root);
        daemon.bean(ImageStore.class).importRootfs(new ByteArrayInputStream(TarBuilder.busyboxRootfs()),
                List.of("busybox"), List.of("CMD [\"sh\"]"), "");
        containers = daemon.bean(ContainerService.class);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            for (StoredContainer c : daemon.state().allContainers()) {
                try {
                    containers.remove(c.id(), true);
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            daemon.close();
        }
    }

    StoredContainer create(String name, String... cmd) {
        return containers.create(CreateRequest.of(name, "busybox", List.of(cmd)));
    }

    static String mounts() throws Exception {
        return Files.readString(Path.of("/proc/self/mountinfo"));
    }

    @Test
    void aContainerRunsToItsExitCodeAndItsOutputIsLogged() throws Exception {
        StoredContainer c = create("hello", "sh", "-c", "echo hello; echo oops >&2; exit 3");
        assertThat(c.state().status()).isEqualTo(ContainerStatus.CONFIGURED);
        assertThat(c.config().run().args()).containsExactly("sh", "-c", "echo hello; echo oops >&2; exit 3");
        containers.start("hello");
        assertThat(containers.waitForExit("hello", Duration.ofSeconds(20))).isEqualTo(3);
        StoredContainer done = containers.inspect("hello");
        assertThat(done.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(done.state().exitCode()).isEqualTo(3);
        assertThat(done.state().finishedAt()).isNotNull();
        List<String> log = Files.readAllLines(containers.logPath("hello"));
        assertThat(log).anySatisfy(l -> assertThat(l).endsWith(" stdout F hello"));
        assertThat(log).anySatisfy(l -> assertThat(l).endsWith(" stderr F oops"));
        assertThat(mounts()).doesNotContain(root.resolve("storage/containers").toString());
        // it can run again
        containers.start("hello");
        assertThat(containers.waitForExit("hello", Duration.ofSeconds(20))).isEqualTo(3);
    }

    @Test
    void imageDefaultsAndRequestSettingsApply() throws Exception {
        containers.create(new CreateRequest("env", "busybox", null,
                List.of("sh", "-c", "echo $FOO; pwd; id -u; cat /etc/hostname"), List.of("FOO=bar"), "/tmp",
                "nobody", Map.of(), false, null, null, null, false, "box", false, List.of(), null, null));
        containers.start("env");
        assertThat(containers.waitForExit("env", Duration.ofSeconds(20))).isZero();
        assertThat(Files.readAllLines(containers.logPath("env"))).extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                .containsExactly("bar", "/tmp", "65534", "box");
        // no command given: the image's CMD
        StoredContainer sh = containers.create(CreateRequest.of("default", "busybox", null));
        assertThat(sh.config().run().args()).containsExactly("sh");
    }

    @Test
    void stopSendsTheSignalThenKillsAfterTheTimeout() throws Exception {
        create("trapper", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        create("stubborn", "sleep", "1000");
        containers.start("trapper");
        containers.start("stubborn");
        assertThat(containers.inspect("stubborn").state().status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(containers.inspect("stubborn").state().pid()).isPositive();
        assertThat(containers.stop("trapper", 10).state().exitCode()).isZero();
        long t0 = System.nanoTime();
        StoredContainer stubborn = containers.stop("stubborn", 1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        // sleep as PID 1 ignores SIGTERM: it took SIGKILL (128 + 9)
        assertThat(stubborn.state().exitCode()).isEqualTo(137);
        assertThat(stubborn.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(stubborn.state().stoppedByUser()).isTrue();
        assertThatThrownBy(() -> containers.stop("stubborn", 1)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_MODIFIED));
    }

    @Test
    void killStartTwiceAndRemoveRules() throws Exception {
        StoredContainer c = create("victim", "sleep", "1000");
        containers.start("victim");
        assertThatThrownBy(() -> containers.start("victim")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_MODIFIED));
        assertThatThrownBy(() -> containers.remove("victim", false)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.INVALID_STATE));
        containers.kill("victim", "SIGKILL");
        assertThat(containers.waitForExit("victim", Duration.ofSeconds(10))).isEqualTo(137);
        assertThatThrownBy(() -> containers.kill("victim", "TERM")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.INVALID_STATE));
        assertThatThrownBy(() -> containers.kill("victim", "SIGNOPE")).isInstanceOf(EngineException.class);
        int lock = c.config().lockId();
        containers.remove("victim", false);
        assertThat(daemon.locks().isAllocated(lock)).isFalse();
        assertThat(root.resolve("storage/containers").resolve(c.id())).doesNotExist();
        assertThatThrownBy(() -> containers.inspect("victim")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        create("forced", "sleep", "1000");
        containers.start("forced");
        containers.remove("forced", true);
        assertThat(daemon.state().allContainers()).isEmpty();
    }

    @Test
    void unknownImageAndBadInputAreClearErrors() {
        assertThatThrownBy(() -> containers.create(CreateRequest.of("x", "nosuchimage", List.of("sh"))))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        assertThatThrownBy(() -> containers.create(new CreateRequest("y", "busybox", null, List.of("sh"),
                List.of("NOVALUE"), null, null, Map.of(), false, null, null, null, false, null, false, List.of(), null,
                null)))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
        create("dup", "sh");
        assertThatThrownBy(() -> create("dup", "sh")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
        assertThat(daemon.state().allContainers()).hasSize(1);
    }

    @Test
    void containersSurviveADaemonRestartAndExitsMeanwhileAreRecorded() throws Exception {
        create("keeps", "sleep", "1000");
        create("quits", "sh", "-c", "sleep 1; exit 5");
        containers.start("keeps");
        containers.start("quits");
        int pid = containers.inspect("keeps").state().pid();
        daemon.close();
        daemon = null;
        Thread.sleep(2500);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
        daemon = TestDaemon.start(root);
        containers = daemon.bean(ContainerService.class);
        StoredContainer quits = containers.inspect("quits");
        assertThat(quits.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(quits.state().exitCode()).isEqualTo(5);
        StoredContainer keeps = containers.inspect("keeps");
        assertThat(keeps.state().status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(keeps.state().pid()).isEqualTo(pid);
        assertThat(containers.stop("keeps", 1).state().exitCode()).isEqualTo(137);
    }
}
