package io.jpod.container;

import io.jpod.container.PathResolver.MountSource;
import io.jpod.container.PathResolver.Resolved;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.lock.Locking;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.DiffTar;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.TreeChanges;
import io.jpod.storage.VfsRootfs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's files from the outside: {@code docker cp} both ways, {@code docker export} and
 * {@code docker diff}, for running and stopped containers alike. A stopped overlay container's root
 * is mounted for the operation (read-only to read) under the container's lock and unmounted after.
 * Every path goes through {@link PathResolver}: nothing outside the container's root and mounts is
 * ever read or written, whatever its symbolic links point to; paths in volumes and bind mounts go to
 * their sources, as in Docker.
 */
public final class ContainerFiles {

    /** Go's os.FileMode bits, which Docker's path stat carries. */
    private static final long GO_DIR = 1L << 31;
    private static final long GO_SYMLINK = 1L << 27;
    private static final long GO_DEVICE = 1L << 26;
    private static final long GO_PIPE = 1L << 25;
    private static final long GO_SOCKET = 1L << 24;
    private static final long GO_SETUID = 1L << 23;
    private static final long GO_SETGID = 1L << 22;
    private static final long GO_CHARDEV = 1L << 21;
    private static final long GO_STICKY = 1L << 20;

    private final State state;
    private final Locking locking;
    private final ContainerSync sync;
    private final ImageStore images;
    private final ContainerPaths paths;
    private final MountPlanner mounts;
    private final ContainerCommitter committer;
    private final String driver;
    private final ContainerEvents events;
    private final OciRuntime oci;

    ContainerFiles(State state, Locking locking, ContainerSync sync, ImageStore images, ContainerPaths paths,
            MountPlanner mounts, ContainerCommitter committer, String driver, ContainerEvents events, OciRuntime oci) {
        this.events = events;
        this.oci = oci;
        this.state = state;
        this.locking = locking;
        this.sync = sync;
        this.images = images;
        this.paths = paths;
        this.mounts = mounts;
        this.committer = committer;
        this.driver = driver;
    }

    /**
     * Docker's path stat: {@code mode} in Go's os.FileMode bits, {@code linkTarget} the link's resolved
     * path (empty when the path is no link); {@code resolved} the path with every link followed, which
     * podman's stat gives as its link target whatever the path is.
     */
    public record PathStat(String name, long size, long mode, Instant mtime, String linkTarget, String resolved) {
        public boolean isDir() {
            return (mode & GO_DIR) != 0;
        }
    }

    /** A change of {@code docker diff}: {@code kind} 0 modified, 1 added, 2 deleted. */
    public record Change(String path, int kind) {}

    /** Where an archive goes once its path is known to exist: the caller sends the stat, then the bytes. */
    public interface ArchiveSink {
        OutputStream open(PathStat stat) throws IOException;
    }

    /** How a tar is put into a container ({@code docker cp} in, {@code podman cp} in). */
    public record ExtractOptions(boolean noOverwriteDirNonDir, boolean copyUidGid, Map<String, String> rename) {
        public ExtractOptions {
            rename = rename == null ? Map.of() : Map.copyOf(rename);
        }
    }

    // ---- docker cp out ---------------------------------------------------------------------

    /** The stat of a path in the container (a final symbolic link is not followed). */
    public PathStat stat(String nameOrId, String path) {
        return withRoot(nameOrId, false, false, (c, r) -> stat(c, r, path, r.resolve(clean(path), followsLast(path))));
    }

    /** Writes the path as a tar (a directory with itself as the top entry) to the sink, after the stat. */
    public void archive(String nameOrId, String path, ArchiveSink sink) {
        withRoot(nameOrId, false, true, (c, r) -> {
            Resolved at = r.resolve(clean(path), followsLast(path));
            PathStat stat = stat(c, r, path, at);
            if (!stat.isDir() && (path.endsWith("/") || path.endsWith("/."))) {
                throw EngineException.invalidArgument("not a directory: " + path);
            }
            // a directory's volumes and binds come with it, their content over their mount points, as in Docker
            List<Map.Entry<Path, String>> trees = new ArrayList<>();
            trees.add(Map.entry(at.host(), stat.name()));
            if (stat.isDir()) {
                for (MountSource m : r.mountsBelow(at.path())) {
                    if (Files.exists(m.source(), LinkOption.NOFOLLOW_LINKS)) {
                        String below = m.destination().substring(at.path().equals("/") ? 1 : at.path().length() + 1);
                        trees.add(Map.entry(m.source(), stat.name() + "/" + below));
                    }
                }
            }
            try {
                DiffTar.writeTrees(trees, sink.open(stat));
            } catch (IOException e) {
                throw EngineException.internal("archiving " + path + " of " + c.name() + ": " + e.getMessage(), e);
            }
            events.publish("archive-path", c); // as Docker names a copy out
            return null;
        });
    }

