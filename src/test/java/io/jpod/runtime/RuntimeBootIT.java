package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.config.RuntimeConfig;
import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import io.jpod.error.RuntimeStoppedException;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.PodConfig;
import io.jpod.state.PodState;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/** The boot path of a real daemon: directories, DB config, reboot refresh, namespaces, names, shutdown. */
class RuntimeBootIT {

    @TempDir
    Path root;

    static String newId() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String addContainer(TestDaemon d, String name, ContainerStatus status) {
        String id = newId();
        int lock = d.locks().allocate().id();
        d.state().addContainer(new ContainerConfig(id, name, d.runtime().config().namespace(), null, lock, Instant.now(),
                null, null, List.of("sh"), Map.of(), false), ContainerState.configured().withStatus(status)
                .withProcess(status == ContainerStatus.RUNNING ? 4242 : 0, 0, Instant.now()));
        return id;
    }

    @Test
    void createsDirectoriesWithLibpodsModes() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            RuntimeConfig c = d.runtime().config();
            assertThat(mode(Path.of(c.staticDir()))).isEqualTo("rwx------");
            assertThat(mode(Path.of(c.tmpDir()))).isEqualTo("rwxr-x--x");
            assertThat(mode(Path.of(c.tmpDir(), "exits"))).isEqualTo("rwxr-x---");
            assertThat(mode(Path.of(c.tmpDir(), "socket"))).isEqualTo("rwxr-x---");
            assertThat(Path.of(c.tmpDir(), "alive.lck")).isRegularFile();
            assertThat(Path.of(c.tmpDir(), "alive")).isRegularFile();
            assertThat(c.cgroupManager()).isEqualTo("cgroupfs");
            assertThat(c.origins().get("cgroup_manager")).startsWith("fallback");
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void firstStartRecordsDbConfigAndAMismatchLaterStopsStartupUnchanged() throws Exception {
        Map<String, Object> props = TestDaemon.isolated(root);
        String runRoot = props.get("libpod.storage.run-root").toString();
        try (TestDaemon d = TestDaemon.start(props)) {
            assertThat(d.state().dbConfig().runRoot()).isEqualTo(runRoot);
            assertThat(d.state().dbConfig().os()).isEqualTo("linux");
        }
        Map<String, Object> moved = TestDaemon.isolated(root);
        moved.put("libpod.storage.run-root", root.resolve("elsewhere").toString());
        assertThatThrownBy(() -> TestDaemon.start(moved)).hasRootCauseInstanceOf(ConfigException.class)
                .rootCause().hasMessageContaining("database run root \"" + runRoot + "\" does not match our run root \""
                        + root.resolve("elsewhere") + "\"");
        assertThat(root.resolve("elsewhere")).doesNotExist();
        try (TestDaemon d = TestDaemon.start(props)) {
            assertThat(d.state().dbConfig().runRoot()).isEqualTo(runRoot);
        }
    }

    @Test
    void settingsNotExplicitlySetAreTakenFromTheDatabase() throws Exception {
        Map<String, Object> first = TestDaemon.isolated(root);
        try (TestDaemon d = TestDaemon.start(first)) {
            assertThat(d.runtime().config().tmpDir()).isEqualTo(first.get("libpod.tmp-dir"));
        }
        Map<String, Object> second = TestDaemon.isolated(root);
        second.remove("libpod.tmp-dir");
        second.remove("libpod.storage.run-root");
        second.remove("libpod.storage.graph-root");
        second.put("libpod.static-dir", root.resolve("storage/libpod").toString());
        try (TestDaemon d = TestDaemon.start(second)) {
            RuntimeConfig c = d.runtime().config();
            assertThat(c.tmpDir()).isEqualTo(first.get("libpod.tmp-dir"));
            assertThat(c.storage().runRoot()).isEqualTo(first.get("libpod.storage.run-root"));
            assertThat(c.storage().graphRoot()).isEqualTo(first.get("libpod.storage.graph-root"));
            assertThat(c.volumePath()).isEqualTo(root.resolve("storage/volumes").toString());
            assertThat(c.origins()).containsEntry("tmp_dir", "database").containsEntry("storage.runroot", "database");
        }
    }

