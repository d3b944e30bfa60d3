package io.jpod.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commented samples in config/ stay valid and describe the real defaults. */
class SampleConfigFilesTest {

    @TempDir
    Path tmp;

    @Test
    void sampleLibpodConfParsesWithoutUnknownKeysAndMatchesTheBuiltInDefaults() {
        LibpodConfFile sample = LibpodConfFile.read(Path.of("config/libpod.conf"));
        assertThat(sample.unknownKeys()).isEmpty();
        RuntimeConfig defaults = new ConfigHarness(tmp).load();
        RuntimeConfig fromSample = new ConfigHarness(tmp).option("libpod.config-file", "config/libpod.conf").load();
        assertThat(fromSample.tomlValues()).isEqualTo(defaults.tomlValues());
    }

    @Test
    void sampleStorageFileParses() {
        // the sample registries.conf is checked by io.jpod.registry.RegistriesConfTest
        assertThat(StorageConfFile.properties(Path.of("config/storage.conf")))
                .containsKeys("libpod.storage.driver", "libpod.storage.graph-root", "libpod.storage.run-root");
    }
}
