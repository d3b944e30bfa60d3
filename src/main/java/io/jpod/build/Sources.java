package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The source files a COPY or ADD names, found under a root as Docker finds them. */
public final class Sources {

    private Sources() {}

    /**
     * Resolves COPY/ADD source patterns against {@code root} (the context directory, or a stage's or image's root
     * filesystem for {@code --from}): {@code filepath.Match} wildcards per path segment, {@code ..} and symlinks
     * resolved inside the root. The paths returned lie under {@code root} with symlink-free parents; the last
     * element may itself be a symlink (COPY follows it, keeping its name). {@code ignore} (null for none) hides
     * excluded files, as they would be missing from a context the client filtered. A pattern matching nothing is
     * an invalidArgument.
     */
    public static List<Path> resolve(Path root, List<String> patterns, DockerIgnore ignore) {
        if (patterns.isEmpty()) {
            throw EngineException.invalidArgument("COPY failed: no source files were specified");
        }
        DockerIgnore rules = ignore == null ? DockerIgnore.NONE : ignore;
        List<Path> found = new ArrayList<>();
        for (String pattern : patterns) {
            String rel = GoPatterns.clean("/" + pattern).substring(1);
            if (!GoPatterns.hasWildcard(pattern)) {
                Path path = literal(root, rel);
                if (path == null || (!rel.isEmpty() && rules.excluded(rel))) {
                    throw EngineException.invalidArgument("file not found in build context or excluded by "
                            + ".dockerignore: stat " + pattern + ": file does not exist");
                }
                found.add(path);
                continue;
            }
            List<String> matches = new ArrayList<>();
            walk(root, "", List.of(rel.split("/")), 0, matches);
            matches.removeIf(rules::excluded);
            if (matches.isEmpty()) {
                throw EngineException.invalidArgument("COPY failed: no source files were specified");
            }
            matches.stream().distinct().forEach(m -> found.add(root.resolve(m)));
        }
        return found;
    }

    /** The path under root for a literal name, parents resolved inside it; null when nothing is there. */
    private static Path literal(Path root, String rel) {
        if (rel.isEmpty()) {
            return root;
        }
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : ScopedPaths.resolve(root, rel.substring(0, slash), true);
        String name = rel.substring(slash + 1);
        String path = parent.isEmpty() ? name : parent + "/" + name;
        Path p = root.resolve(path);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    /** Collects the root-relative paths matching segments[index..] under {@code dir} (root-relative, resolved). */
    private static void walk(Path root, String dir, List<String> segments, int index, List<String> matches) {
        String segment = segments.get(index);
        boolean last = index == segments.size() - 1;
        List<String> names = new ArrayList<>();
        boolean wildcard = GoPatterns.hasWildcard(segment);
        if (wildcard) {
            Pattern p = GoPatterns.compile(segment, false);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(dir.isEmpty() ? "." : dir))) {
                for (Path e : entries) {
                    String name = e.getFileName().toString();
                    // as in Go, a leading dot is not special: "*" matches dotfiles too
                    if (p.matcher(name).matches()) {
                        names.add(name);
                    }
                }
            } catch (IOException e) {
                return; // not a directory, or unreadable: nothing matches here
            }
            names.sort(null);
        } else {
            names.add(segment.replaceAll("\\\\(.)", "$1"));
        }
        for (String name : names) {
            String path = dir.isEmpty() ? name : dir + "/" + name;
            if (last) {
                if (Files.exists(root.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
                    matches.add(path);
                }
            } else if (wildcard && Files.isSymbolicLink(root.resolve(path))) {
                continue; // like Docker's walk of the context, a wildcard does not descend through symlinks
            } else {
                String resolved = ScopedPaths.resolve(root, path, true);
                if (Files.isDirectory(root.resolve(resolved.isEmpty() ? "." : resolved))) {
                    walk(root, resolved, segments, index + 1, matches);
                }
            }
        }
    }
}
