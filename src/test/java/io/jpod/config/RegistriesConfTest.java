package io.jpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistriesConfTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheV1Tables() throws Exception {
        Path f = Files.writeString(tmp.resolve("r.conf"), """
                [registries.search]
                registries = ['docker.io', 'registry.fedoraproject.org']
                [registries.insecure]
                registries = ['localhost:5000']
                [registries.block]
                registries = []
                """);
        RegistriesConf r = RegistriesConf.read(f);
        assertThat(r.search()).containsExactly("docker.io", "registry.fedoraproject.org");
        assertThat(r.insecure()).containsExactly("localhost:5000");
    }

    @Test
    void readsTheV2Format() throws Exception {
        Path f = Files.writeString(tmp.resolve("r.conf"), """
                unqualified-search-registries = ["quay.io"]
                [[registry]]
                location = "secure.example"
                [[registry]]
                prefix = "local"
                location = "127.0.0.1:5000"
                insecure = true
                """);
        RegistriesConf r = RegistriesConf.read(f);
        assertThat(r.search()).containsExactly("quay.io");
        assertThat(r.insecure()).containsExactly("127.0.0.1:5000");
    }

    @Test
    void missingFileMeansNoRegistriesAndBadFileNamesTheLine() throws Exception {
        assertThat(RegistriesConf.read(tmp.resolve("none")).search()).isEmpty();
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "unqualified-search-registries = [\"a\"\n");
        assertThatThrownBy(() -> RegistriesConf.read(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.conf");
    }
}
