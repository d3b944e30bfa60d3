package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.List;

/**
 * Image operations that must know which images containers use: removal (refused while used,
 * unless forced) and pruning. Kept here so no API adapter decides that on its own.
 */
public final class ImageUse {

    private final ImageStore images;
    private final ContainerService containers;

    public ImageUse(ImageStore images, ContainerService containers) {
        this.images = images;
        this.containers = containers;
    }

    /**
     * Read from the stored configs, without the containers' locks: the image store asks under its own
     * lock, which a container's start takes under the container's (the lock order), and a
     * container's image never changes.
     */
    public boolean inUse(String imageId) {
        return containers.stored().stream().anyMatch(c -> imageId.equals(c.config().rootfsImageId()));
    }

    /**
     * Docker's {@code rmi}: a name that is one of several only loses that name, force or not; an ID
     * of an image with several names needs {@code force}; an image a container uses needs
     * {@code force}, and then only loses its names: its content stays so the container still starts.
     */
    public ImageStore.RemoveReport remove(String nameOrId, boolean force) {
        Image img = images.lookup(nameOrId);
        boolean byName = byName(nameOrId, img);
        if (byName && img.names().size() > 1) {
            return images.remove(nameOrId, force, this::inUse); // untags that name only
        }
        if (!byName && img.names().size() > 1 && !force) {
            throw EngineException.invalidState("conflict: unable to delete " + img.id().substring(0, 12)
                    + " (must be forced) - image is referenced in multiple repositories");
        }
        if (force && inUse(img.id())) {
            List<String> untagged = byName ? List.of(ImageReference.parse(nameOrId).toString()) : img.names();
            untagged.forEach(n -> images.untag(img.id(), n));
            return new ImageStore.RemoveReport(untagged, List.of());
        }
        return images.remove(nameOrId, force, this::inUse);
    }

    /**
     * podman's {@code rmi}: names as with Docker, but {@code force} removes the containers that use
     * the image (running ones are killed) and then the image itself.
     */
    public ImageStore.RemoveReport removeWithContainers(String nameOrId, boolean force) {
        Image img = images.lookup(nameOrId);
        if (byName(nameOrId, img) && img.names().size() > 1) {
            return images.remove(nameOrId, force, this::inUse);
        }
        if (force) {
            for (StoredContainer c : containers.list()) {
                if (img.id().equals(c.config().rootfsImageId())) {
                    containers.remove(c.id(), true);
                }
            }
        }
        return images.remove(img.id(), force, this::inUse);
    }

    /** Whether the query named the image (rather than giving its ID or an ID prefix). */
    private static boolean byName(String query, Image img) {
        return !query.startsWith("sha256:") && ImageReference.isName(query)
                && img.names().contains(ImageReference.parse(query).toString());
    }

    /**
     * Deletes images no container uses: only unnamed ones, or every unused one with {@code all};
     * then the build cache (intermediate images) and layers no image uses (left by failed pulls).
     * Returns the deleted IDs.
     */
    public List<String> prune(boolean all) {
        return prune(all, i -> true);
    }

    /** {@link #prune(boolean)} of only the images (and build cache images) {@code which} accepts. */
    public List<String> prune(boolean all, java.util.function.Predicate<Image> which) {
        List<String> deleted = new ArrayList<>();
        for (Image img : images.list()) {
            if ((all || img.names().isEmpty()) && !inUse(img.id()) && which.test(img)) {
                try {
                    deleted.addAll(images.remove(img.id(), true, this::inUse).deleted());
                } catch (EngineException raced) {
                    // used or removed meanwhile: kept as it is
                }
            }
        }
        // the build cache's intermediate images go too (with their layers); then the layers of pulls
        // that did not finish, which no image holds
        java.util.Set<String> cache = images.intermediate().stream().filter(which).map(Image::id)
                .collect(java.util.stream.Collectors.toSet());
        deleted.addAll(images.pruneIntermediate(id -> inUse(id) || !cache.contains(id)));
        images.pruneLayers();
        return deleted;
    }
}
