package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.config.ConfigKey;
import io.jpod.config.LibpodConfFile;
import io.jpod.config.RuntimeConfig;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon configured as uid 1000 (without being it): per-user paths and the libpod.conf write-back. */
class RootlessIT {

    @TempDir
    Path root;

    Map<String, Object> rootless() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", "0");
        p.put("libpod.system-config-file", root.resolve("etc/containers/libpod.conf").toString());
        p.put("libpod.vendor-config-file", root.resolve("usr/share/containers/libpod.conf").toString());
        p.put("libpod.registries-config-file", root.resolve("etc/containers/registries.conf").toString());
        p.put("jpod.host.euid", "1000");
        p.put("jpod.host.home", root.resolve("home").toString());
        // no XDG_RUNTIME_DIR: the runtime must pick one and hand it to child processes
        p.put("jpod.host.env[XDG_RUNTIME_DIR]", "");
        p.put("jpod.host.env[XDG_DATA_HOME]", "");
        p.put("jpod.host.env[XDG_CONFIG_HOME]", "");
        // a segment of this test's own (the rootless default name is covered by RootlessConfigTest)
        p.put("libpod.shm-lock-path", TestDaemon.shmPath(root));
        return p;
    }

    @Test
    void startsWithPerUserPathsAndWritesTheEffectiveConfigBack() throws Exception {
        Path userConf = root.resolve("home/.config/jpod/libpod.conf");
        Files.createDirectories(root.resolve("etc/containers"));
        Files.writeString(root.resolve("etc/containers/libpod.conf"), "conmon_path = [\"/usr/bin/conmon\"]\n"
                + "num_locks = 64\n");
        RuntimeConfig c;
        try (TestDaemon d = TestDaemon.start(rootless())) {
            c = d.runtime().config();
            assertThat(c.staticDir()).isEqualTo(root.resolve("home/.local/share/jpod/storage/libpod").toString());
            assertThat(c.tmpDir()).isEqualTo(root.resolve("home/rundir/jpod/libpod/tmp").toString());
            assertThat(c.conmonPath()).containsExactly("/usr/bin/conmon");
            assertThat(c.numLocks()).isEqualTo(2048);
            assertThat(d.runtime().childEnvironment()).containsEntry("XDG_RUNTIME_DIR",
                    root.resolve("home/rundir").toString());
            assertThat(d.runtime().environment().identity().rootless()).isTrue();
        }
        assertThat(userConf).isRegularFile();
        LibpodConfFile written = LibpodConfFile.read(userConf);
        assertThat(written.unknownKeys()).isEmpty();
        assertThat(written.values().get(ConfigKey.STATIC_DIR)).isEqualTo(c.staticDir());
        assertThat(written.values().get(ConfigKey.TMP_DIR)).isEqualTo(c.tmpDir());
        assertThat(written.values().get(ConfigKey.CONMON_PATH)).isEqualTo(c.conmonPath());
        assertThat(written.values().get(ConfigKey.NUM_LOCKS)).isEqualTo(2048L);

        // the written file is now the user's own file and is read on the next start
        try (TestDaemon d = TestDaemon.start(rootless())) {
            assertThat(d.runtime().environment().configFile()).isEqualTo(userConf);
            assertThat(d.runtime().config().origins().get("static_dir")).startsWith("file " + userConf);
        }
    }

    @Test
    void anExistingUserFileIsNeverOverwritten() throws Exception {
        Path userConf = root.resolve("home/.config/jpod/libpod.conf");
        Files.createDirectories(userConf.getParent());
        String mine = "# mine\nnum_locks = 96\n";
        Files.writeString(userConf, mine);
        try (TestDaemon d = TestDaemon.start(rootless())) {
            assertThat(d.runtime().config().numLocks()).isEqualTo(96);
        }
        assertThat(Files.readString(userConf)).isEqualTo(mine);
    }
}
