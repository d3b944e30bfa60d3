package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.host.ProcessRunner;
import io.jpod.oci.SpecOptions;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.storage.PosixFiles;
import io.jpod.volume.VolumeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A container's mounts: checked and resolved at create (named volumes made when missing, anonymous
 * ones for the image's {@code VOLUME}s), turned into OCI mounts at init (an empty volume gets the
 * image's files once), and anonymous volumes removed with the container when asked.
 */
final class MountPlanner {

    private static final Log LOG = LogFactory.getLog(MountPlanner.class);

    private final VolumeService volumes;

    MountPlanner(VolumeService volumes) {
        this.volumes = volumes;
    }

    /** Mounts with their volumes resolved, and the volumes made for them (undone if the create fails). */
    record PreparedMounts(List<Mount> mounts, List<String> createdVolumes) {}

    /**
     * Checks every requested mount first, then resolves the volumes: named ones are created when
     * missing, an empty name and every image {@code VOLUME} not covered by a mount get an anonymous
     * one. Nothing is left behind when a check or a creation fails.
     */
    PreparedMounts prepareMounts(List<Mount> requested, List<String> imageVolumes) {
        List<Mount> checked = new ArrayList<>();
        java.util.Set<String> destinations = new java.util.HashSet<>();
        for (Mount m : requested) {
            Mount c = check(m);
            if (!destinations.add(c.destination())) {
                throw EngineException.invalidArgument("duplicate mount destination " + c.destination());
            }
            checked.add(c);
        }
        for (String path : imageVolumes) {
            String dest = normalizeDestination(path);
            if (destinations.add(dest)) {
                checked.add(new Mount("volume", "", dest, List.of()));
            }
        }
        List<Mount> out = new ArrayList<>();
        List<String> created = new ArrayList<>();
        try {
            for (Mount m : checked) {
                out.add(m.type().equals("volume") ? resolveVolume(m, created) : m);
            }
        } catch (RuntimeException e) {
            deleteVolumes(created);
            throw e;
        }
        return new PreparedMounts(out, created);
    }

    /** One requested mount, checked, with its destination and bind source normalised. */
    private static Mount check(Mount m) {
        String dest = normalizeDestination(m.destination());
        for (String o : m.options()) {
            if (!MOUNT_OPTION.matcher(o).matches()) {
                throw EngineException.invalidArgument("invalid mount option \"" + o + "\" for " + dest);
            }
        }
        switch (m.type()) {
            case "bind" -> {
                Path src = Path.of(m.source());
                if (!src.isAbsolute()) {
                    throw EngineException.invalidArgument("bind mount source must be an absolute path: \""
                            + m.source() + "\"");
                }
                if (!Files.exists(src)) {
                    throw EngineException.invalidArgument("bind mount source path does not exist: " + m.source());
                }
                return new Mount("bind", src.normalize().toString(), dest, m.options());
            }
            case "volume" -> {
                if (!m.source().isEmpty()) {
                    VolumeService.validateName(m.source());
                }
                return new Mount("volume", m.source(), dest, m.options());
            }
            case "tmpfs" -> {
                return new Mount("tmpfs", "tmpfs", dest, m.options());
            }
            default -> throw EngineException.invalidArgument("mount type \"" + m.type()
                    + "\" is not supported: use bind, volume or tmpfs");
        }
    }

    /** A volume mount with its volume: an anonymous one made for an empty name, a named one made when missing. */
    private Mount resolveVolume(Mount m, List<String> created) {
        String name = m.source();
        if (name.isEmpty()) {
            name = volumes.create(null, "local", Map.of(), Map.of(), true).name();
            created.add(name);
        } else if (!volumes.exists(name)) {
            try {
                volumes.create(name, "local", Map.of(), Map.of(), false);
                created.add(name);
            } catch (EngineException e) {
                if (e.category() != EngineException.Category.ALREADY_EXISTS) {
                    throw e; // else made meanwhile by another create: used as it is
                }
            }
        }
        return new Mount("volume", name, m.destination(), m.options());
    }

    void deleteVolumes(List<String> names) {
        for (String n : names) {
            try {
                volumes.delete(n);
            } catch (RuntimeException e) {
                LOG.debug("volume " + n + ": " + e.getMessage());
            }
        }
    }

