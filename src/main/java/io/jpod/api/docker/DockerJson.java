package io.jpod.api.docker;

import io.jpod.image.ImageReference;
import java.time.Instant;

/** Docker Engine API conventions shared by its wire records: times and image names. */
final class DockerJson {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private DockerJson() {}

    /** RFC 3339, Go's zero time for "never". */
    static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    /** The short name Docker shows ({@code busybox:latest} for {@code docker.io/library/busybox:latest}). */
    static String imageName(String stored) {
        try {
            return ImageReference.parse(stored).familiar();
        } catch (RuntimeException e) {
            return stored;
        }
    }
}
