package io.jpod.storage;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Path;
import org.springframework.util.FileSystemUtils;

/** Removing whole directory trees; symbolic links are removed, never followed. */
public final class Trees {

    private Trees() {}

    /** Deletes a file or a directory tree; a missing path is fine. */
    public static void delete(Path path) {
        try {
            FileSystemUtils.deleteRecursively(path);
        } catch (IOException e) {
            throw EngineException.internal("removing " + path + ": " + e.getMessage(), e);
        }
    }
}
