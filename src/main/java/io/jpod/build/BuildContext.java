package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The build context a client uploads with {@code POST /build}: a tar, plain or gzip/bzip2/xz-compressed. */
public final class BuildContext {

    private BuildContext() {}

    /**
     * Extracts the tar into {@code dir}, refusing entries that escape it ({@code ..} in names or hard links; an
     * entry under a symlinked directory is placed where the link leads inside {@code dir}, never outside);
     * absolute names count from {@code dir}, as in Docker. Modes, mtimes and symlinks are kept, symlink targets
     * verbatim (so read context files through {@link #resolve}); owners are not applied (everything belongs to
     * the daemon's user, root).
     */
    public static void extract(InputStream tar, Path dir) {
        try {
            TarUnpacker.unpack(tar, dir, false, "invalid build context");
        } catch (IOException e) {
            throw EngineException.invalidArgument("invalid build context: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw EngineException.invalidArgument("invalid build context: " + e.getCause().getMessage());
        }
    }

    /**
     * The file a context-relative name designates, symlinks followed inside {@code dir} only (an absolute target
     * counts from {@code dir}): how the executor should open the Dockerfile and .dockerignore, which may be
     * symlinks in a hostile context. The path returned need not exist.
     */
    public static Path resolve(Path dir, String relativePath) {
        String resolved = ScopedPaths.resolve(dir, relativePath, true);
        return resolved.isEmpty() ? dir : dir.resolve(resolved);
    }
}
