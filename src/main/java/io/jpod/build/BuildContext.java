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
     * Extracts the tar into {@code dir}, refusing entries that escape it ({@code ..}, symlinks pointing outside,
     * writes through symlinks, hard links to outside); absolute names count from {@code dir}, as in Docker. Modes,
     * mtimes and symlinks are kept; owners are not (everything belongs to the daemon's user, root).
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
}
