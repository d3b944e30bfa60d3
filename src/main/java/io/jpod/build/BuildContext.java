package io.jpod.build;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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

    /** The Dockerfile's text and the .dockerignore rules ({@link DockerIgnore#NONE} without one). */
    public record BuildFiles(String dockerfileName, String dockerfile, DockerIgnore ignore) {}

    /**
     * Reads the build files from an extracted context as Docker's daemon does: the Dockerfile at
     * {@code dockerfilePath} (null or empty: "Dockerfile", falling back to "dockerfile"), then the .dockerignore;
     * finally the Dockerfile and the .dockerignore are removed from the context when the .dockerignore excludes
     * them (the client filtered everything else already). Symlinks are followed inside the context only.
     */
    public static BuildFiles readBuildFiles(Path dir, String dockerfilePath) {
        String name = dockerfilePath == null || dockerfilePath.isEmpty() ? "Dockerfile" : dockerfilePath;
        Path file = resolve(dir, name);
        if (!Files.isRegularFile(file) && name.equals("Dockerfile") && Files.isRegularFile(resolve(dir, "dockerfile"))) {
            name = "dockerfile";
            file = resolve(dir, name);
        }
        if (!Files.isRegularFile(file)) {
            throw EngineException.invalidArgument("Cannot locate specified Dockerfile: " + name);
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                throw EngineException.invalidArgument("the Dockerfile (" + name + ") cannot be empty");
            }
            Path ignoreFile = resolve(dir, ".dockerignore");
            DockerIgnore ignore = Files.isRegularFile(ignoreFile)
                    ? DockerIgnore.parse(Files.readString(ignoreFile, StandardCharsets.UTF_8)) : DockerIgnore.NONE;
            for (String buildFile : new String[] {".dockerignore", name}) {
                if (ignore.excluded(buildFile)) {
                    Files.deleteIfExists(dir.resolve(GoPatterns.clean("/" + buildFile).substring(1)));
                }
            }
            return new BuildFiles(name, text, ignore);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw EngineException.invalidArgument("the Dockerfile (" + name + ") is not UTF-8 text");
        } catch (IOException e) {
            throw EngineException.internal("reading the build files: " + e.getMessage(), e);
        }
    }
}
