package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import io.jpod.image.FileImageStore;
import io.jpod.image.Image;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * registries.conf as a pull sees it, against real registries on loopback (no daemon: the service
 * over a store): mirrors before the registry, a mirror without the image or gone falls through,
 * digest-only mirrors, aliases and search registries for short names, blocked registries.
 */
class RegistryMirrorsIT {

    static LocalRegistry upstream;
    static LocalRegistry mirror;
    static RegistrySeed.Pushed onlyUpstream;
    static RegistrySeed.Pushed inBoth;

    @TempDir
    Path tmp;

    @BeforeAll
    static void registries() throws Exception {
        upstream = LocalRegistry.plain();
        mirror = LocalRegistry.plain();
        onlyUpstream = RegistrySeed.pushBusybox(upstream, "team/only-upstream:1", RegistrySeed.Format.V2S2);
        inBoth = RegistrySeed.pushBusybox(upstream, "team/both:1", RegistrySeed.Format.V2S2);
        RegistrySeed.pushBusybox(mirror, "team/both:1", RegistrySeed.Format.OCI);
    }

    @AfterAll
    static void close() {
        mirror.close();
        upstream.close();
    }

    RegistryService service(String conf) throws Exception {
        Path file = Files.writeString(tmp.resolve("registries.conf"), conf);
        JsonMapper json = JsonMapper.builder().build();
        return new RegistryService(new FileImageStore(tmp.resolve("store"), json),
                new HostRegistryConfig(file, List.of(), Map.of("HOME", tmp.toString())), json, new EventBus(10),
                OperationObserver.NONE, TransferObserver.NONE, Duration.ofSeconds(5));
    }

    String mirrored(String extra) {
        return "[[registry]]\nlocation = \"" + upstream.host() + "\"\ninsecure = true\n" + extra
                + "[[registry.mirror]]\nlocation = \"" + mirror.host() + "\"\ninsecure = true\n";
    }

    @Test
    void theMirrorServesFirstAndTheRegistryWhatTheMirrorLacks() throws Exception {
        RegistryService s = service(mirrored(""));
        Image both = s.pull(upstream.host() + "/team/both:1", Platform.host(), Credentials.NONE, ProgressListener.NONE);
        // the mirror holds the OCI push, the registry the Docker one: the digest says which answered
        assertThat(both.digests()).singleElement().asString().doesNotEndWith(inBoth.digest());
        Image only = s.pull(upstream.host() + "/team/only-upstream:1", Platform.host(), Credentials.NONE,
                ProgressListener.NONE);
        // the same image (one config) now known under both repositories
        assertThat(only.id()).isEqualTo(both.id());
        assertThat(only.digests()).contains(upstream.host() + "/team/only-upstream@" + onlyUpstream.digest());
    }

    @Test
    void aDigestOnlyMirrorIsSkippedForTags() throws Exception {
        RegistryService s = service(mirrored("mirror-by-digest-only = true\n"));
        Image both = s.pull(upstream.host() + "/team/both:1", Platform.host(), Credentials.NONE, ProgressListener.NONE);
        assertThat(both.digests()).containsExactly(upstream.host() + "/team/both@" + inBoth.digest());
    }

    @Test
    void aMirrorThatIsDownFallsThroughToTheRegistry() throws Exception {
        String conf = "[[registry]]\nlocation = \"" + upstream.host() + "\"\ninsecure = true\n"
                + "[[registry.mirror]]\nlocation = \"127.0.0.1:9\"\ninsecure = true\n";
        Image img = service(conf).pull(upstream.host() + "/team/both:1", Platform.host(), Credentials.NONE,
                ProgressListener.NONE);
        assertThat(img.digests()).containsExactly(upstream.host() + "/team/both@" + inBoth.digest());
    }

    @Test
    void shortNamesResolveThroughAliasesAndSearchRegistries() throws Exception {
        RegistryService s = service("unqualified-search-registries = [\"" + mirror.host() + "\", \"" + upstream.host()
                + "\"]\n[aliases]\n\"fav\" = \"" + upstream.host() + "/team/only-upstream\"\n"
                + "[[registry]]\nlocation = \"" + upstream.host() + "\"\ninsecure = true\n"
                + "[[registry]]\nlocation = \"" + mirror.host() + "\"\ninsecure = true\n");
        // not in the first search registry, found in the second
        assertThat(s.pull("team/only-upstream:1", Platform.host(), Credentials.NONE, ProgressListener.NONE).names())
                .containsExactly(upstream.host() + "/team/only-upstream:1");
        assertThat(s.pull("fav:1", Platform.host(), Credentials.NONE, ProgressListener.NONE).names())
                .contains(upstream.host() + "/team/only-upstream:1");
        assertThatThrownBy(() -> s.pull("team/nowhere:1", Platform.host(), Credentials.NONE, ProgressListener.NONE))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.NOT_FOUND));
    }

    @Test
    void blockedRegistriesAndLocalNamesAreRefused() throws Exception {
        RegistryService s = service("[[registry]]\nlocation = \"" + upstream.host() + "\"\nblocked = true\n");
        assertThatThrownBy(() -> s.pull(upstream.host() + "/team/both:1", Platform.host(), Credentials.NONE,
                ProgressListener.NONE)).hasMessageContaining("blocked");
        assertThatThrownBy(() -> s.pull("localhost/app:1", Platform.host(), Credentials.NONE, ProgressListener.NONE))
                .hasMessageContaining("localhost");
    }
}
