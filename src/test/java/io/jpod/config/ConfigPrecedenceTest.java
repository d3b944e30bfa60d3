package io.jpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.config.RuntimeConfig.Explicit;
import io.jpod.error.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrecedenceTest {

    @TempDir
    Path tmp;

    ConfigHarness h;

    @BeforeEach
    void setUp() {
        h = new ConfigHarness(tmp);
    }

    @Test
    void builtInDefaultsAreJpodsOwnRootsAndLibpodsValues() {
        RuntimeConfig c = h.load();
        assertThat(c.storage().graphRoot()).isEqualTo("/var/lib/jpod/storage");
        assertThat(c.storage().runRoot()).isEqualTo("/run/jpod/storage");
        assertThat(c.staticDir()).isEqualTo("/var/lib/jpod/storage/libpod");
        assertThat(c.volumePath()).isEqualTo("/var/lib/jpod/storage/volumes");
        assertThat(c.tmpDir()).isEqualTo("/run/jpod/libpod");
        assertThat(c.shmLockPath()).isEqualTo("/jpod_lock");
        assertThat(c.runtime()).isEqualTo("runc");
        assertThat(c.runtimes().get("runc")).hasSize(7).first().isEqualTo("/usr/bin/runc");
        assertThat(c.conmonPath()).hasSize(7);
        assertThat(c.numLocks()).isEqualTo(2048);
        assertThat(c.maxLogSize()).isEqualTo(-1);
        assertThat(c.infraImage()).isEqualTo("k8s.gcr.io/pause:3.1");
        assertThat(c.infraCommand()).isEqualTo("/pause");
        assertThat(c.hooksDir()).isEmpty();
        assertThat(c.enablePortReservation()).isTrue();
        assertThat(c.label()).isTrue();
        assertThat(c.stateType()).isEqualTo(RuntimeConfig.StateType.SQLITE);
        assertThat(c.explicit()).isEmpty();
        assertThat(c.origins().get("num_locks")).isEqualTo("default");
        assertThat(h.fileSource().mode()).isEqualTo(ConfigFileSource.Mode.NONE);
    }

    @Test
    void theFileHierarchyLivesInJpodsOwnDirectories() {
        ConfigHarness plain = new ConfigHarness(tmp);
        plain.options.remove("libpod.system-config-file");
        plain.options.remove("libpod.vendor-config-file");
        plain.load();
        assertThat(plain.env.getProperty("libpod.system-config-file")).isEqualTo("/etc/jpod/libpod.conf");
        assertThat(plain.env.getProperty("libpod.vendor-config-file")).isEqualTo("/usr/share/jpod/libpod.conf");
        assertThat(plain.env.getProperty("libpod.user-config-file"))
                .isEqualTo(tmp.resolve("home/.config/jpod/libpod.conf").toString());
    }

    @Test
    void etcFileOverridesDefaultsAndVendorFileIsThenIgnored() throws Exception {
        h.write(h.vendorConf(), "num_locks = 1000\ninfra_command = \"/vendor\"\n");
        h.write(h.etcConf(), "num_locks = 4096\n");
        RuntimeConfig c = h.load();
        assertThat(c.numLocks()).isEqualTo(4096);
        // files are never merged: the vendor file's infra_command is not used
        assertThat(c.infraCommand()).isEqualTo("/pause");
        assertThat(c.origins().get("num_locks")).isEqualTo("file " + h.etcConf() + " line 1");
        assertThat(h.fileSource().mode()).isEqualTo(ConfigFileSource.Mode.SYSTEM);
    }

    @Test
    void vendorFileIsUsedWhenEtcFileIsAbsent() throws Exception {
        h.write(h.vendorConf(), "# vendor\ninfra_command = \"/vendor\"\n");
        RuntimeConfig c = h.load();
        assertThat(c.infraCommand()).isEqualTo("/vendor");
        assertThat(c.origins().get("infra_command")).isEqualTo("file " + h.vendorConf() + " line 2");
    }

    @Test
    void optionsWinOverTheFile() throws Exception {
        h.write(h.etcConf(), "runtime = \"runc\"\nnum_locks = 4096\n");
        h.option("libpod.runtime", "crun").option("libpod.num-locks", "64");
        RuntimeConfig c = h.load();
        assertThat(c.runtime()).isEqualTo("crun");
        assertThat(c.numLocks()).isEqualTo(64);
        assertThat(c.origins().get("runtime")).isEqualTo("option commandLineArgs");
    }

    @Test
    void libpodAndJpodEnvironmentVariablesWinOverTheFileAndLoseToTheCommandLine() throws Exception {
        h.write(h.etcConf(), "num_locks = 4096\ninfra_command = \"/file\"\ncgroup_manager = \"systemd\"\n");
        h.environment("LIBPOD_NUM_LOCKS", "256").environment("JPOD_INFRA_COMMAND", "/env")
                .environment("LIBPOD_STORAGE_GRAPH_ROOT", "/env/g").environment("LIBPOD_CGROUP_MANAGER", "cgroupfs");
        h.option("libpod.cgroup-manager", "systemd");
        RuntimeConfig c = h.load();
        assertThat(c.numLocks()).isEqualTo(256);
        assertThat(c.infraCommand()).isEqualTo("/env");
        assertThat(c.storage().graphRoot()).isEqualTo("/env/g");
        assertThat(c.cgroupManager()).isEqualTo("systemd");
        assertThat(c.origins().get("num_locks")).startsWith("option ");
        assertThat(c.explicit()).contains(Explicit.GRAPH_ROOT);
    }

    @Test
    void arraysReplaceAndTablesMerge() throws Exception {
        h.write(h.etcConf(), """
                conmon_path = ["/opt/conmon"]
                [runtimes]
                kata = ["/opt/kata"]
                """);
        RuntimeConfig c = h.load();
        assertThat(c.conmonPath()).containsExactly("/opt/conmon");
        assertThat(c.runtimes()).containsKeys("kata", "runc", "crun");
        assertThat(c.runtimes().get("kata")).containsExactly("/opt/kata");
        assertThat(c.runtimes().get("runc")).hasSize(7);
    }

    @Test
    void anEmptyArrayInTheFileEmptiesTheList() throws Exception {
        h.write(h.etcConf(), "cni_plugin_dir = []\n");
        assertThat(h.load().cniPluginDir()).isEmpty();
    }

    @Test
    void configFileOptionReplacesTheHierarchyAndOmittedKeysKeepDefaults() throws Exception {
        h.write(h.etcConf(), "num_locks = 4096\n");
        Path own = h.write(tmp.resolve("own.conf"), "infra_command = \"/own\"\n");
        h.option("libpod.config-file", own.toString());
        RuntimeConfig c = h.load();
        assertThat(c.infraCommand()).isEqualTo("/own");
        assertThat(c.numLocks()).isEqualTo(2048);
        assertThat(h.fileSource().mode()).isEqualTo(ConfigFileSource.Mode.CONFIG_FILE);
    }

    @Test
    void aMissingConfigFileIsAClearStartupError() {
        h.option("libpod.config-file", tmp.resolve("missing.conf").toString());
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.conf").hasMessageContaining("error checking existence");
    }

    @Test
    void storageConfSetsStorageButDoesNotCountAsExplicit() throws Exception {
        h.write(tmp.resolve("etc/jpod/storage.conf"), """
                [storage]
                driver = "vfs"
                graphroot = "/srv/jpod"
                runroot = "/run/srv"
                """);
        RuntimeConfig c = h.load();
        assertThat(c.storage().driver()).isEqualTo("vfs");
        assertThat(c.storage().graphRoot()).isEqualTo("/srv/jpod");
        assertThat(c.staticDir()).isEqualTo("/srv/jpod/libpod");
        assertThat(c.volumePath()).isEqualTo("/srv/jpod/volumes");
        assertThat(c.explicit()).isEmpty();
        assertThat(c.origins().get("storage.graphroot")).startsWith("storage.conf ").endsWith(" line 3");
    }

    @Test
    void explicitTrackingCountsAValueEqualToTheDefault() throws Exception {
        h.write(h.etcConf(), "static_dir = \"/var/lib/jpod/storage/libpod\"\ntmp_dir = \"/run/jpod/libpod\"\n");
        RuntimeConfig c = h.load();
        assertThat(c.explicit()).containsExactlyInAnyOrder(Explicit.STATIC_DIR, Explicit.TMP_DIR);
    }

    @Test
    void storageOptionsAreExplicitAndGraphRootCarriesStaticDirAndVolumePath() {
        h.option("libpod.storage.graph-root", "/data/g").option("libpod.storage.run-root", "/run/g")
                .option("libpod.storage.driver", "vfs");
        RuntimeConfig c = h.load();
        assertThat(c.explicit()).containsExactlyInAnyOrder(Explicit.GRAPH_ROOT, Explicit.RUN_ROOT,
                Explicit.GRAPH_DRIVER, Explicit.STATIC_DIR, Explicit.VOLUME_PATH);
        assertThat(c.staticDir()).isEqualTo("/data/g/libpod");
        assertThat(c.volumePath()).isEqualTo("/data/g/volumes");
    }

    @Test
    void volumePathOptionIsExplicit() {
        h.option("libpod.volume-path", "/vols");
        assertThat(h.load().explicit()).containsExactly(Explicit.VOLUME_PATH);
    }

    @Test
    void deprecatedRuntimePathBecomesRuntimeAndReplacesTheRuntimesTable() throws Exception {
        h.write(h.etcConf(), """
                runtime = "runc"
                runtime_path = ["/opt/bin/myrunc", "/usr/bin/myrunc"]
                """);
        RuntimeConfig c = h.load();
        assertThat(c.runtime()).isEqualTo("myrunc");
        assertThat(c.runtimes()).containsOnlyKeys("myrunc");
        assertThat(c.runtimes().get("myrunc")).containsExactly("/opt/bin/myrunc", "/usr/bin/myrunc");
    }

    @Test
    void aRuntimeOptionClearsRuntimePathFromTheFile() throws Exception {
        h.write(h.etcConf(), "runtime_path = [\"/opt/bin/myrunc\"]\n");
        h.option("libpod.runtime", "crun");
        RuntimeConfig c = h.load();
        assertThat(c.runtime()).isEqualTo("crun");
        assertThat(c.runtimes()).containsKeys("runc", "crun");
    }

    @Test
    void unknownStateTypeIsAClearError() {
        h.option("libpod.state-type", "boltdb");
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unrecognized state type").hasMessageContaining("boltdb");
    }

    @Test
    void impossibleOptionValueNamesItsOrigin() {
        h.option("libpod.cgroup-manager", "upstart");
        assertThatThrownBy(h::load).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cgroup_manager must be one of cgroupfs and systemd")
                .hasMessageContaining("option commandLineArgs");
    }

    @Test
    void deepCopySharesNothing() {
        RuntimeConfig c = h.load();
        RuntimeConfig copy = c.deepCopy();
        copy.conmonPath().clear();
        copy.runtimes().get("runc").add("/tmp/evil");
        copy.origins().clear();
        assertThat(c.conmonPath()).hasSize(7);
        assertThat(c.runtimes().get("runc")).hasSize(7);
        assertThat(c.origins()).isNotEmpty();
        assertThat(List.copyOf(copy.runtimes().get("runc"))).contains("/tmp/evil");
    }
}
