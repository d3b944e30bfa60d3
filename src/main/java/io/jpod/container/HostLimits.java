package io.jpod.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's hard limits: a container may not ask for more (runc fails with EPERM when it does). */
record HostLimits(long nofile, long nproc) {

    static HostLimits read() {
        long nofile = 1_048_576;
        long nproc = 1_048_576;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                String[] f = line.trim().split("\\s{2,}");
                if (f.length >= 3 && f[0].equals("Max open files")) {
                    nofile = parse(f[2], nofile);
                } else if (f.length >= 3 && f[0].equals("Max processes")) {
                    nproc = parse(f[2], nproc);
                }
            }
        } catch (IOException e) {
            // keep the defaults
        }
        return new HostLimits(nofile, nproc);
    }

    private static long parse(String s, long fallback) {
        return s.equals("unlimited") ? fallback : Long.parseLong(s);
    }
}
