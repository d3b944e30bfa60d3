package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.image.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostRegistryConfigTest {

    @TempDir
    Path tmp;

    private HostRegistryConfig config(String registriesConf) throws Exception {
        Path conf = tmp.resolve("registries.conf");
        Files.writeString(conf, registriesConf);
        return new HostRegistryConfig(conf, List.of(tmp.resolve("certs.d")), Map.of("HOME", tmp.toString()));
    }

    private static List<String> names(List<ImageReference> refs) {
        return refs.stream().map(ImageReference::toString).toList();
    }

    private static List<String> where(List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.host() + "/" + e.repository() + (e.mirror() ? " mirror" : "")
                + (e.insecure() ? " insecure" : "")).toList();
    }

    private static EngineException.Category category(Runnable r) {
        try {
            r.run();
        } catch (EngineException e) {
            return e.category();
        }
        throw new AssertionError("no exception");
    }

    @Test
    void qualifiedNamesResolveToThemselvesAndShortOnesThroughSearchRegistries() throws Exception {
        HostRegistryConfig c = config("unqualified-search-registries = [\"quay.io\", \"docker.io\"]\n");
        assertThat(names(c.resolve("example.com/app:1"))).containsExactly("example.com/app:1");
        assertThat(names(c.resolve("localhost/app"))).containsExactly("localhost/app:latest");
        assertThat(names(c.resolve("busybox:1.36"))).containsExactly("quay.io/busybox:1.36",
                "docker.io/library/busybox:1.36");
        assertThat(names(c.resolve("user/app"))).containsExactly("quay.io/user/app:latest",
                "docker.io/user/app:latest");
        assertThat(category(() -> c.resolve("Bad_Name"))).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
    }

    @Test
    void aliasesWinAndKeepTheTag() throws Exception {
        HostRegistryConfig c = config("""
                unqualified-search-registries = ["quay.io", "docker.io"]
                short-name-mode = "enforcing"
                [aliases]
                "fedora" = "registry.fedoraproject.org/fedora"
                """);
        assertThat(names(c.resolve("fedora:39"))).containsExactly("registry.fedoraproject.org/fedora:39");
        assertThat(names(c.resolve("fedora"))).containsExactly("registry.fedoraproject.org/fedora:latest");
    }

    @Test
    void enforcingRefusesAnAmbiguousShortNameListingTheCandidates() throws Exception {
        HostRegistryConfig c = config("""
                unqualified-search-registries = ["quay.io", "docker.io"]
                short-name-mode = "enforcing"
                """);
        assertThatThrownBy(() -> c.resolve("busybox")).isInstanceOf(EngineException.class)
                .hasMessageContaining("quay.io/busybox:latest").hasMessageContaining("docker.io/library/busybox:latest")
                .extracting(e -> ((EngineException) e).category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
        HostRegistryConfig single = config("""
                unqualified-search-registries = ["docker.io"]
                short-name-mode = "enforcing"
                """);
        assertThat(names(single.resolve("busybox"))).containsExactly("docker.io/library/busybox:latest");
    }

    @Test
    void aShortNameWithNowhereToSearchSaysSo() throws Exception {
        HostRegistryConfig c = new HostRegistryConfig(tmp.resolve("absent.conf"), List.of(), Map.of());
        assertThatThrownBy(() -> c.resolve("busybox")).isInstanceOf(EngineException.class).hasMessage(
                "short name \"busybox\" needs unqualified-search-registries in registries.conf, or a fully qualified name");
        assertThat(c.searchRegistries()).isEmpty();
    }

    @Test
    void dockerHubIsReachedAtItsRealHostWithLibrary() throws Exception {
        HostRegistryConfig c = config("");
        List<Endpoint> e = c.pullEndpoints(ImageReference.parse("busybox"), false);
        assertThat(where(e)).containsExactly("registry-1.docker.io/library/busybox");
        assertThat(e.get(0).tls()).isNotNull();
        assertThat(c.pushEndpoint(ImageReference.parse("docker.io/me/app")).host()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void localhostNamesNeverLeaveTheMachine() throws Exception {
        HostRegistryConfig c = config("");
        assertThatThrownBy(() -> c.pullEndpoints(ImageReference.parse("localhost/app"), false))
                .hasMessageContaining("localhost/app:latest is a local name");
        assertThat(category(() -> c.pullEndpoints(ImageReference.parse("localhost/app"), false)))
                .isEqualTo(EngineException.Category.NOT_FOUND);
        assertThat(where(c.pullEndpoints(ImageReference.parse("localhost:5000/app"), false)))
                .containsExactly("localhost:5000/app");
    }

    @Test
    void aPrefixRemapsToItsLocationAndTheLongestPrefixWins() throws Exception {
        HostRegistryConfig c = config("""
                [[registry]]
                prefix = "example.com"
                location = "other.local"
                [[registry]]
                prefix = "example.com/foo"
                location = "mirror.local/bar"
                insecure = true
                [[registry]]
                prefix = "*.corp.example"
                insecure = true
                """);
        assertThat(where(c.pullEndpoints(ImageReference.parse("example.com/foo/x"), false)))
                .containsExactly("mirror.local/bar/x insecure");
        assertThat(where(c.pullEndpoints(ImageReference.parse("example.com/foobar"), false)))
                .containsExactly("other.local/foobar");
        assertThat(where(c.pullEndpoints(ImageReference.parse("reg.corp.example/team/x"), false)))
                .containsExactly("reg.corp.example/team/x insecure");
        // pushes go to the name's own registry; the entry's insecure flag still applies
        assertThat(where(List.of(c.pushEndpoint(ImageReference.parse("example.com/foo/x")))))
                .containsExactly("example.com/foo/x insecure");
        assertThat(c.insecureRegistries()).containsExactly("mirror.local/bar", "*.corp.example");
    }

    @Test
    void mirrorsComeFirstInOrderAndHonourDigestAndTagRules() throws Exception {
        HostRegistryConfig c = config("""
                [[registry]]
                location = "docker.io"
                [[registry.mirror]]
                location = "m1.local/hub"
                insecure = true
                [[registry.mirror]]
                location = "m2.local"
                pull-from-mirror = "digest-only"
                [[registry.mirror]]
                location = "m3.local"
                pull-from-mirror = "tag-only"

                [[registry]]
                location = "quay.io"
                mirror-by-digest-only = true
                [[registry.mirror]]
                location = "qm.local"
                """);
        ImageReference busybox = ImageReference.parse("busybox");
        assertThat(where(c.pullEndpoints(busybox, false))).containsExactly(
                "m1.local/hub/library/busybox mirror insecure", "m3.local/library/busybox mirror",
                "registry-1.docker.io/library/busybox");
        assertThat(where(c.pullEndpoints(busybox, true))).containsExactly(
                "m1.local/hub/library/busybox mirror insecure", "m2.local/library/busybox mirror",
                "registry-1.docker.io/library/busybox");
        ImageReference quay = ImageReference.parse("quay.io/x/y");
        assertThat(where(c.pullEndpoints(quay, false))).containsExactly("quay.io/x/y");
        assertThat(where(c.pullEndpoints(quay, true))).containsExactly("qm.local/x/y mirror", "quay.io/x/y");
        assertThat(where(List.of(c.pushEndpoint(busybox)))).containsExactly("registry-1.docker.io/library/busybox");
    }

    @Test
    void blockedRegistriesAreRefusedForPullAndPush() throws Exception {
        HostRegistryConfig c = config("""
                [[registry]]
                location = "evil.example"
                blocked = true
                [[registry]]
                prefix = "evil.example/ok"
                location = "evil.example/ok"
                """);
        assertThatThrownBy(() -> c.pullEndpoints(ImageReference.parse("evil.example/x"), false))
                .hasMessageContaining("evil.example").hasMessageContaining("blocked");
        assertThat(category(() -> c.pushEndpoint(ImageReference.parse("evil.example/x"))))
                .isEqualTo(EngineException.Category.INVALID_ARGUMENT);
        assertThat(where(c.pullEndpoints(ImageReference.parse("evil.example/ok/x"), false)))
                .containsExactly("evil.example/ok/x");
    }

    @Test
    void credentialsComeFromTheAuthFiles() throws Exception {
        Path auth = tmp.resolve(".config/containers/auth.json");
        Files.createDirectories(auth.getParent());
        Files.writeString(auth, "{\"auths\":{\"quay.io\":{\"auth\":\"dTpw\"}}}");
        HostRegistryConfig c = config("");
        assertThat(c.credentials("quay.io")).isEqualTo(Credentials.basic("u", "p"));
        assertThat(c.credentials("docker.io")).isEqualTo(Credentials.NONE);
    }
}
