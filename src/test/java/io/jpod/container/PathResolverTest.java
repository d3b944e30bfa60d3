package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.container.PathResolver.MountSource;
import io.jpod.error.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container paths never resolve to host paths outside the root and the mounts, whatever the links say. */
class PathResolverTest {

    @TempDir
    Path tmp;

    Path root;
    Path volume;
    PathResolver resolver;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        volume = Files.createDirectories(tmp.resolve("volume"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("data"));
        Files.createSymbolicLink(root.resolve("etclink"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../../../etc"));
        Files.createSymbolicLink(root.resolve("etc/rel"), Path.of("../data/x"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        Files.createSymbolicLink(volume.resolve("out"), Path.of("/etc/passwd"));
        resolver = new PathResolver(root, List.of(new MountSource("/data", volume, false)));
    }

    @Test
    void absoluteLinksAreRerootedInTheContainer() {
        PathResolver.Resolved r = resolver.resolve("/etclink/passwd", false);
        assertThat(r.path()).isEqualTo("/etc/passwd");
        assertThat(r.host()).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void dotDotStopsAtTheRoot() {
        assertThat(resolver.resolve("/../../../../etc/shadow", false).host()).isEqualTo(root.resolve("etc/shadow"));
        assertThat(resolver.resolve("/up/shadow", false).host()).isEqualTo(root.resolve("etc/shadow"));
        assertThat(resolver.resolve("up", true).path()).isEqualTo("/etc");
    }

    @Test
    void aFinalLinkIsFollowedOnlyWhenAsked() {
        assertThat(resolver.resolve("/etclink", false).host()).isEqualTo(root.resolve("etclink"));
        assertThat(resolver.resolve("/etclink", true).host()).isEqualTo(root.resolve("etc"));
    }

    @Test
    void mountsGoToTheirSourcesAndTheirLinksStayInTheContainer() {
        assertThat(resolver.resolve("/data/file", false).host()).isEqualTo(volume.resolve("file"));
        assertThat(resolver.resolve("/data", false).mountRoot()).isTrue();
        // a relative link in the root into the volume, an absolute link in the volume back into the root
        assertThat(resolver.resolve("/etc/rel", true).host()).isEqualTo(volume.resolve("x"));
        assertThat(resolver.resolve("/data/out", true).host()).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void linkLoopsAreRefused() {
        assertThatThrownBy(() -> resolver.resolve("/loop/x", false)).isInstanceOf(EngineException.class)
                .hasMessageContaining("too many levels of symbolic links");
    }
}
