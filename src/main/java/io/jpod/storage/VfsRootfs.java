package io.jpod.storage;

import io.jpod.error.EngineException;
import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code vfs} graph driver: a container's root filesystem as a plain copy of its image's
 * layers, base first, with overlay whiteouts applied (a 0/0 device deletes what lies below, an
 * opaque directory hides the lower directory's contents). Slower and bigger than overlayfs, but it
 * works on any file system.
 */
public final class VfsRootfs {

    private static final String READY = ".jpod-vfs-ready";

    private VfsRootfs() {}

    /** Fills {@code target} from the layers once; later calls find it ready and leave it alone. */
    public static void populate(Path target, List<Path> layers) {
        try {
            if (Files.exists(target.resolve(READY))) {
                return;
            }
            Files.createDirectories(target);
            for (Path layer : layers) {
                clearOpaqueDirs(layer, target);
                ProcessRunner.Result r = ProcessRunner.run(List.of("cp", "-a", layer + "/.", target.toString()),
                        Duration.ofMinutes(10));
                if (!r.ok()) {
                    throw EngineException.internal("copying layer " + layer + ": " + r.stderr().strip(), null);
                }
                removeWhiteouts(target);
            }
            Files.createFile(target.resolve(READY));
        } catch (IOException e) {
            throw EngineException.internal("preparing a vfs root filesystem in " + target + ": " + e.getMessage(), e);
        }
    }

    private static void clearOpaqueDirs(Path layer, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(layer)) {
            for (Path dir : walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                if ("y".equals(PosixFiles.getXattr(dir, LayerExtractor.OPAQUE_XATTR))) {
                    Path lower = target.resolve(layer.relativize(dir).toString());
                    if (Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS)) {
                        try (Stream<Path> children = Files.list(lower)) {
                            for (Path child : children.toList()) {
                                Trees.delete(child);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The copy has replaced every hidden lower file by its 0/0 device: removing the device finishes the job. */
    private static void removeWhiteouts(Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path p : walk.toList()) {
                if (isWhiteout(p)) {
                    Files.delete(p);
                }
            }
        }
    }

    static boolean isWhiteout(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0020000 && (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0L;
        } catch (IOException e) {
            return false;
        }
    }
}
