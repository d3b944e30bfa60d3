package io.jpod.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who the daemon runs as and the environment it sees. Everything that depends on the user (rootless
 * paths, per-user config) reads it from here, so tests can act as another user without being one.
 *
 * @param euid effective user id
 * @param home the user's home directory
 * @param env process environment (possibly with overrides)
 */
public record HostIdentity(int euid, Path home, Map<String, String> env) {

    public HostIdentity {
        env = Map.copyOf(env);
    }

    /** libpod's definition: not root, or already inside a user namespace podman configured. */
    public boolean rootless() {
        return euid != 0 || !env.getOrDefault("_LIBPOD_USERNS_CONFIGURED", "").isEmpty();
    }

    public Optional<String> getenv(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public HostIdentity withEnv(String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return new HostIdentity(euid, home, copy);
    }

    /** The real process identity. */
    public static HostIdentity current() {
        return new HostIdentity(readEuid(), Path.of(System.getProperty("user.home")), System.getenv());
    }

    // /proc/self/status "Uid:" lists real, effective, saved and filesystem uid.
    static int readEuid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: treat as root only if the user name says so
        }
        return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
    }

    /**
     * The rootless per-user runtime directory, as libpod picks it: {@code $XDG_RUNTIME_DIR}, else
     * {@code /run/user/<uid>} or {@code $TMPDIR/user/<uid>} when they exist and belong to the user,
     * else {@code <home>/rundir}.
     */
    public Path rootlessRuntimeDir() {
        Optional<String> xdg = getenv("XDG_RUNTIME_DIR");
        if (xdg.isPresent()) {
            return Path.of(xdg.get());
        }
        for (Path candidate : new Path[] {
            Path.of("/run/user", Integer.toString(euid)),
            Path.of(getenv("TMPDIR").orElse("/tmp"), "user", Integer.toString(euid))
        }) {
            if (ownedByUser(candidate)) {
                return candidate;
            }
        }
        return home.resolve("rundir");
    }

    private boolean ownedByUser(Path dir) {
        try {
            return Files.isDirectory(dir) && ((Integer) Files.getAttribute(dir, "unix:uid")) == euid;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@code $XDG_DATA_HOME} or {@code <home>/.local/share}. */
    public Path dataHome() {
        return getenv("XDG_DATA_HOME").map(Path::of).orElse(home.resolve(".local/share"));
    }

    /** {@code $XDG_CONFIG_HOME} or {@code <home>/.config}. */
    public Path configHome() {
        return getenv("XDG_CONFIG_HOME").map(Path::of).orElse(home.resolve(".config"));
    }
}
