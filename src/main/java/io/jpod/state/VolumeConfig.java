package io.jpod.state;

import java.time.Instant;
import java.util.Map;

/**
 * A named volume as the state holds it.
 *
 * @param mountPoint the host directory containers see ({@code <volume_path>/<name>/_data})
 * @param anonymous made for an image's {@code VOLUME} or an unnamed {@code -v /path}; removed with
 *     its container when asked ({@code rm -v})
 * @param uid owner of the mount point, -1 to leave it
 * @param gid group of the mount point, -1 to leave it
 */
public record VolumeConfig(String name, String driver, String mountPoint, Map<String, String> labels,
        Map<String, String> options, Instant created, boolean anonymous, int uid, int gid) {

    public VolumeConfig {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