    private static final java.util.regex.Pattern MOUNT_OPTION = java.util.regex.Pattern.compile(
            "ro|rw|z|Z|U|r?shared|r?slave|r?private|r?bind|nosuid|suid|nodev|dev|noexec|exec|nocopy|copy"
                    + "|tmpcopyup|notmpcopyup|relatime|norelatime|strictatime|(size|mode|uid|gid)=[0-9a-zA-Z]+");

    private static String normalizeDestination(String dest) {
        if (dest == null || !dest.startsWith("/")) {
            throw EngineException.invalidArgument("mount destination must be an absolute path: \"" + dest + "\"");
        }
        String d = Path.of(dest).normalize().toString();
        if (d.equals("/")) {
            throw EngineException.invalidArgument("a mount cannot replace the root filesystem \"/\"");
        }
        return d;
    }

    void removeAnonymousVolumes(List<Mount> mounts) {
        for (Mount m : mounts) {
            if (m.type().equals("volume")) {
                try {
                    if (volumes.inspect(m.source()).anonymous()) {
                        volumes.delete(m.source());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("anonymous volume " + m.source() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Where a mount's content lives on the host: the bind source, or the volume's data directory. */
    String hostSource(Mount m) {
        if (!m.type().equals("volume")) {
            return m.source();
        }
        try {
            return volumes.inspect(m.source()).mountPoint();
        } catch (NoSuchObjectException gone) {
            return "";
        }
    }

    /** The OCI mounts of a container's mounts; empty volumes get the image's content there once. */
    List<SpecOptions.Mount> specMounts(List<Mount> mounts, Path rootfs) {
        List<SpecOptions.Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            List<String> opts = new ArrayList<>();
            boolean ro = m.options().contains("ro");
            switch (m.type()) {
                case "tmpfs" -> {
                    opts.addAll(List.of(ro ? "ro" : "rw", "nosuid", "nodev"));
                    m.options().stream().filter(o -> o.startsWith("size=") || o.startsWith("mode=")
                            || o.equals("noexec")).forEach(opts::add);
                    out.add(new SpecOptions.Mount(m.destination(), "tmpfs", "tmpfs", opts));
                }
                case "bind", "volume" -> {
                    String source = m.source();
                    if (m.type().equals("volume")) {
                        var v = volumes.inspect(m.source());
                        source = v.mountPoint();
                        if (!m.options().contains("nocopy")) {
                            copyUp(v, rootfs.resolve(m.destination().substring(1)));
                        }
                    }
                    opts.add("rbind");
                    opts.add(ro ? "ro" : "rw");
                    String propagation = m.options().stream().filter(o -> o.matches("r?(shared|slave|private)"))
                            .findFirst().orElse("rprivate");
                    opts.add(propagation);
                    m.options().stream().filter(o -> o.matches("no(suid|dev|exec)")).forEach(opts::add);
                    out.add(new SpecOptions.Mount(m.destination(), "bind", source, opts));
                }
                default -> throw EngineException.internal("unknown stored mount type " + m.type(), null);
            }
        }
        return out;
    }

    /** Copies the image's files at the mount point into a volume's first use, as podman and Docker do. */
    private void copyUp(io.jpod.state.VolumeConfig v, Path imageDir) {
        Path marker = volumes.copyUpMarker(v);
        Path data = volumes.dataDir(v);
        try {
            if (Files.exists(marker)) {
                return;
            }
            boolean empty;
            try (var entries = Files.list(data)) {
                empty = entries.findAny().isEmpty();
            }
            if (empty && Files.isDirectory(imageDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                ProcessRunner.Result r = ProcessRunner.run(List.of("cp", "-a", imageDir + "/.", data.toString()),
                        Duration.ofMinutes(10));
                if (!r.ok()) {
                    throw EngineException.internal("copying " + imageDir + " into volume " + v.name() + ": "
                            + r.stderr().strip(), null);
                }
                var nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
                // the volume's root takes the mode and owner of the image's directory
                PosixFiles.setMode(data, (int) Files.getAttribute(imageDir, "unix:mode", nofollow));
                PosixFiles.setOwner(data, (int) Files.getAttribute(imageDir, "unix:uid", nofollow),
                        (int) Files.getAttribute(imageDir, "unix:gid", nofollow));
            }
            Files.createFile(marker);
        } catch (IOException e) {
            throw EngineException.internal("preparing volume " + v.name() + ": " + e.getMessage(), e);
        }
    }
}
