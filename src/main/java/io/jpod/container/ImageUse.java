package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
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

    public boolean inUse(String imageId) {
        return containers.list().stream().anyMatch(c -> imageId.equals(c.config().rootfsImageId()));
    }

    /** Untags or deletes, as {@code rmi} does; a used image needs {@code force}. */
    public ImageStore.RemoveReport remove(String nameOrId, boolean force) {
        return images.remove(nameOrId, force, this::inUse);
    }

    /**
     * Deletes images no container uses: only unnamed ones, or every unused one with {@code all}.
     * Returns the deleted IDs.
     */
    public List<String> prune(boolean all) {
        List<String> deleted = new ArrayList<>();
        for (Image img : images.list()) {
            if ((all || img.names().isEmpty()) && !inUse(img.id())) {
                try {
                    deleted.addAll(images.remove(img.id(), true, this::inUse).deleted());
                } catch (EngineException raced) {
                    // used or removed meanwhile: kept as it is
                }
            }
        }
        return deleted;
    }
}
