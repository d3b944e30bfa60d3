package io.jpod.build;

import io.jpod.error.EngineException;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import io.jpod.storage.VfsRootfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image's root filesystem, read-only, for the build steps that look into it (COPY's destination
 * and --chown, COPY --from, WORKDIR): one layer is its own directory, several are stacked with a
 * read-only overlay mount, or copied where overlay is not the driver.
 */
final class ImageRoot implements AutoCloseable {

    private final Path root;
    private final Path workDir;
    private final boolean mounted;

    private ImageRoot(Path root, Path workDir, boolean mounted) {
        this.root = root;
        this.workDir = workDir;
        this.mounted = mounted;
    }

    /** {@code layers} base first, as the image store lists them. */
    static ImageRoot open(List<Path> layers, Path workParent, boolean overlay) {
        try {
            if (layers.size() == 1) {
                return new ImageRoot(layers.get(0), null, false);
            }
            Path work = Files.createTempDirectory(Files.createDirectories(workParent), "root-");
            Path target = work.resolve("root");
            Files.createDirectories(target);
            if (layers.isEmpty()) {
                return new ImageRoot(target, work, false);
            }
            if (!overlay) {
                VfsRootfs.populate(target, layers);
                return new ImageRoot(target, work, false);
            }
            List<String> lower = new ArrayList<>();
            for (int i = layers.size() - 1; i >= 0; i--) {
                lower.add(layers.get(i).toString());
            }
            PosixFiles.mount("overlay", target, "overlay", PosixFiles.MS_RDONLY, "lowerdir=" + String.join(":", lower));
            return new ImageRoot(target, work, true);
        } catch (IOException e) {
            throw EngineException.internal("opening an image's root filesystem: " + e.getMessage(), e);
        }
    }

    Path path() {
        return root;
    }

    /** Whether {@code absolute} is there in the image, its symlinks followed inside the image only. */
    boolean exists(String absolute) {
        Path p = resolve(absolute);
        return p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** The host path of {@code absolute} with every symlink resolved inside the image; null when absent. */
    Path resolve(String absolute) {
        String rel = ScopedPaths.resolve(root, absolute, true);
        Path p = rel.isEmpty() ? root : root.resolve(rel);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
    }

    @Override
    public void close() {
        if (mounted) {
            PosixFiles.unmount(root);
        }
        if (workDir != null) {
            Trees.delete(workDir);
        }
    }
}
