package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolving a path inside a root directory (a build context, a stage's or an image's root filesystem) as if the
 * root were {@code /}: symlinks are followed inside it, absolute link targets count from it, and {@code ..} stops
 * at it, so nothing ever leads outside.
 */
final class ScopedPaths {

    private static final int MAX_LINKS = 255;

    private ScopedPaths() {}

    /**
     * The root-relative, symlink-free path ("" for the root itself) that {@code path} (relative, or absolute
     * meaning root-relative) names inside {@code root}; the last element is followed only when {@code followLast}.
     * The result need not exist.
     */
    static String resolve(Path root, String path, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String segment = todo.pollFirst();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = root.resolve(join(done, segment));
            boolean last = todo.stream().allMatch(s -> s.isEmpty() || s.equals("."));
            if ((!last || followLast) && Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw EngineException.invalidArgument("too many levels of symbolic links resolving " + path);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(candidate).toString();
                } catch (IOException e) {
                    throw EngineException.internal("reading the link " + candidate + ": " + e.getMessage(), e);
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
                continue;
            }
            done.add(segment);
        }
        return String.join("/", done);
    }

    private static String join(List<String> done, String segment) {
        return done.isEmpty() ? segment : String.join("/", done) + "/" + segment;
    }
}
