package io.jpod.host;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of looking for a host binary (OCI runtime or conmon): either the path found and the
 * version it reports, or what was tried, why nothing fit, and how to fix it.
 *
 * @param name the runtime's configured name (e.g. {@code runc}) or {@code conmon}
 * @param path the binary found, or null
 * @param version first line of {@code --version}, or empty when unknown
 * @param candidates every configured candidate, in lookup order
 * @param problem libpod's error text when nothing was found, else null
 * @param hint what to install or configure to fix it
 */
public record BinaryDiscovery(
        String name, Path path, String version, List<String> candidates, String problem, String hint) {

    public BinaryDiscovery {
        candidates = List.copyOf(candidates);
    }

    public boolean found() {
        return path != null;
    }

    /** Found at discovery and still there and executable now (a package removal takes it away). */
    public boolean available() {
        return path != null && java.nio.file.Files.isExecutable(path);
    }

    /** Why the binary cannot be used now, or null when it can. */
    public String unavailableReason() {
        if (path == null) {
            return problem;
        }
        return available() ? null : path + " was found at start but is no longer there or executable: " + hint;
    }
}
