package io.jpod.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Finds the OCI runtime and conmon exactly as libpod's makeRuntime did (section 1.8 of the facts):
 * an absolute runtime path is used as-is after existence and regular-file checks; a runtime name is
 * looked up in {@code runtimes}, taking the first candidate that exists and is a regular file; conmon
 * walks {@code conmon_path} the same way. Nothing here throws: a miss is reported, not fatal.
 */
public final class BinaryLocator {

    private BinaryLocator() {}

    public static BinaryDiscovery ociRuntime(String runtime, Map<String, List<String>> runtimes) {
        String hint = "install the OCI runtime package (apt-get install " + packageFor(runtime)
                + ") or point libpod.runtime / [runtimes] in libpod.conf at the binary";
        if (runtime.startsWith("/")) {
            Path path = Path.of(runtime);
            String name = path.getFileName().toString();
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return miss(name, List.of(runtime), "the specified OCI runtime " + runtime + " does not exist", hint);
            } catch (IOException e) {
                return miss(name, List.of(runtime), "cannot stat the OCI runtime path " + runtime + ": " + e, hint);
            }
            if (!attrs.isRegularFile()) {
                return miss(name, List.of(runtime), "the specified OCI runtime " + runtime + " is not a valid file",
                        hint);
            }
            return hit(name, path, List.of(runtime), hint);
        }
        List<String> candidates = runtimes.getOrDefault(runtime, List.of());
        for (String candidate : candidates) {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(Path.of(candidate), BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                return miss(runtime, candidates, "cannot stat " + candidate + ": " + e.getMessage(), hint);
            }
            if (attrs.isRegularFile()) {
                return hit(runtime, Path.of(candidate), candidates, hint);
            }
        }
        String problem = runtime.isEmpty() || !runtimes.containsKey(runtime)
                ? "could not find a working binary: OCI runtime \"" + runtime + "\" is not configured (configured "
                        + "options: " + runtimes + ")"
                : "could not find a working binary (configured options: " + runtimes + ")";
        return miss(runtime, candidates, problem, hint);
    }

    public static BinaryDiscovery conmon(List<String> conmonPath) {
        String hint = "install conmon (apt-get install conmon) or list its path in conmon_path";
        for (String candidate : conmonPath) {
            try {
                if (Files.readAttributes(Path.of(candidate), BasicFileAttributes.class).isDirectory()) {
                    continue;
                }
            } catch (IOException e) {
                continue;
            }
            return hit("conmon", Path.of(candidate), conmonPath, hint);
        }
        return miss("conmon", conmonPath,
                "could not find a working conmon binary (configured options: " + conmonPath + ")", hint);
    }

    private static BinaryDiscovery hit(String name, Path path, List<String> candidates, String hint) {
        return new BinaryDiscovery(name, path, version(path), candidates, null, hint);
    }

    private static BinaryDiscovery miss(String name, List<String> candidates, String problem, String hint) {
        return new BinaryDiscovery(name, null, "", candidates, problem, hint);
    }

    /** First line of {@code <binary> --version}, or empty when it cannot be run. */
    static String version(Path binary) {
        try {
            ProcessRunner.Result r = ProcessRunner.run(List.of(binary.toString(), "--version"), Duration.ofSeconds(10));
            String text = r.stdout().isBlank() ? r.stderr() : r.stdout();
            return text.lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String packageFor(String runtime) {
        String name = runtime.startsWith("/") ? Path.of(runtime).getFileName().toString() : runtime;
        return name.isEmpty() ? "runc" : name;
    }

}