    /** As Docker: a trailing slash (or {@code /.}) asks for the directory a final link leads to. */
    private static boolean followsLast(String path) {
        return path.endsWith("/") || path.endsWith("/.");
    }

    private PathStat stat(StoredContainer c, PathResolver r, String path, Resolved at) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(at.host(), "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw EngineException.notFound("Could not find the file " + path + " in container " + c.name());
        }
        int mode = (Integer) a.get("mode");
        String resolved = r.resolve(at.path(), true).path();
        String link = (mode & 0170000) == 0120000 ? resolved : "";
        List<String> parts = PathResolver.split(path);
        String name = path.endsWith("/.") || path.equals(".") ? "." : parts.isEmpty() ? "/" : parts.get(parts.size() - 1);
        if (name.equals("..")) {
            name = at.base();
        }
        return new PathStat(name, (Long) a.get("size"), goMode(mode),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), link, resolved);
    }

    static long goMode(int mode) {
        long m = mode & 0777;
        switch (mode & 0170000) {
            case 0040000 -> m |= GO_DIR;
            case 0120000 -> m |= GO_SYMLINK;
            case 0010000 -> m |= GO_PIPE;
            case 0140000 -> m |= GO_SOCKET;
            case 0020000 -> m |= GO_DEVICE | GO_CHARDEV;
            case 0060000 -> m |= GO_DEVICE;
            default -> { }
        }
        if ((mode & 04000) != 0) {
            m |= GO_SETUID;
        }
        if ((mode & 02000) != 0) {
            m |= GO_SETGID;
        }
        if ((mode & 01000) != 0) {
            m |= GO_STICKY;
        }
        return m;
    }

    // ---- docker cp in ----------------------------------------------------------------------

    /**
     * Unpacks a tar (plain or gzip) into the directory {@code path} (a final link is followed), which
     * must exist. Each entry is resolved in the container's scope as any other path.
     */
    public void extract(String nameOrId, String path, InputStream tar, ExtractOptions opts) {
        withRoot(nameOrId, true, true, (c, r) -> {
            Resolved dir = r.resolve(clean(path), true);
            if (!Files.exists(dir.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw EngineException.notFound("Could not find the file " + path + " in container " + c.name());
            }
            if (!Files.isDirectory(dir.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw EngineException.invalidArgument("extraction point is not a directory: " + path);
            }
            if (dir.readOnly()) {
                throw EngineException.invalidArgument(TarExtraction.readOnlyMessage(dir));
            }
            Users.Resolved owner = opts.copyUidGid() ? Users.resolve(r.resolve("/", false).host(),
                    c.config().run() == null ? "" : c.config().run().user()) : null;
            try {
                new TarExtraction(r, dir.path(), opts, owner).run(tar);
            } catch (IOException e) {
                throw EngineException.invalidArgument("extracting the archive into " + path + ": " + e.getMessage());
            }
            events.publish("extract-to-dir", c); // as Docker names a copy in
            return null;
        });
    }

    // ---- docker export, docker diff --------------------------------------------------------

    /** The whole root filesystem as a tar; volumes and bind mounts are not in it, as in Docker. */
    public void export(String nameOrId, OutputStream out) {
        withRoot(nameOrId, false, false, (c, r) -> {
            Path root = r.resolve("/", false).host();
            try {
                DiffTar.write(root, out, name -> name.equals(".jpod-vfs-ready"));
            } catch (IOException e) {
                throw EngineException.internal("exporting " + c.name() + ": " + e.getMessage(), e);
            }
            events.publish("export", c);
            return null;
        });
    }

    /** What the container changed in its image's files, less the runtime's mount points; sorted by path. */
    public List<Change> changes(String nameOrId) {
        StoredContainer c = state.lookupContainer(nameOrId);
        return locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            ContainerPaths.Layout l = paths.layout(cur.id());
            List<Path> layers = images.layerDirs(images.lookup(cur.config().rootfsImageId()));
            Set<String> skip = committer.mountPoints(cur);
            skip.add(".jpod-vfs-ready");
            try {
                List<TreeChanges.Change> found = "vfs".equals(driver)
                        ? (Files.isDirectory(l.merged()) ? TreeChanges.compare(l.merged(), layers, skip::contains)
                                : List.of())
                        : TreeChanges.ofUpper(l.diff(), layers, skip::contains);
                return found.stream().map(ch -> new Change("/" + ch.path(), ch.kind().ordinal())).toList();
            } catch (IOException e) {
                throw EngineException.internal("reading the changes of " + cur.name() + ": " + e.getMessage(), e);
            }
        });
    }

    // ---- the root --------------------------------------------------------------------------

    /** An operation on a container's files. */
    private interface RootBody<T> {
        T apply(StoredContainer c, PathResolver root);
    }

    /**
     * Runs {@code body} under the container's lock with its root available: the mounted root of a
     * running (or created) container, else the overlay mounted here for the call. With {@code freeze},
     * a running container is paused meanwhile (as podman's cp does), so that none of its processes can
     * swap a checked directory for a link to the host's files while a copy goes through it.
     */
    private <T> T withRoot(String nameOrId, boolean write, boolean freeze, RootBody<T> body) {
        StoredContainer c = state.lookupContainer(nameOrId);
        return locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            boolean frozen = freeze && cur.state().status() == ContainerStatus.RUNNING;
            if (frozen) {
                oci.pause(cur.id());
            }
            try {
                return withMountedRoot(cur, write, body);
            } finally {
                if (frozen) {
                    oci.resume(cur.id());
                }
            }
        });
    }

    private <T> T withMountedRoot(StoredContainer cur, boolean write, RootBody<T> body) {
        ContainerPaths.Layout l = paths.layout(cur.id());
        boolean mountHere = false;
        if ("vfs".equals(driver)) {
            VfsRootfs.populate(l.merged(), images.layerDirs(images.lookup(cur.config().rootfsImageId())));
        } else if (!isMountPoint(l.merged())) {
            mountOverlay(l, images.lookup(cur.config().rootfsImageId()), !write);
            mountHere = true;
        }
        try {
            var run = cur.config().run();
            boolean readOnly = run != null && run.security() != null && run.security().readOnly();
            return body.apply(cur, new PathResolver(l.merged(), readOnly, mountSources(cur, l)));
        } finally {
            if (mountHere) {
                PosixFiles.unmount(l.merged());
            }
        }
    }

    private void mountOverlay(ContainerPaths.Layout l, Image image, boolean readOnly) {
        try {
            Files.createDirectories(l.diff());
            Files.createDirectories(l.work());
            Files.createDirectories(l.merged());
        } catch (IOException e) {
            throw EngineException.internal("creating rootfs directories: " + e.getMessage(), e);
        }
        List<Path> layers = images.layerDirs(image);
        List<String> lower = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            lower.add(layers.get(i).toString());
        }
        PosixFiles.mount("overlay", l.merged(), "overlay", readOnly ? PosixFiles.MS_RDONLY : 0,
                "lowerdir=" + String.join(":", lower) + ",upperdir=" + l.diff() + ",workdir=" + l.work());
    }

    private static boolean isMountPoint(Path dir) {
        try {
            String target = " " + dir.toAbsolutePath() + " ";
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(target)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw EngineException.internal("reading the mount table: " + e.getMessage(), e);
        }
    }

    /** Volumes and binds by their sources; the /etc files the runtime writes for each run. */
    private List<MountSource> mountSources(StoredContainer c, ContainerPaths.Layout l) {
        List<MountSource> out = new ArrayList<>();
        for (String etc : List.of("hosts", "hostname", "resolv.conf")) {
            Path file = l.userdata().resolve(etc);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new MountSource("/etc/" + etc, file, false));
            }
        }
        if (c.config().run() != null) {
            for (Mount m : c.config().run().mounts()) {
                if (m.type().equals("bind") || m.type().equals("volume")) {
                    String source = mounts.hostSource(m);
                    if (!source.isEmpty()) {
                        String dest = "/" + String.join("/", PathResolver.split(m.destination()));
                        out.removeIf(o -> o.destination().equals(dest));
                        out.add(new MountSource(dest, Path.of(source), m.readOnly()));
                    }
                }
            }
        }
        return out;
    }

    /** A requested path as absolute in the container. */
    private static String clean(String path) {
        if (path == null || path.isEmpty()) {
            throw EngineException.invalidArgument("a path in the container is required");
        }
        return path.startsWith("/") ? path : "/" + path;
    }
}
