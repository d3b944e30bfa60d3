package io.jpod.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making a socket path ready: stale sockets go, anything else stays and is named. */
class SocketFilesTest {

    @TempDir
    Path dir;

    @Test
    void aStaleSocketIsRemovedAndAMissingDirectoryMade() throws Exception {
        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(stale));
        s.close(); // the file stays, as after a crash
        assertThat(stale).exists();
        SocketFiles.prepare(stale);
        assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS)).isFalse();

        Path nested = dir.resolve("run/jpod/jpod.sock");
        SocketFiles.prepare(nested);
        assertThat(nested.getParent()).isDirectory();
    }

    @Test
    void aLiveSocketASymlinkAndAFileAreRefused() throws Exception {
        Path live = dir.resolve("live.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(live));
            assertThatThrownBy(() -> SocketFiles.prepare(live)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(live.toString()).hasMessageContaining("another daemon");
        }
        Path target = Files.writeString(dir.resolve("precious"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), target);
        assertThatThrownBy(() -> SocketFiles.prepare(link)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> SocketFiles.prepare(target)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(target.toString()).hasMessageContaining("not a socket");
        assertThat(Files.readString(target)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void theHostHeaderLosesItsPort() {
        assertThat(AccessFilter.hostOf("Evil.Example:8181")).isEqualTo("evil.example");
        assertThat(AccessFilter.hostOf("[::1]:8181")).isEqualTo("::1");
        assertThat(AccessFilter.hostOf("localhost")).isEqualTo("localhost");
        assertThat(AccessFilter.hostOf(null)).isNull();
    }

    @Test
    void aTokenFileIsMadeOnceAndKeptPrivate() throws Exception {
        Path file = dir.resolve("etc/access-token");
        AccessToken first = AccessToken.load(file);
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        assertThat(AccessToken.load(file).value()).isEqualTo(first.value()).hasSize(64);
        assertThat(first.matches(first.value())).isTrue();
        assertThat(first.matches("x" + first.value())).isFalse();
        assertThat(first.toString()).doesNotContain(first.value());
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AccessToken.load(file)).hasMessageContaining("readable by others");
    }

    @Test
    void onlyWhatIsConfiguredListens() {
        ListenerSettings none = new ListenerSettings("", "jpod", false, "/var/run/docker.sock", false,
                "/run/podman/podman.sock", false, false, null, null, null, "/etc/jpod/access-token", List.of());
        assertThatThrownBy(() -> none.check("127.0.0.1")).hasMessageContaining("no listener");
        ListenerSettings all = new ListenerSettings("/run/jpod/jpod.sock", "jpod", true, "/var/run/docker.sock", true,
                "/run/podman/podman.sock", true, false, null, null, null, "/etc/jpod/access-token", List.of());
        assertThat(all.sockets()).map(Path::toString)
                .containsExactly("/run/jpod/jpod.sock", "/var/run/docker.sock", "/run/podman/podman.sock");
        all.check("127.0.0.1");
        assertThatThrownBy(() -> all.check(null)).hasMessageContaining("all addresses");
    }
}
