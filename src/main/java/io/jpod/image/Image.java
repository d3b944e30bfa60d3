package io.jpod.image;

import java.time.Instant;
import java.util.List;

/**
 * An image in the store. Its ID is the hex SHA-256 of its config, as in Docker and podman.
 *
 * @param names normalised names ({@code docker.io/library/busybox:latest})
 * @param layers the layers' diff IDs ({@code sha256:...}), base first
 * @param size bytes of all layers' content
 * @param digests repository digests ({@code docker.io/library/busybox@sha256:...}): the manifests
 *     this image was pulled as or pushed as
 */
public record Image(String id, List<String> names, Instant created, long size, List<String> layers,
        ImageConfig config, String architecture, String os, List<HistoryEntry> history, List<String> digests) {

    public Image {
        names = List.copyOf(names);
        layers = List.copyOf(layers);
        history = history == null ? List.of() : List.copyOf(history);
        digests = digests == null ? List.of() : List.copyOf(digests);
    }

    public Image(String id, List<String> names, Instant created, long size, List<String> layers,
            ImageConfig config, String architecture, String os, List<HistoryEntry> history) {
        this(id, names, created, size, layers, config, architecture, os, history, List.of());
    }

    /** One step of how the image was built. */
    public record HistoryEntry(Instant created, String createdBy, String comment, boolean emptyLayer) {}
}
