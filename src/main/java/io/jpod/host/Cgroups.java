package io.jpod.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the host's cgroup setup. */
public final class Cgroups {

    private Cgroups() {}

    /** True when PID 1 is systemd, the only case where the systemd cgroup manager can work. */
    public static boolean systemdIsInit(Path procRoot) {
        try {
            return "systemd".equals(Files.readString(procRoot.resolve("1/comm")).trim());
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code v2} on a unified hierarchy, {@code v1} on legacy or hybrid. */
    public static String version(Path cgroupRoot) {
        return Files.exists(cgroupRoot.resolve("cgroup.controllers")) ? "v2" : "v1";
    }
}
