package io.jpod.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the host's cgroups can limit, read once from {@code /sys/fs/cgroup}: a limit the host cannot
 * enforce is refused rather than dropped.
 *
 * @param v2 a unified hierarchy
 * @param swap swap accounting ({@code memory.memsw.*} on v1)
 * @param blkioWeight a block I/O weight file (v1 {@code blkio.weight} or {@code blkio.bfq.weight}; v2 the io controller)
 * @param pids the pids controller
 * @param cpus the CPUs containers may use, as a cpuset list ({@code 0-1})
 * @param mems the memory nodes, likewise
 */
public record CgroupFeatures(boolean v2, boolean swap, boolean blkioWeight, boolean pids, String cpus, String mems) {

    public static CgroupFeatures read(Path root) {
        if (Cgroups.version(root).equals("v2")) {
            List<String> controllers = List.of(text(root.resolve("cgroup.controllers")).split("\\s+"));
            return new CgroupFeatures(true, controllers.contains("memory"), controllers.contains("io"),
                    controllers.contains("pids"), text(root.resolve("cpuset.cpus.effective")),
                    text(root.resolve("cpuset.mems.effective")));
        }
        Path blkio = root.resolve("blkio");
        return new CgroupFeatures(false, Files.exists(root.resolve("memory/memory.memsw.limit_in_bytes")),
                Files.exists(blkio.resolve("blkio.weight")) || Files.exists(blkio.resolve("blkio.bfq.weight")),
                Files.isDirectory(root.resolve("pids")), text(root.resolve("cpuset/cpuset.cpus")),
                text(root.resolve("cpuset/cpuset.mems")));
    }

    private static String text(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
