package io.jpod.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a container changed in its image's files ({@code docker diff}), from the overlay's upper
 * directory or, for vfs, by comparing the container's copied root with the layers. Paths are
 * relative to the root, slash-separated; {@code skip} leaves out a path and everything below it
 * (the runtime's mount points). As Docker: a directory only counts as modified when its mode or
 * owner changed or something was added to or deleted from it, so a copied-up parent is no change.
 */
public final class TreeChanges {

    private TreeChanges() {}

    /** Docker's kinds, in its numbering: 0 modified, 1 added, 2 deleted. */
    public enum Kind {
        MODIFIED, ADDED, DELETED
    }

    public record Change(String path, Kind kind) {}

    /** The changes an overlay upper directory holds over {@code layers} (base first). */
    public static List<Change> ofUpper(Path upper, List<Path> layers, Predicate<String> skip) throws IOException {
        Lower lower = new Lower(layers);
        Map<String, Kind> out = new TreeMap<>();
        if (Files.isDirectory(upper)) {
            walkUpper(upper, "", lower, skip, out);
        }
        return finish(out);
    }

    private static void walkUpper(Path dir, String prefix, Lower lower, Predicate<String> skip, Map<String, Kind> out)
            throws IOException {
        for (Path child : list(dir)) {
            String rel = prefix + child.getFileName();
            if (skip.test(rel)) {
                continue;
            }
            if (VfsRootfs.isWhiteout(child)) {
                if (lower.find(rel) != null) {
                    out.put(rel, Kind.DELETED);
                }
                continue;
            }
            Path below = lower.find(rel);
            boolean isDir = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            if (below == null) {
                out.put(rel, Kind.ADDED);
            } else if (!isDir || !Files.isDirectory(below, LinkOption.NOFOLLOW_LINKS) || !sameOwnerAndMode(child, below)
                    || "y".equals(PosixFiles.getXattr(child, LayerExtractor.OPAQUE_XATTR))) {
                out.put(rel, Kind.MODIFIED);
            }
            if (isDir) {
                walkUpper(child, rel + "/", lower, skip, out);
            }
        }
    }

    /** The changes of a plain root (vfs) over {@code layers}: what differs, what is new, what is gone. */
    public static List<Change> compare(Path root, List<Path> layers, Predicate<String> skip) throws IOException {
        Lower lower = new Lower(layers);
        Map<String, Kind> out = new TreeMap<>();
        walkRoot(root, "", lower, skip, out);
        // deletions: what the layers show that the root no longer has (only the topmost of a gone tree)
        Set<String> seen = new TreeSet<>();
        for (Path layer : layers) {
            try (Stream<Path> walk = Files.walk(layer)) {
                walk.filter(p -> !p.equals(layer)).forEach(p -> seen.add(layer.relativize(p).toString()));
            }
        }
        Set<String> gone = new HashSet<>();
        for (String rel : seen) {
            if (skipped(rel, gone::contains) || skipped(rel, skip)) {
                continue;
            }
            if (!Files.exists(root.resolve(rel), LinkOption.NOFOLLOW_LINKS) && lower.find(rel) != null) {
                out.put(rel, Kind.DELETED);
                gone.add(rel);
            }
        }
        return finish(out);
    }

    private static void walkRoot(Path dir, String prefix, Lower lower, Predicate<String> skip, Map<String, Kind> out)
            throws IOException {
        for (Path child : list(dir)) {
            String rel = prefix + child.getFileName();
            if (skip.test(rel)) {
                continue;
            }
            Path below = lower.find(rel);
            if (below == null) {
                out.put(rel, Kind.ADDED);
            } else if (differs(child, below)) {
                out.put(rel, Kind.MODIFIED);
            }
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walkRoot(child, rel + "/", lower, skip, out);
            }
        }
    }

    private static boolean skipped(String rel, Predicate<String> skip) {
        for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
            if (skip.test(rel.substring(0, i))) {
                return true;
            }
        }
        return skip.test(rel);
    }

    /** Adds the parent of every addition and deletion as modified, as Docker does. */
    private static List<Change> finish(Map<String, Kind> found) {
        Map<String, Kind> all = new TreeMap<>(found);
        found.forEach((path, kind) -> {
            int slash = path.lastIndexOf('/');
            if (kind != Kind.MODIFIED && slash > 0) {
                all.putIfAbsent(path.substring(0, slash), Kind.MODIFIED);
            }
        });
        List<Change> out = new ArrayList<>();
        all.forEach((p, k) -> out.add(new Change(p, k)));
        return out;
    }

    /**
     * Lays the changes of a plain root out as an overlay upper directory would hold them, in the
     * empty directory {@code staging} on the same file system: files hard-linked, directories made
     * with the root's metadata, deletions as whiteouts. {@link DiffTar#write} turns it into a layer.
     */
    public static void stage(Path root, List<Change> changes, Path staging) throws IOException {
        Set<String> made = new HashSet<>();
        List<Runnable> times = new ArrayList<>();
        for (Change c : changes) {
            String parent = c.path().contains("/") ? c.path().substring(0, c.path().lastIndexOf('/')) : "";
            makeDirs(root, staging, parent, made, times);
            Path from = root.resolve(c.path());
            Path to = staging.resolve(c.path());
            if (c.kind() == Kind.DELETED) {
                PosixFiles.makeWhiteout(to);
            } else if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                makeDirs(root, staging, c.path(), made, times);
            } else if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                Files.createLink(to, from); // link(2) links a symlink itself, not its target
            }
        }
        Collections.reverse(times); // deepest first, so making a child does not touch its parent's time again
        times.forEach(Runnable::run);
    }

    private static void makeDirs(Path root, Path staging, String rel, Set<String> made, List<Runnable> times)
            throws IOException {
        if (rel.isEmpty() || made.contains(rel)) {
            return;
        }
        int slash = rel.lastIndexOf('/');
        if (slash > 0) {
            makeDirs(root, staging, rel.substring(0, slash), made, times);
        }
        Path from = root.resolve(rel);
        Path to = staging.resolve(rel);
        Files.createDirectory(to);
        Map<String, Object> a = Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        PosixFiles.setOwner(to, (Integer) a.get("uid"), (Integer) a.get("gid"));
        PosixFiles.setMode(to, (Integer) a.get("mode"));
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        times.add(() -> {
            try {
                Files.setLastModifiedTime(to, mtime);
            } catch (IOException e) {
                // times are cosmetic
            }
        });
        made.add(rel);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static boolean sameOwnerAndMode(Path a, Path b) throws IOException {
        Map<String, Object> x = Files.readAttributes(a, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> y = Files.readAttributes(b, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        return x.equals(y);
    }

    /** Type, owner, mode; for files also size and time, for symlinks the target. Directories as Docker sees them. */
    private static boolean differs(Path a, Path b) throws IOException {
        Map<String, Object> x = Files.readAttributes(a, "unix:mode,uid,gid,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> y = Files.readAttributes(b, "unix:mode,uid,gid,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int type = (Integer) x.get("mode") & 0170000;
        if (!x.get("mode").equals(y.get("mode")) || !x.get("uid").equals(y.get("uid"))
                || !x.get("gid").equals(y.get("gid"))) {
            return true;
        }
        if (type == 0040000) {
            return false;
        }
        if (type == 0120000) {
            return !Objects.equals(Files.readSymbolicLink(a), Files.readSymbolicLink(b));
        }
        FileTime tx = (FileTime) x.get("lastModifiedTime");
        FileTime ty = (FileTime) y.get("lastModifiedTime");
        return !x.get("size").equals(y.get("size")) || tx.toMillis() / 1000 != ty.toMillis() / 1000;
    }

    /** The image's files as the layers show them together: the topmost entry, unless a whiteout hides it. */
    static final class Lower {
        private final List<Path> topFirst;

        Lower(List<Path> layers) {
            List<Path> l = new ArrayList<>(layers);
            Collections.reverse(l);
            this.topFirst = l;
        }

        /** The layer file visible at {@code rel}, or null when the image has nothing there. */
        Path find(String rel) {
            String[] parts = rel.split("/");
            for (Path layer : topFirst) {
                Path cur = layer;
                boolean hidden = false;
                boolean present = true;
                for (int i = 0; i < parts.length; i++) {
                    cur = cur.resolve(parts[i]);
                    if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                        present = false;
                        break;
                    }
                    if (VfsRootfs.isWhiteout(cur)) {
                        return null;
                    }
                    if (i < parts.length - 1) {
                        if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                            return null; // a file here hides anything below it in lower layers
                        }
                        if ("y".equals(PosixFiles.getXattr(cur, LayerExtractor.OPAQUE_XATTR))) {
                            hidden = true;
                        }
                    }
                }
                if (present) {
                    return cur;
                }
                if (hidden) {
                    return null;
                }
            }
            return null;
        }
    }
}
