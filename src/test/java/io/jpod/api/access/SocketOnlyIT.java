package io.jpod.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TestDaemon;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default set-up: no TCP at all, the server's one connector on the socket; a socket file left
 * by a crash at that path is replaced, and the socket goes away with the daemon.
 */
class SocketOnlyIT {

    @Test
    void theDefaultListensOnTheSocketAloneAndReplacesAStaleOne() throws Exception {
        Path root = Files.createTempDirectory("jpod-sockonly");
        try {
            Path socket = root.resolve("run/jpod.sock");
            Files.createDirectories(socket.getParent());
            ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            crashed.bind(UnixDomainSocketAddress.of(socket));
            crashed.close(); // its file stays behind, as after kill -9
            Map<String, Object> p = TestDaemon.isolated(root);
            p.put("jpod.api.socket", socket.toString());
            p.put("jpod.api.tcp", "false");
            try (TestDaemon d = TestDaemon.start(p)) {
                assertThat(d.port()).isEqualTo(-1);
                ProcessRunner.Result r = ProcessRunner.run(List.of("curl", "-sS", "--unix-socket", socket.toString(),
                        "http://d/libpod/_ping"), Duration.ofSeconds(30));
                assertThat(r.stdout()).as(r.stderr()).isEqualTo("OK");
                ProcessRunner.Result docker = ProcessRunner.run(List.of("docker", "-H", "unix://" + socket, "info",
                        "--format", "{{.OSType}}"), Map.of("DOCKER_CONFIG", root.resolve("docker").toString()),
                        Duration.ofSeconds(30));
                assertThat(docker.stdout().strip()).as(docker.stderr()).isEqualTo("linux");
            }
            assertThat(socket).doesNotExist();
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(root);
        }
    }
}
