package io.jpod.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * Testcontainers in this JVM. It reads {@code docker.host} once per JVM and keeps its client, so
 * every IT class that drives it runs its daemon on one shared socket path ({@link #SOCKET}); the
 * classes run one after another, so each finds its own daemon there.
 */
public final class TestcontainersClient {

    public static final Path SOCKET = Path.of("/tmp/jpod-it-testcontainers/jpod.sock");

    private static boolean configured;

    private TestcontainersClient() {}

    /**
     * The client keeps connections to the previous class's daemon, gone now (same socket path): each
     * request on one fails once and closes it, so ping until a request goes through.
     */
    private static void dropStaleConnections() {
        RuntimeException last = null;
        for (int i = 0; i < 20; i++) {
            try {
                DockerClientFactory.instance().client().pingCmd().exec();
                return;
            } catch (RuntimeException stale) {
                last = stale;
            }
        }
        throw last;
    }

    /** {@code properties} (e.g. {@link TestDaemon#isolated}) with the daemon's socket on the shared path. */
    public static Map<String, Object> onSharedSocket(Map<String, Object> properties) {
        try {
            Files.createDirectories(SOCKET.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.put("jpod.api.socket", SOCKET.toString());
        return properties;
    }

    /**
     * Points Testcontainers at {@link #SOCKET}, the first time only: its configuration comes from
     * {@code ~/.testcontainers.properties} under a home of the tests' own, so the real one stays out.
     * Call it with a daemon listening there.
     */
    public static synchronized void configure() {
        if (configured) {
            dropStaleConnections();
            return;
        }
        String savedHome = System.getProperty("user.home");
        try {
            Path home = Files.createDirectories(SOCKET.getParent().resolve("home"));
            Files.writeString(home.resolve(".testcontainers.properties"),
                    "docker.host=unix://" + SOCKET + "\nchecks.disable=true\n");
            System.setProperty("user.home", home.toString());
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException("Testcontainers found no daemon at " + SOCKET);
            }
            configured = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            System.setProperty("user.home", savedHome);
        }
    }
}