    @Test
    void rebootIsDetectedByTheMissingAliveFileAndStateIsRefreshed() throws Exception {
        String running;
        String stopped;
        String pod;
        int freeBefore;
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            running = addContainer(d, "web", ContainerStatus.RUNNING);
            stopped = addContainer(d, "job", ContainerStatus.CREATED);
            pod = newId();
            d.state().addPod(new PodConfig(pod, "pod1", "", d.locks().allocate().id(), Instant.now(), Map.of(),
                    "/libpod_parent", true, List.of("net"), false), new PodState("/libpod_parent/" + pod, null));
            freeBefore = d.locks().available().getAsInt();
        }
        try (TestDaemon d = TestDaemon.start(root)) {
            // no reboot: nothing is reset
            assertThat(d.runtime().refreshedOnStart()).isFalse();
            assertThat(d.state().container(running).state().status()).isEqualTo(ContainerStatus.RUNNING);
            assertThat(d.locks().available().getAsInt()).isEqualTo(freeBefore);
        }
        FileSystemUtils.deleteRecursively(root.resolve("run"));
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            assertThat(rt.refreshedOnStart()).isTrue();
            var c = d.state().container(running).state();
            assertThat(c.status()).isEqualTo(ContainerStatus.EXITED);
            assertThat(c.pid()).isZero();
            assertThat(d.state().container(stopped).state().status()).isEqualTo(ContainerStatus.CONFIGURED);
            assertThat(d.state().pod(pod).state().cgroupPath()).isEmpty();
            assertThat(d.locks().available().getAsInt()).isEqualTo(freeBefore);
            Path alive = Path.of(rt.config().tmpDir(), "alive");
            assertThat(Files.readString(alive).trim())
                    .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim());
        }
    }

    @Test
    void aDifferentBootIdInTheAliveFileAlsoMeansReboot() throws Exception {
        String running;
        try (TestDaemon d = TestDaemon.start(root)) {
            running = addContainer(d, "web", ContainerStatus.RUNNING);
            Files.writeString(Path.of(d.runtime().config().tmpDir(), "alive"), "some-other-boot");
        }
        try (TestDaemon d = TestDaemon.start(root)) {
            assertThat(d.runtime().refreshedOnStart()).isTrue();
            assertThat(d.state().container(running).state().status()).isEqualTo(ContainerStatus.EXITED);
        }
    }

    @Test
    void namespacesScopeWhatARuntimeSeesAndCreates() throws Exception {
        Map<String, Object> a = TestDaemon.isolated(root);
        a.put("libpod.namespace", "alpha");
        String id;
        try (TestDaemon d = TestDaemon.start(a)) {
            id = addContainer(d, "in-alpha", ContainerStatus.CONFIGURED);
            assertThat(d.state().lookupContainer("in-alpha").id()).isEqualTo(id);
        }
        Map<String, Object> b = TestDaemon.isolated(root);
        b.put("libpod.namespace", "beta");
        try (TestDaemon d = TestDaemon.start(b)) {
            assertThat(d.state().allContainers()).isEmpty();
            assertThatThrownBy(() -> d.state().lookupContainer("in-alpha")).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.category()).isEqualTo(EngineException.Category.NOT_FOUND));
            assertThatThrownBy(() -> d.state().lookupContainer(id.substring(0, 10)))
                    .isInstanceOf(EngineException.class);
            // the name is still taken engine-wide
            assertThat(d.state().nameInUse("in-alpha")).isTrue();
        }
        try (TestDaemon d = TestDaemon.start(root)) {
            assertThat(d.state().lookupContainer(id.substring(0, 10)).name()).isEqualTo("in-alpha");
        }
    }

    @Test
    void generatedNamesAreValidAndNeverInUse() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                String name = d.registry().generateName();
                assertThat(name).matches("[a-z]+_[a-z]+").isNotEqualTo("boring_wozniak");
                assertThat(seen.add(name)).as("duplicate " + name).isTrue();
                if (i % 2 == 0) {
                    addContainer(d, name, ContainerStatus.CONFIGURED);
                } else {
                    d.state().addPod(new PodConfig(newId(), name, "", d.locks().allocate().id(), Instant.now(),
                            Map.of(), "", false, List.of(), false), new PodState("", null));
                }
            }
        }
    }

    @Test
    void configIsHandedOutAsADeepCopy() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            RuntimeConfig copy = d.runtime().config();
            copy.conmonPath().clear();
            copy.runtimes().clear();
            copy.hooksDir().add("/evil");
            RuntimeConfig again = d.runtime().config();
            assertThat(again.conmonPath()).isNotEmpty();
            assertThat(again.runtimes()).containsKey("runc");
            assertThat(again.hooksDir()).isEmpty();
        }
    }

    @Test
    void shutdownClosesTheRuntimeForGood() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            rt.shutdown(false);
            assertThatThrownBy(rt::config).isInstanceOf(RuntimeStoppedException.class)
                    .hasMessage("runtime has already been stopped");
            assertThatThrownBy(rt::requireOciRuntime).isInstanceOf(RuntimeStoppedException.class);
            assertThatThrownBy(() -> rt.shutdown(false)).isInstanceOf(RuntimeStoppedException.class);
            assertThat(rt.isValid()).isFalse();
        }
    }
}
