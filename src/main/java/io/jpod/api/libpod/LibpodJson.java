package io.jpod.api.libpod;

import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;

/**
 * libpod API conventions (podman 4.x) shared by its wire records. Types matter more than
 * completeness: podman's client decodes into typed structs, so a time is RFC 3339 where it expects
 * time.Time and Unix seconds where it expects an integer.
 */
final class LibpodJson {

    /** Go's zero time, which podman sends for "never". */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final long ZERO_UNIX = -62135596800L;

    private LibpodJson() {}

    static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    static long unix(Instant t) {
        return t == null ? ZERO_UNIX : t.getEpochSecond();
    }

    static boolean running(ContainerStatus s) {
        return s == ContainerStatus.RUNNING || s == ContainerStatus.STOPPING;
    }

    /** The full argv the container runs. */
    static List<String> args(StoredContainer c) {
        RunConfig run = c.config().run();
        return run != null ? run.args() : c.config().command();
    }

    /** The image name as stored (podman shows it fully qualified). */
    static String imageName(StoredContainer c) {
        return c.config().rootfsImageName() == null ? "" : c.config().rootfsImageName();
    }
}
