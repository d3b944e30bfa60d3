package io.jpod.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process's cgroups are in this mount namespace: its {@code /proc/<pid>/cgroup} paths joined
 * to the cgroup mounts of {@code /proc/self/mountinfo} (whose root may itself be a sub-tree, as in a
 * container). Works for any cgroup manager and cgroupsPath, v1, hybrid or v2.
 *
 * @param controllers v1 controller name (cpu, cpuacct, memory, ...) to its directory
 * @param unified the v2 directory, or null
 */
record CgroupPaths(Map<String, Path> controllers, Path unified) {

    /** v2 when no v1 hierarchy holds the memory controller (hybrid hosts keep it on v1). */
    boolean v2() {
        return !controllers.containsKey("memory") && unified != null;
    }

    Path controller(String name) {
        return controllers.get(name);
    }

    static CgroupPaths of(Path procRoot, int pid) throws IOException {
        List<String> own = Files.readAllLines(procRoot.resolve(pid + "/cgroup"));
        List<String> mounts = Files.readAllLines(procRoot.resolve("self/mountinfo"));
        Map<String, Path> controllers = new HashMap<>();
        Path unified = null;
        for (String line : own) {
            String[] p = line.split(":", 3);
            if (p.length < 3) {
                continue;
            }
            if (p[1].isEmpty()) {
                unified = mounted(mounts, "cgroup2", null, p[2]);
                continue;
            }
            for (String controller : p[1].split(",")) {
                Path dir = mounted(mounts, "cgroup", controller, p[2]);
                if (dir != null) {
                    controllers.put(controller, dir);
                }
            }
        }
        return new CgroupPaths(controllers, unified);
    }

    /**
     * The directory of cgroup {@code path} under the mount of type {@code fsType} that carries
     * {@code controller} (any cgroup2 mount when null); null when none is mounted or the path lies
     * outside the mount's root.
     */
    private static Path mounted(List<String> mountinfo, String fsType, String controller, String path) {
        for (String line : mountinfo) {
            // id parent major:minor root mountpoint options [optional...] - type source superoptions
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3 || !after[0].equals(fsType)) {
                continue;
            }
            if (controller != null && !List.of(after[2].split(",")).contains(controller)) {
                continue;
            }
            String root = unescape(before[3]);
            String relative;
            if (root.equals("/")) {
                relative = path;
            } else if (path.equals(root) || path.startsWith(root + "/")) {
                relative = path.substring(root.length());
            } else {
                continue;
            }
            Path dir = Path.of(unescape(before[4]), relative.replaceFirst("^/+", ""));
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return null;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
