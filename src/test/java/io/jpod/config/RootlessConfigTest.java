package io.jpod.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootlessConfigTest {

    @TempDir
    Path tmp;

    ConfigHarness h;

    @BeforeEach
    void setUp() {
        h = new ConfigHarness(tmp).rootless(1000);
        h.options.remove("libpod.storage.config-file");
    }

    @Test
    void rootlessDefaultsLiveInTheUsersDirectories() {
        RuntimeConfig c = h.load();
        Path home = tmp.resolve("home");
        Path run = tmp.resolve("run/user/1000");
        assertThat(c.storage().graphRoot()).isEqualTo(home.resolve(".local/share/jpod/storage").toString());
        assertThat(c.storage().runRoot()).isEqualTo(run.resolve("jpod/storage").toString());
        assertThat(c.staticDir()).isEqualTo(home.resolve(".local/share/jpod/storage/libpod").toString());
        assertThat(c.tmpDir()).isEqualTo(run.resolve("jpod/libpod/tmp").toString());
        assertThat(c.shmLockPath()).isEqualTo("/jpod_rootless_lock_1000");
        assertThat(c.storage().configFile()).isEqualTo(home.resolve(".config/jpod/storage.conf").toString());
    }

    @Test
    void xdgDataHomeMovesTheGraphRoot() {
        h.option("jpod.host.env[XDG_DATA_HOME]", tmp.resolve("data").toString());
        assertThat(h.load().storage().graphRoot()).isEqualTo(tmp.resolve("data/jpod/storage").toString());
    }

    @Test
    void userFileIsUsedAndGlobalFileIgnored() throws Exception {
        h.write(h.etcConf(), "num_locks = 64\n");
        h.write(h.userConf(), "num_locks = 128\n");
        RuntimeConfig c = h.load();
        assertThat(c.numLocks()).isEqualTo(128);
        assertThat(h.fileSource().mode()).isEqualTo(ConfigFileSource.Mode.USER);
        assertThat(h.fileSource().userFileMissing()).isFalse();
    }

    @Test
    void withoutUserFileOnlyTheCherryPickedGlobalKeysApply() throws Exception {
        h.write(h.etcConf(), """
                num_locks = 64
                conmon_path = ["/global/conmon"]
                no_pivot_root = true
                static_dir = "/global/static"
                [runtimes]
                kata = ["/global/kata"]
                """);
        RuntimeConfig c = h.load();
        assertThat(c.conmonPath()).containsExactly("/global/conmon");
        assertThat(c.noPivotRoot()).isTrue();
        assertThat(c.runtimes()).containsKey("kata");
        assertThat(c.numLocks()).isEqualTo(2048);
        assertThat(c.staticDir()).doesNotStartWith("/global");
        assertThat(h.fileSource().mode()).isEqualTo(ConfigFileSource.Mode.ROOTLESS_GLOBAL);
        assertThat(h.fileSource().userFileMissing()).isTrue();
    }

    @Test
    void policyJsonIsPickedUpWhenPresent() throws Exception {
        Path policy = h.write(tmp.resolve("home/.config/containers/policy.json"), "{}");
        assertThat(h.load().signaturePolicyPath()).isEqualTo(policy.toString());
    }
}
