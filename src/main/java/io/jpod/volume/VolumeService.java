package io.jpod.volume;

import io.jpod.lock.LockOrder;
import io.jpod.events.EventBus;
import io.jpod.common.Ids;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.state.State;
import io.jpod.state.VolumeConfig;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Named volumes with the {@code local} driver: a directory {@code <volume_path>/<name>/_data}
 * and a record in the state. Knows nothing of containers; who uses a volume is the caller's
 * question ({@link io.jpod.container.VolumeUse}).
 */
public final class VolumeService {

    /** Docker's and podman's rule: no separators, no leading dot, so no path can escape. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final Supplier<State> state;
    private final Path root;
    private final LockOrder.OrderedLock lock = LockOrder.ordered(LockOrder.Level.VOLUMES);
    private final EventBus events;

    public VolumeService(Supplier<State> state, Path volumePath, EventBus events) {
        this.state = state;
        this.root = volumePath;
        this.events = events;
    }

    public static void validateName(String name) {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw EngineException.invalidArgument("invalid volume name \"" + name + "\": names must match "
                    + NAME.pattern() + " (no slashes, no leading dot or dash)");
        }
    }

    /**
     * Creates a volume; an empty name gets a random 64-hex one. Options of the local driver:
     * {@code uid} and {@code gid} (owner of the mount point).
     */
    public VolumeConfig create(String name, String driver, Map<String, String> labels, Map<String, String> options,
            boolean anonymous) {
        String n = name == null || name.isEmpty() ? Ids.random() : name;
        validateName(n);
        if (driver != null && !driver.isEmpty() && !driver.equals("local")) {
            throw EngineException.invalidArgument("volume driver \"" + driver + "\" is not supported: only local");
        }
        Map<String, String> opts = new LinkedHashMap<>(options == null ? Map.of() : options);
        int uid = owner(opts, "uid");
        int gid = owner(opts, "gid");
        Path dir = root.resolve(n);
        Path data = dir.resolve("_data");
        VolumeConfig v = new VolumeConfig(n, "local", data.toString(), labels, opts, Instant.now(), anonymous, uid,
                gid);
        try (LockOrder.Held held = lock.hold()) {
            try {
                state.get().volume(n);
                throw EngineException.alreadyExists("volume with name " + n + " already exists: volume already "
                        + "exists");
            } catch (NoSuchObjectException free) {
                // the name is free
            }
            makeDirectories(n, dir, data, uid, gid);
            try {
                state.get().addVolume(v);
            } catch (RuntimeException e) {
                Trees.delete(dir);
                throw e;
            }
        }
        events.publish("volume", "create", n, n, EventBus.attributes("driver", "local"));
        return v;
    }

    public VolumeConfig inspect(String name) {
        return state.get().volume(name);
    }

    public boolean exists(String name) {
        try {
            state.get().volume(name);
            return true;
        } catch (NoSuchObjectException e) {
            return false;
        }
    }

    public List<VolumeConfig> list() {
        return state.get().allVolumes();
    }

    /** Forgets the volume and deletes its data. Whether a container still uses it is checked before. */
    public void delete(String name) {
        try (LockOrder.Held held = lock.hold()) {
            state.get().removeVolume(name);
            Trees.delete(root.resolve(name));
        }
        events.publish("volume", "remove", name, name, EventBus.attributes("driver", "local"));
    }

    /** Where the volume's content lives on the host. */
    public Path dataDir(VolumeConfig v) {
        return Path.of(v.mountPoint());
    }

    /** A marker beside the data: the image's content was copied in once, never again. */
    public Path copyUpMarker(VolumeConfig v) {
        return root.resolve(v.name()).resolve("copied-up");
    }

    /** The uid or gid option (-1 when not given); any option but these two is refused. */
    private static int owner(Map<String, String> opts, String which) {
        int value = -1;
        for (var e : opts.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (!key.equals("uid") && !key.equals("gid")) {
                throw EngineException.invalidArgument("volume option \"" + e.getKey()
                        + "\" is not supported yet: the local driver takes uid and gid");
            }
            if (key.equals(which)) {
                value = number(e.getKey(), e.getValue());
            }
        }
        return value;
    }

    /** The volume's directory (0700) and its data directory (0755, owned as asked); nothing is left if it fails. */
    private void makeDirectories(String name, Path dir, Path data, int uid, int gid) {
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
            PosixFiles.setMode(dir, 0700);
            Files.createDirectory(data);
            PosixFiles.setMode(data, 0755);
            if (uid >= 0 || gid >= 0) {
                PosixFiles.setOwner(data, Math.max(uid, 0), Math.max(gid, 0));
            }
        } catch (IOException e) {
            Trees.delete(dir);
            throw EngineException.internal("creating the directory of volume " + name + ": " + e.getMessage(), e);
        }
    }

    private static int number(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("volume option " + key + " must be a non-negative number, got \""
                    + value + "\"");
        }
    }
}
