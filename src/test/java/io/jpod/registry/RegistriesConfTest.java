package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import io.jpod.registry.RegistriesConf.Mirror;
import io.jpod.registry.RegistriesConf.PullFrom;
import io.jpod.registry.RegistriesConf.Registry;
import io.jpod.registry.RegistriesConf.ShortNameMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistriesConfTest {

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, text);
    }

    @Test
    void readsTheV1TablesAsV2Entries() throws Exception {
        Path f = write("r.conf", """
                [registries.search]
                registries = ['docker.io', 'registry.fedoraproject.org']
                [registries.insecure]
                registries = ['localhost:5000']
                [registries.block]
                registries = ['evil.example']
                """);
        RegistriesConf r = RegistriesConf.read(f);
        assertThat(r.search()).containsExactly("docker.io", "registry.fedoraproject.org");
        assertThat(r.insecure()).containsExactly("localhost:5000");
        assertThat(r.find("evil.example/x").blocked()).isTrue();
        assertThat(r.find("localhost:5000/x").insecure()).isTrue();
    }

    @Test
    void readsTheV2Format() throws Exception {
        Path f = write("r.conf", """
                unqualified-search-registries = ["quay.io", "docker.io"]
                short-name-mode = "enforcing"
                [aliases]
                "fedora" = "registry.fedoraproject.org/fedora"
                [[registry]]
                location = "secure.example"
                [[registry]]
                prefix = "example.com/foo"
                location = "mirror.local/bar"
                insecure = true
                blocked = false
                mirror-by-digest-only = true
                [[registry.mirror]]
                location = "m1.local"
                [[registry.mirror]]
                location = "m2.local:5000"
                insecure = true
                pull-from-mirror = "tag-only"
                """);
        RegistriesConf r = RegistriesConf.read(f);
        assertThat(r.search()).containsExactly("quay.io", "docker.io");
        assertThat(r.shortNameMode()).isEqualTo(ShortNameMode.ENFORCING);
        assertThat(r.aliases()).containsEntry("fedora", "registry.fedoraproject.org/fedora");
        assertThat(r.registries()).containsExactly(
                new Registry("secure.example", "secure.example", false, false, false, List.of()),
                new Registry("example.com/foo", "mirror.local/bar", true, false, true, List.of(
                        new Mirror("m1.local", false, PullFrom.ALL),
                        new Mirror("m2.local:5000", true, PullFrom.TAG_ONLY))));
        assertThat(r.insecure()).containsExactly("mirror.local/bar", "m2.local:5000");
    }

    @Test
    void theSampleFileParses() {
        RegistriesConf r = RegistriesConf.read(Path.of("config/registries.conf"));
        assertThat(r.search()).containsExactly("docker.io");
        assertThat(r.insecure()).containsExactly("127.0.0.1:5000");
    }

    @Test
    void longestPrefixWinsAndPrefixesMatchWholeComponents() throws Exception {
        RegistriesConf r = RegistriesConf.read(write("r.conf", """
                [[registry]]
                location = "example.com"
                [[registry]]
                prefix = "example.com/foo"
                location = "a.local"
                [[registry]]
                prefix = "*.example.com"
                [[registry]]
                prefix = "*.sub.example.com"
                """));
        assertThat(r.find("example.com/foo/x").location()).isEqualTo("a.local");
        assertThat(r.find("example.com/foo").location()).isEqualTo("a.local");
        assertThat(r.find("example.com/foobar").prefix()).isEqualTo("example.com");
        assertThat(r.find("registry.example.com/x").prefix()).isEqualTo("*.example.com");
        assertThat(r.find("a.sub.example.com/x").prefix()).isEqualTo("*.sub.example.com");
        assertThat(r.find("notexample.com/x")).isNull();
        assertThat(r.find("example.community/x")).isNull();
    }

    @Test
    void dropInsOverrideInLexicalOrder() throws Exception {
        Path main = write("etc/registries.conf", """
                unqualified-search-registries = ["docker.io"]
                short-name-mode = "enforcing"
                [aliases]
                "a" = "one.example/a"
                "b" = "one.example/b"
                [[registry]]
                location = "keep.example"
                [[registry]]
                location = "replace.example"
                insecure = true
                """);
        write("etc/registries.conf.d/20-second.conf", """
                unqualified-search-registries = ["quay.io"]
                [aliases]
                "b" = "two.example/b"
                """);
        write("etc/registries.conf.d/10-first.conf", """
                unqualified-search-registries = ["never.example"]
                [[registry]]
                location = "replace.example"
                blocked = true
                """);
        write("etc/registries.conf.d/30-ignored.txt", "this is not toml [");
        RegistriesConf r = RegistriesConf.read(main);
        assertThat(r.search()).containsExactly("quay.io");
        assertThat(r.shortNameMode()).isEqualTo(ShortNameMode.ENFORCING);
        assertThat(r.aliases()).containsEntry("a", "one.example/a").containsEntry("b", "two.example/b");
        assertThat(r.find("keep.example/x")).isNotNull();
        Registry replaced = r.find("replace.example/x");
        assertThat(replaced.blocked()).isTrue();
        assertThat(replaced.insecure()).isFalse();
        assertThat(r.registries()).hasSize(2);
    }

    @Test
    void aMissingMainFileMeansNoSearchRegistriesButDropInsStillCount() throws Exception {
        assertThat(RegistriesConf.read(tmp.resolve("none/registries.conf")).search()).isEmpty();
        write("etc/registries.conf.d/a.conf", "unqualified-search-registries = [\"quay.io\"]\n");
        assertThat(RegistriesConf.read(tmp.resolve("etc/registries.conf")).search()).containsExactly("quay.io");
    }

    @Test
    void aBadFileIsNamedWithItsLine() throws Exception {
        Path bad = write("bad.conf", "unqualified-search-registries = [\"a\"]\n[[registry]]\nlocation = \n");
        assertThatThrownBy(() -> RegistriesConf.read(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.conf").hasMessageContaining("line 3");
        Path badDropIn = write("etc/registries.conf.d/x.conf", "short-name-mode = \"sometimes\"\n");
        assertThatThrownBy(() -> RegistriesConf.read(tmp.resolve("etc/registries.conf")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(badDropIn.toString())
                .hasMessageContaining("line 1").hasMessageContaining("enforcing");
    }

    @Test
    void mixingV1AndV2IsAnErrorNamingTheFile() throws Exception {
        Path f = write("mixed.conf", """
                unqualified-search-registries = ["quay.io"]
                [registries.search]
                registries = ["docker.io"]
                """);
        assertThatThrownBy(() -> RegistriesConf.read(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mixed.conf").hasMessageContaining("v1");
    }

    @Test
    void entriesAreChecked() throws Exception {
        Path noLocation = write("a.conf", "[[registry]]\ninsecure = true\n");
        assertThatThrownBy(() -> RegistriesConf.read(noLocation)).hasMessageContaining("a.conf")
                .hasMessageContaining("needs a location");
        Path wildcardLocation = write("b.conf", "[[registry]]\nprefix = \"*.x.com\"\nlocation = \"y.com\"\n");
        assertThatThrownBy(() -> RegistriesConf.read(wildcardLocation)).hasMessageContaining("wildcard");
        Path badPull = write("c.conf", """
                [[registry]]
                location = "x.com"
                [[registry.mirror]]
                location = "m.com"
                pull-from-mirror = "sometimes"
                """);
        assertThatThrownBy(() -> RegistriesConf.read(badPull)).hasMessageContaining("pull-from-mirror");
        Path badAlias = write("d.conf", "[aliases]\n\"x\" = \"notqualified\"\n");
        assertThatThrownBy(() -> RegistriesConf.read(badAlias)).hasMessageContaining("alias \"x\"");
        Path badType = write("e.conf", "[[registry]]\nlocation = \"x.com\"\ninsecure = \"yes\"\n");
        assertThatThrownBy(() -> RegistriesConf.read(badType)).hasMessageContaining("insecure must be true or false");
    }
}
