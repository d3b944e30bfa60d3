package io.jpod.container;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Turns a path as the container sees it into the host path behind it, in the container's scope: each
 * component is looked at without following it on the host; a symbolic link is followed as the
 * container would (an absolute target from the container's root, a relative one from its directory),
 * {@code ..} stops at the root, and a path at or below a volume or bind mount lands in its source.
 * So no answer is ever outside the container's root or its mounts, whatever the links say.
 *
 * <p>The check is made when the path is resolved, so a process that swapped a checked directory for
 * a link before its use could redirect it: {@link ContainerFiles} pauses a running container while
 * it copies (export excepted, as Docker and podman do not pause for it either).
 */
final class PathResolver {

    private static final int MAX_LINKS = 40;

    /** A mount: its destination in the container (clean, absolute) and where its content is on the host. */
    record MountSource(String destination, Path source, boolean readOnly) {}

    /** A resolved path: clean and absolute in the container, its host path, and whether a read-only mount holds it. */
    record Resolved(String path, Path host, boolean readOnly, boolean mountRoot) {
        /** The name of the last component ("/" for the root). */
        String base() {
            return path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private final Path root;
    private final boolean rootReadOnly;
    private final List<MountSource> mounts;

    PathResolver(Path root, List<MountSource> mounts) {
        this(root, false, mounts);
    }

    /** {@code rootReadOnly}: the container runs with a read-only root ({@code --read-only}). */
    PathResolver(Path root, boolean rootReadOnly, List<MountSource> mounts) {
        this.root = root;
        this.rootReadOnly = rootReadOnly;
        // longest destination first: the innermost mount holding a path wins
        this.mounts = mounts.stream().sorted(Comparator.comparingInt((MountSource m) -> m.destination().length())
                .reversed()).toList();
    }

    /**
     * Resolves {@code path} (taken as absolute in the container). With {@code followLast} a final
     * symbolic link is followed too; without, the result may name a link.
     */
    Resolved resolve(String path, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(split(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String comp = todo.pollFirst();
            if (comp.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(comp);
            Resolved here = map(done);
            if ((todo.isEmpty() && !followLast) || here.mountRoot() || !Files.isSymbolicLink(here.host())) {
                continue;
            }
            if (++links > MAX_LINKS) {
                throw EngineException.invalidArgument("too many levels of symbolic links in " + path);
            }
            String target;
            try {
                target = Files.readSymbolicLink(here.host()).toString();
            } catch (IOException e) {
                throw EngineException.internal("reading the link " + here.path() + ": " + e.getMessage(), e);
            }
            done.remove(done.size() - 1);
            if (target.startsWith("/")) {
                done.clear();
            }
            List<String> parts = split(target);
            for (int i = parts.size() - 1; i >= 0; i--) {
                todo.addFirst(parts.get(i));
            }
        }
        return map(done);
    }

    /** The mounts strictly below a clean container path, outermost first. */
    List<MountSource> mountsBelow(String path) {
        String prefix = path.equals("/") ? "/" : path + "/";
        return mounts.stream().filter(m -> m.destination().startsWith(prefix) && !m.destination().equals(path))
                .sorted(Comparator.comparingInt(m -> m.destination().length())).toList();
    }

    /** The host path of a clean path given as components: its innermost mount's source, else the root. */
    private Resolved map(List<String> comps) {
        String path = "/" + String.join("/", comps);
        for (MountSource m : mounts) {
            if (path.equals(m.destination())) {
                return new Resolved(path, m.source(), m.readOnly(), true);
            }
            if (path.startsWith(m.destination().equals("/") ? "/" : m.destination() + "/")) {
                return new Resolved(path, m.source().resolve(path.substring(m.destination().length() + 1)),
                        m.readOnly(), false);
            }
        }
        return new Resolved(path, comps.isEmpty() ? root : root.resolve(String.join("/", comps)), rootReadOnly,
                comps.isEmpty());
    }

    /** The components of a path, without empty ones and {@code .}. */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) {
                out.add(s);
            }
        }
        return out;
    }
}
